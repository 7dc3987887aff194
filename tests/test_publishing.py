"""The publishing bar on the story form: what each role is offered in each
state, every move made through the form, hand-made POSTs, and the words
the log, the revisions and the messages use."""

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from tests.admin_helpers import admin_url, as_user, form_data, make_staff
from tests.helpers import (
    house_outlet,
    make_article,
    make_draft,
    make_scheduled,
    make_section,
)

pytestmark = pytest.mark.django_db

MOVE_BUTTON = re.compile(r'<button type="submit" name="move" value="(\w+)"')


@pytest.fixture
def reporter():
    return make_staff("Reporter", email="aytan@example.org", first_name="Aytan")


@pytest.fixture
def editor():
    return make_staff("Editor", email="nino@example.org", first_name="Nino")


def story_page(client, story):
    return client.get(admin_url(Article, "change", story.pk))


def offered(page):
    """The moves the page's bar offers, in its order (panels' buttons too)."""
    return MOVE_BUTTON.findall(page.content.decode())


def move(client, story, name, **changes):
    """Press a bar button on the story's form, after making `changes`."""
    page = story_page(client, story)
    data = form_data(page, "article_form", move=name, **changes)
    return client.post(admin_url(Article, "change", story.pk), data, follow=True)


def said(response):
    return [str(message) for message in response.context["messages"]]


def log_messages(story):
    entries = LogEntry.objects.filter(object_id=str(story.pk)).order_by("pk")
    return [entry.get_change_message() for entry in entries]


def revision_comments(story):
    versions = Version.objects.get_for_object(story).order_by("pk")
    return [version.revision.get_comment() for version in versions]


def in_days(days, hour=9):
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def schedule_fields(moment):
    return {
        "schedule_at_0": moment.strftime("%Y-%m-%d"),
        "schedule_at_1": moment.strftime("%H:%M"),
    }


# What the bar offers.


def test_it_offers_a_reporter_a_draft_and_a_submission_on_a_new_story(client, reporter):
    page = as_user(client, reporter).get(admin_url(Article, "add"))
    assert offered(page) == ["save", "submit"]
    html = page.content.decode()
    assert "Save draft" in html and "Submit for review" in html
    assert 'type="hidden" name="status"' in html
    assert 'name="published_at_0"' not in html


def test_it_never_shows_a_reporter_publish(client, reporter):
    stories = [
        make_draft(created_by=reporter),
        make_article(status=Article.Status.REVIEW, created_by=reporter),
        make_scheduled(created_by=reporter),
        make_article(created_by=reporter),
        make_draft(created_by=make_staff("Reporter")),
    ]
    as_user(client, reporter)
    for story in stories:
        page = story_page(client, story)
        assert page.status_code == 200
        assert not {"publish", "schedule", "unpublish", "update", "return"} & set(
            offered(page)
        ), story.state
        assert "Publish now" not in page.content.decode()


def test_it_offers_a_reporter_withdraw_on_their_story_in_review(client, reporter):
    story = make_article(status=Article.Status.REVIEW, created_by=reporter)
    page = story_page(as_user(client, reporter), story)
    assert offered(page) == ["withdraw"]
    assert f'formaction="/admin/articles/article/{story.pk}/withdraw/"' in (
        page.content.decode()
    )


@pytest.mark.parametrize(
    ("make", "moves"),
    [
        (make_draft, ["save", "submit", "publish", "schedule"]),
        (
            lambda: make_article(status=Article.Status.REVIEW),
            ["save", "publish", "schedule", "return"],
        ),
        (make_scheduled, ["save", "publish", "schedule", "unpublish"]),
        (make_article, ["update", "schedule", "unpublish"]),
    ],
    ids=["draft", "review", "scheduled", "live"],
)
def test_it_offers_an_editor_the_moves_the_state_allows(client, editor, make, moves):
    page = story_page(as_user(client, editor), make())
    assert offered(page) == moves


def test_its_first_button_saves_so_enter_never_publishes(client, editor):
    for story in (make_draft(), make_article()):
        page = story_page(as_user(client, editor), story)
        html = page.content.decode()
        html = html[html.index('id="article_form"') :]
        first_submit = re.search(r'<(button|input) type="submit"[^>]*>', html)
        assert 'value="save"' in first_submit.group(0) or 'value="update"' in (
            first_submit.group(0)
        )


