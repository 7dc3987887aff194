"""Roles and the editorial workflow, driven through the admin as each role."""

import re
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from reversion.models import Version

from articles.admin import rules as workflow
from articles.models import Article, Correction, MembershipPrompt, MembershipTier
from tests.admin_helpers import admin_url, as_user, form_data, make_staff
from tests.helpers import make_article, make_draft, make_scheduled, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporter():
    return make_staff("Reporter")


@pytest.fixture
def editor():
    return make_staff("Editor")


def new_story_data(client, **changes):
    page = client.get(admin_url(Article, "add"))
    assert page.status_code == 200
    section = make_section()
    from tests.helpers import house_outlet

    data = {
        "headline": "Reporters' new story",
        "slug": "reporters-new-story",
        "body": "<p>First paragraph.</p>",
        "section": section.pk,
        "outlet": house_outlet().pk,
        "language": "en",
    }
    data.update(changes)
    return form_data(page, "article_form", **data)


def change_story(client, story, **changes):
    page = client.get(admin_url(Article, "change", story.pk))
    return client.post(
        admin_url(Article, "change", story.pk),
        form_data(page, "article_form", **changes),
    )


def run_action(client, action, stories, **extra):
    return client.post(
        admin_url(Article),
        {
            "action": action,
            ACTION_CHECKBOX_NAME: [story.pk for story in stories],
            **extra,
        },
    )


def log_messages(story):
    return [
        entry.get_change_message()
        for entry in LogEntry.objects.filter(object_id=str(story.pk)).order_by("pk")
    ]


# Reporters.


def test_it_offers_reporters_only_draft_and_review(client, reporter):
    page = as_user(client, reporter).get(admin_url(Article, "add"))
    status = page.context["adminform"].form.fields["status"]
    assert [value for value, _ in status.choices] == ["draft", "review"]
    assert "published_at" not in page.context["adminform"].form.fields


def test_it_refuses_a_reporters_crafted_publish_post(client, reporter):
    as_user(client, reporter)
    data = new_story_data(client, status="published")
    data["published_at_0"], data["published_at_1"] = "2020-01-01", "10:00:00"
    response = client.post(admin_url(Article, "add"), data)
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert not Article.objects.filter(slug="reporters-new-story").exists()


def test_it_lets_a_reporter_write_a_draft_and_submit_it(client, reporter):
    as_user(client, reporter)
    response = client.post(admin_url(Article, "add"), new_story_data(client))
    assert response.status_code == 302
    story = Article.objects.get(slug="reporters-new-story")
    assert story.created_by == reporter
    assert story.state == Article.State.DRAFT

    response = change_story(client, story, status="review")
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.state == Article.State.REVIEW
    assert log_messages(story)[-1].startswith("Submitted for review")