def test_it_states_where_the_story_stands_in_words(client, editor, settings):
    settings.TIME_ZONE = "Asia/Tbilisi"
    at = in_days(1)
    scheduled = make_article(published_at=at)
    live = make_article(published_at=datetime(2022, 2, 27, 14, 0, tzinfo=at.tzinfo))
    as_user(client, editor)
    page = story_page(client, scheduled).content.decode()
    day = f"{at.day} {at:%B} {at.year}, 09:00"
    assert f"Scheduled for {day}, Tbilisi time" in page
    assert "Publish at (Tbilisi time)" in page
    assert "Live since 27 February 2022, 14:00, Tbilisi time" in (
        story_page(client, live).content.decode()
    )


def test_it_says_who_submitted_a_story_in_review_and_when(client, reporter, editor):
    story = make_draft(created_by=reporter)
    move(as_user(client, reporter), story, "submit")
    page = story_page(as_user(client, editor), story).content.decode()
    assert re.search(r"In review since \d+ \w+ \d{4}, \d\d:\d\d, \w+ time", page)
    assert "(submitted by Aytan)" in page


# Moves through the form: the edit and the move in one save.


def test_a_reporter_submits_with_an_edit_in_one_save(client, reporter):
    story = make_draft(created_by=reporter, headline="First go")
    response = move(as_user(client, reporter), story, "submit", headline="Sharper")
    story.refresh_from_db()
    assert story.state == Article.State.REVIEW
    assert story.headline == "Sharper"
    assert said(response)[0] == (
        "Submitted for review: the editors have been told about “Sharper”."
    )
    assert log_messages(story) == ["Submitted for review. Changed Headline."]
    assert revision_comments(story) == ["Submitted for review. Changed Headline."]
    assert "was changed successfully" not in response.content.decode()


def test_a_reporter_submits_a_new_story_from_the_add_form(client, reporter):
    as_user(client, reporter)
    page = client.get(admin_url(Article, "add"))
    data = form_data(
        page,
        "article_form",
        move="submit",
        headline="Ахалгори: the crossing",
        slug="akhalgori-crossing",
        body="<p>Text.</p>",
        section=make_section().pk,
        outlet=house_outlet().pk,
        language="en",
    )
    response = client.post(admin_url(Article, "add"), data, follow=True)
    story = Article.objects.get(slug="akhalgori-crossing")
    assert story.state == Article.State.REVIEW
    assert story.created_by == reporter
    assert said(response)[0].startswith("Submitted for review")
    assert log_messages(story) == ["Submitted for review."]


def test_a_reporter_saves_a_draft_and_stays_on_it(client, reporter):
    story = make_draft(created_by=reporter)
    response = move(as_user(client, reporter), story, "save", standfirst="Shorter.")
    story.refresh_from_db()
    assert story.state == Article.State.DRAFT and story.standfirst == "Shorter."
    assert response.redirect_chain[-1][0].endswith(f"/{story.pk}/change/")
    assert said(response) == [f"Draft saved: “{story}”."]


def test_an_editor_publishes_a_draft_with_an_edit(client, editor):
    story = make_draft(headline="Before")
    before = timezone.now().replace(microsecond=0)
    response = move(as_user(client, editor), story, "publish", headline="After")
    story.refresh_from_db()
    assert story.state == Article.State.LIVE
    assert story.headline == "After"
    assert story.published_at >= before
    assert said(response) == ["Published: “After” is live."]
    assert log_messages(story) == ["Published. Changed Headline."]
    assert client.get(story.get_absolute_url()).status_code == 200


def test_an_editor_schedules_a_draft(client, editor):
    story = make_draft()
    at = in_days(2)
    response = move(as_user(client, editor), story, "schedule", **schedule_fields(at))
    story.refresh_from_db()
    assert story.state == Article.State.SCHEDULED
    assert story.published_at == at
    day = f"{at.day} {at:%B} {at.year}, 09:00"
    assert log_messages(story) == [f"Scheduled for {day}."]
    assert said(response) == [f"Scheduled: “{story}” goes live on {day}, Tbilisi time."]
    assert client.get(story.get_absolute_url()).status_code == 404


def test_it_refuses_to_schedule_in_the_past_or_without_a_time(client, editor):
    story = make_draft()
    as_user(client, editor)
    past = move(client, story, "schedule", **schedule_fields(in_days(-1)))
    assert "Choose a time in the future" in past.content.decode()
    nothing = move(client, story, "schedule")
    assert "Choose the day and time it goes live." in nothing.content.decode()
    story.refresh_from_db()
    assert story.state == Article.State.DRAFT
    assert log_messages(story) == []


def test_it_asks_before_scheduling_a_live_story(client, editor):
    story = make_article(headline="Already out")
    first = story.published_at
    as_user(client, editor)
    page = story_page(client, story).content.decode()
    assert "Scheduling it takes it off the site now" in page
    assert 'name="confirm_offline" value="yes"' in page

    refused = move(client, story, "schedule", **schedule_fields(in_days(3)))
    assert refused.status_code == 200
    assert "This story is live: scheduling it takes it off the site until" in (
        refused.content.decode()
    )
    story.refresh_from_db()
    assert story.state == Article.State.LIVE and story.published_at == first

    done = move(
        client, story, "schedule", confirm_offline="yes", **schedule_fields(in_days(3))
    )
    story.refresh_from_db()
    assert story.state == Article.State.SCHEDULED
    assert said(done)[0].endswith("It is off the site until then.")


def test_an_editor_updates_a_live_story_without_moving_its_time(client, editor):
    story = make_article(headline="Live")
    first = story.published_at
    response = move(as_user(client, editor), story, "update", headline="Live, fixed")
    story.refresh_from_db()
    assert story.state == Article.State.LIVE
    assert story.published_at == first
    assert story.headline == "Live, fixed"
    assert log_messages(story) == ["Changed Headline."]
    assert said(response) == [
        "Live story updated: readers see the changes to “Live, fixed” now."
    ]


def test_publish_now_is_refused_on_a_live_story(client, editor):
    story = make_article()
    first = story.published_at
    response = move(as_user(client, editor), story, "publish", headline="Again")
    assert response.status_code == 200
    assert f"“{story}” is already live." in response.content.decode()
    story.refresh_from_db()
    assert story.published_at == first and story.headline != "Again"


def test_an_editor_unpublishes_a_live_story(client, editor):
    story = make_article()
    response = move(as_user(client, editor), story, "unpublish")
    story.refresh_from_db()
    assert story.state == Article.State.DRAFT
    assert log_messages(story) == ["Unpublished (back to draft)."]
    assert said(response) == [
        f"Unpublished: “{story}” is off the site and back to draft."
    ]
    assert client.get(story.get_absolute_url()).status_code == 404


def test_republishing_keeps_the_first_publication_date(client, editor):
    first = timezone.now().replace(microsecond=0) - timedelta(days=900)
    story = make_draft(published_at=first)
    as_user(client, editor)
    page = story_page(client, story).content.decode()
    assert "Publish as new (today&#x27;s date)" in page
    assert "first published" in page
    response = move(client, story, "publish")
    story.refresh_from_db()
    assert story.state == Article.State.LIVE
    assert story.published_at == first
    assert log_messages(story)[-1].startswith("Published again, keeping its first date")
    assert said(response)[0].endswith("It keeps its first publication date.")


def test_republishing_as_new_takes_todays_date(client, editor):
    first = timezone.now() - timedelta(days=900)
    story = make_draft(published_at=first)
    before = timezone.now().replace(microsecond=0)
    move(as_user(client, editor), story, "publish", publish_as_new="on")
    story.refresh_from_db()
    assert story.published_at >= before
    assert log_messages(story)[-1] == "Published as new."


def test_the_list_action_also_keeps_a_republished_storys_date(client, editor):
    first = timezone.now().replace(microsecond=0) - timedelta(days=30)
    story = make_draft(published_at=first)
    as_user(client, editor).post(
        admin_url(Article), {"action": "publish_now", "_selected_action": [story.pk]}
    )
    story.refresh_from_db()
    assert story.state == Article.State.LIVE and story.published_at == first


def test_the_list_action_does_not_schedule_a_live_story(client, editor):
    story = make_article()
    at = in_days(2)
    response = as_user(client, editor).post(
        admin_url(Article),
        {
            "action": "schedule",
            "_selected_action": [story.pk],
            "apply": "yes",
            "publish_at_0": at.strftime("%Y-%m-%d"),
            "publish_at_1": "09:00",
        },
        follow=True,
    )
    assert "would take it off the site" in response.content.decode()
    story.refresh_from_db()
    assert story.state == Article.State.LIVE


# Returns and withdrawals.