def test_it_ignores_a_publication_time_sent_by_a_reporter(client, reporter):
    story = make_draft(created_by=reporter)
    as_user(client, reporter)
    response = change_story(
        client, story, published_at_0="2030-01-01", published_at_1="09:00:00"
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.published_at is None


def test_it_refuses_a_reporter_changing_a_published_story(client, reporter):
    story = make_article(created_by=reporter, headline="As published")
    as_user(client, reporter)
    page = client.get(admin_url(Article, "change", story.pk))
    assert page.status_code == 200  # read-only view
    assert not page.context["has_change_permission"]
    data = form_data(page, "article_form", headline="Changed by a reporter")
    response = client.post(admin_url(Article, "change", story.pk), data)
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.headline == "As published"


def test_it_refuses_a_reporter_editing_someone_elses_draft(client, reporter):
    story = make_draft(created_by=make_staff("Reporter"), headline="Theirs")
    as_user(client, reporter)
    response = client.post(
        admin_url(Article, "change", story.pk), {"headline": "Mine now"}
    )
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.headline == "Theirs"


def test_it_refuses_a_reporter_editing_their_story_once_in_review(client, reporter):
    story = make_article(status=Article.Status.REVIEW, created_by=reporter)
    response = as_user(client, reporter).post(
        admin_url(Article, "change", story.pk), {"headline": "Sneaky"}
    )
    assert response.status_code == 403


def test_it_hides_publishing_actions_from_reporters(client, reporter):
    make_draft(created_by=reporter)
    page = as_user(client, reporter).get(admin_url(Article))
    actions = [name for name, _ in page.context["action_form"].fields["action"].choices]
    assert "submit_for_review" in actions
    assert not {"publish_now", "schedule", "unpublish", "delete_selected"} & set(
        actions
    )


def test_it_refuses_a_reporters_crafted_publish_action(client, reporter):
    story = make_draft(created_by=reporter)
    as_user(client, reporter)
    run_action(client, "publish_now", [story])
    run_action(
        client,
        "schedule",
        [story],
        apply="yes",
        publish_at_0="2030-01-01",
        publish_at_1="09:00",
    )
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT
    assert not Article.objects.published().filter(pk=story.pk).exists()


def test_it_lets_a_reporter_submit_only_their_own_drafts_from_the_list(
    client, reporter
):
    mine = make_draft(created_by=reporter)
    theirs = make_draft(created_by=make_staff("Reporter"))
    response = run_action(
        as_user(client, reporter), "submit_for_review", [mine, theirs]
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == Article.Status.REVIEW
    assert theirs.status == Article.Status.DRAFT


def test_it_keeps_reporters_away_from_prompts_tiers_and_recovery(client, reporter):
    as_user(client, reporter)
    for url in (
        admin_url(MembershipPrompt),
        admin_url(MembershipPrompt, "add"),
        admin_url(MembershipTier),
        admin_url(MembershipTier, "add"),
        admin_url(Article, "recoverlist"),
    ):
        assert client.get(url).status_code == 403, url


def test_it_does_not_let_reporters_delete_stories(client, reporter):
    story = make_draft(created_by=reporter)
    response = as_user(client, reporter).post(
        admin_url(Article, "delete", story.pk), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Article.objects.filter(pk=story.pk).exists()


def test_the_workflow_functions_refuse_reporters(reporter):
    story = make_draft(created_by=reporter)
    with pytest.raises(PermissionDenied):
        workflow.article_publish(article=story, user=reporter)
    with pytest.raises(PermissionDenied):
        workflow.article_unpublish(article=story, user=reporter)
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT


# Editors.


def test_it_lets_an_editor_publish_now(client, editor):
    story = make_draft()
    response = run_action(as_user(client, editor), "publish_now", [story])
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.state == Article.State.LIVE
    assert client.get(story.get_absolute_url()).status_code == 200
    assert log_messages(story) == ["Published"]
    assert LogEntry.objects.get(object_id=str(story.pk)).user == editor
    version = Version.objects.get_for_object(story).get()
    assert version.revision.user == editor
    assert version.revision.get_comment() == "Published"


def test_it_asks_for_a_time_then_schedules(client, editor):
    stories = [make_draft(), make_article(status=Article.Status.REVIEW)]
    as_user(client, editor)
    page = run_action(client, "schedule", stories)
    assert page.status_code == 200
    assert "publish_at" in page.context["form"].fields
    assert "admin/js/admin/DateTimeShortcuts.js" in page.content.decode()

    at = timezone.localtime() + timedelta(days=2)
    response = run_action(
        client,
        "schedule",
        stories,
        apply="yes",
        publish_at_0=at.strftime("%Y-%m-%d"),
        publish_at_1=at.strftime("%H:%M:%S"),
    )
    assert response.status_code == 302
    for story in stories:
        story.refresh_from_db()
        assert story.state == Article.State.SCHEDULED
        assert abs(story.published_at - at) < timedelta(seconds=1)
        assert client.get(story.get_absolute_url()).status_code == 404
        assert log_messages(story)[-1].startswith("Scheduled for ")


def test_it_refuses_to_schedule_in_the_past(client, editor):
    story = make_draft()
    page = run_action(
        as_user(client, editor),
        "schedule",
        [story],
        apply="yes",
        publish_at_0="2001-01-01",
        publish_at_1="10:00",
    )
    assert page.status_code == 200
    assert "Choose a time in the future" in page.content.decode()
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT


def test_it_lets_an_editor_unpublish(client, editor):
    live, scheduled = make_article(), make_scheduled()
    run_action(as_user(client, editor), "unpublish", [live, scheduled])
    for story in (live, scheduled):
        story.refresh_from_db()
        assert story.state == Article.State.DRAFT
        assert client.get(story.get_absolute_url()).status_code == 404
    assert log_messages(live) == ["Unpublished (back to draft)"]


def test_it_says_what_it_skipped(client, editor):
    story = make_article()
    response = as_user(client, editor).post(
        admin_url(Article),
        {"action": "publish_now", ACTION_CHECKBOX_NAME: [story.pk]},
        follow=True,
    )
    assert "is already live" in response.content.decode()


def test_it_logs_publishing_through_the_form(client, editor):
    story = make_draft()
    response = change_story(
        as_user(client, editor),
        story,
        status="published",
        published_at_0="",
        published_at_1="",
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.state == Article.State.LIVE
    assert log_messages(story)[-1].startswith("Published.")


def test_it_lets_an_editor_change_a_reporters_story(client, editor):
    story = make_article(created_by=make_staff("Reporter"))
    response = change_story(as_user(client, editor), story, headline="Sharper")
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Sharper"


def test_the_list_shows_and_filters_by_state(client, editor):
    draft = make_draft(headline="A draft")
    review = make_article(status=Article.Status.REVIEW, headline="A story in review")
    scheduled = make_scheduled(headline="A scheduled story")
    live = make_article(headline="A live story")
    as_user(client, editor)
    page = client.get(admin_url(Article)).content.decode()
    for label in ("Draft", "In review", "Scheduled for", "Live"):
        assert label in page
    for state, story in [
        ("draft", draft),
        ("review", review),
        ("scheduled", scheduled),
        ("live", live),
    ]:
        shown = client.get(admin_url(Article) + f"?state={state}").context["cl"]
        assert list(shown.result_list) == [story], state


# Times, to the second.

# HTML's valid global date and time string: at most three digits of a second.
HTML_DATETIME = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:\d\d)$"
)


def test_publish_now_keeps_the_time_to_the_second(client, editor):
    story = make_draft()
    run_action(as_user(client, editor), "publish_now", [story])
    Correction.objects.create(article=story, text="A name was misspelt.")
    story.refresh_from_db()
    assert story.published_at.microsecond == 0
    assert story.corrections.get().date.microsecond == 0
    page = client.get(story.get_absolute_url()).content.decode()
    values = re.findall(r'<time datetime="([^"]+)"', page)
    assert len(values) >= 3  # byline, "Updated", the correction
    for value in values:
        assert HTML_DATETIME.match(value), value


def test_saving_a_published_story_unchanged_records_no_new_time(client, editor):
    story = make_draft()
    run_action(as_user(client, editor), "publish_now", [story])
    response = change_story(client, story, headline="Sharper")
    assert response.status_code == 302
    assert "Publication time changed" not in log_messages(story)[-1]
    assert log_messages(story)[-1] == "Changed Headline."


def test_a_time_saved_with_microseconds_is_kept_to_the_second(db):
    story = make_draft()
    story.status = Article.Status.PUBLISHED
    story.published_at = timezone.now().replace(microsecond=987654)
    story.save()
    story.refresh_from_db()
    assert story.published_at.microsecond == 0