def test_an_editor_returns_a_story_with_a_comment_the_reporter_sees(
    client, editor, reporter
):
    story = make_article(status=Article.Status.REVIEW, created_by=reporter)
    comment = "Check the second quote with the ministry, please."
    response = move(
        as_user(client, editor),
        story,
        "return",
        return_comment=comment,
        body="<p>Cut.</p>",
    )
    story.refresh_from_db()
    assert story.state == Article.State.DRAFT
    assert story.body == "<p>Cut.</p>"
    assert said(response) == [
        f"Returned to the reporter with your comment: they have been told about “{story}”."
    ]
    logged = f"Returned with a comment: “{comment}” Changed Body."
    assert log_messages(story) == [logged]
    assert revision_comments(story) == [logged]

    page = story_page(as_user(client, reporter), story).content.decode()
    assert "Returned by Nino on" in page
    assert comment in page
    assert offered(story_page(client, story)) == ["save", "submit"]


def test_it_asks_for_a_comment_before_returning(client, editor):
    story = make_article(status=Article.Status.REVIEW)
    response = move(as_user(client, editor), story, "return", return_comment="  ")
    assert response.status_code == 200
    assert "Say what needs changing" in response.content.decode()
    story.refresh_from_db()
    assert story.state == Article.State.REVIEW
    assert log_messages(story) == []


def test_a_reporter_withdraws_their_story_from_review(client, reporter):
    story = make_article(status=Article.Status.REVIEW, created_by=reporter)
    response = as_user(client, reporter).post(
        admin_url(Article, "withdraw", story.pk), follow=True
    )
    story.refresh_from_db()
    assert story.state == Article.State.DRAFT
    assert said(response) == [
        f"Withdrawn from review: “{story}” is a draft again, yours to edit."
    ]
    assert log_messages(story) == ["Withdrawn from review (back to draft)"]
    assert revision_comments(story) == ["Withdrawn from review (back to draft)"]
    assert offered(story_page(client, story)) == ["save", "submit"]


def test_it_refuses_to_withdraw_for_anyone_but_the_writer(client, reporter, editor):
    story = make_article(
        status=Article.Status.REVIEW, created_by=make_staff("Reporter")
    )
    for user in (reporter, editor):
        response = as_user(client, user).post(admin_url(Article, "withdraw", story.pk))
        assert response.status_code == 403
    assert client.get(admin_url(Article, "withdraw", story.pk)).status_code == 405
    story.refresh_from_db()
    assert story.state == Article.State.REVIEW


def test_withdrawing_a_draft_says_so_and_changes_nothing(client, reporter):
    story = make_draft(created_by=reporter)
    response = as_user(client, reporter).post(
        admin_url(Article, "withdraw", story.pk), follow=True
    )
    assert said(response) == [f"“{story}” is not in review."]
    assert log_messages(story) == []


# Hand-made POSTs: the server decides.


@pytest.mark.parametrize(
    "name", ["publish", "schedule", "unpublish", "update", "return"]
)
def test_it_refuses_a_reporters_crafted_move(client, reporter, name):
    story = make_draft(created_by=reporter, headline="Untouched")
    response = move(
        as_user(client, reporter),
        story,
        name,
        headline="Touched",
        confirm_offline="yes",
        return_comment="Anything",
        **schedule_fields(in_days(1)),
    )
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.state == Article.State.DRAFT and story.headline == "Untouched"
    assert log_messages(story) == []


def test_it_refuses_a_reporters_move_on_a_story_in_review(client, reporter):
    story = make_article(status=Article.Status.REVIEW, created_by=reporter)
    page = story_page(as_user(client, reporter), story)
    data = form_data(page, "article_form", move="save", headline="Sneaky")
    response = client.post(admin_url(Article, "change", story.pk), data)
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.headline != "Sneaky"


@pytest.mark.parametrize("name", ["withdraw", "submit", "delete"])
def test_it_refuses_a_move_the_state_does_not_allow_with_a_form_error(
    client, editor, name
):
    story = make_scheduled(headline="Kept")
    response = move(as_user(client, editor), story, name, headline="Changed")
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert response.context["adminform"].form.errors
    story.refresh_from_db()
    assert story.headline == "Kept" and story.state == Article.State.SCHEDULED


def test_no_move_message_says_changed_successfully(client, editor):
    as_user(client, editor)
    for story, name in [
        (make_draft(), "save"),
        (make_draft(), "publish"),
        (make_article(), "update"),
        (make_scheduled(), "unpublish"),
    ]:
        response = move(client, story, name)
        assert response.status_code == 200
        for message in said(response):
            assert "successfully" not in message, message
