"""Revisions, comparison, revert, recovery, edit conflicts and the admin log."""

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.models import (
    Article,
    Correction,
    Image,
    MembershipPrompt,
    MembershipTier,
)
from tests.admin_helpers import admin_url, as_user, form_data, make_staff
from tests.helpers import (
    make_article,
    make_author,
    make_draft,
    make_prompt,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return make_staff("Editor", first_name="Nino", last_name="Beridze")


def save_through_admin(client, obj, **changes):
    url = admin_url(type(obj), "change", obj.pk)
    form_id = f"{type(obj)._meta.model_name}_form"
    response = client.post(url, form_data(client.get(url), form_id, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def compare_url(obj, old, new):
    url = reverse(
        f"admin:{obj._meta.app_label}_{obj._meta.model_name}_compare", args=[obj.pk]
    )
    return f"{url}?a={old.revision_id}&b={new.revision_id}"


def test_every_admin_save_is_a_revision_with_its_author(client, demo, editor):
    as_user(client, editor)
    objects = [
        (make_article(), {"headline": "New headline"}),
        (Image.objects.first(), {"caption": "A new caption"}),
        (make_prompt(), {"heading": "A new heading"}),
        (
            MembershipTier.objects.create(
                name="Friend",
                amount=5,
                currency="EUR",
                checkout_url="https://pay.example",
            ),
            {"name": "Friend of the newsroom"},
        ),
    ]
    for obj, changes in objects:
        save_through_admin(client, obj, **changes)
        version = Version.objects.get_for_object(obj).get()
        assert version.revision.user == editor, obj
        field, value = next(iter(changes.items()))
        assert version.field_dict[field] == value


def test_a_story_revision_keeps_its_byline_corrections_and_tags(client, editor):
    author = make_author(name="Ruslan Rehimov")
    story = make_article(authors=[author], tags=["Baku"])
    Correction.objects.create(article=story, text="The rally began at noon.")
    save_through_admin(as_user(client, editor), story, headline="Revised")
    revision = Version.objects.get_for_object(story).get().revision
    kept = {version.content_type.model for version in revision.version_set.all()}
    assert kept == {"article", "byline", "correction", "taggedarticle"}


def test_it_compares_two_revisions_field_by_field(client, editor):
    story = make_article(
        headline="First headline",
        body="<p>The rally began at noon.</p><p>Police watched.</p>",
        tags=["Baku"],
    )
    as_user(client, editor)
    save_through_admin(client, story)
    save_through_admin(
        client,
        story,
        headline="Second headline",
        body="<p>The rally began at one.</p><p>Police watched.</p><p>It ended.</p>",
        tags="Baku, Ukraine",
    )
    old, new = reversed(Version.objects.get_for_object(story))
    page = client.get(compare_url(story, old, new))
    assert page.status_code == 200
    changed = {row.label: row for row in page.context["changed"]}
    assert changed["Headline"].old == "First headline"
    assert changed["Headline"].new == "Second headline"
    assert "Ukraine" in changed["Tagged items"].new
    assert "Ukraine" not in changed["Tagged items"].old
    body = [(line.kind, line.segments) for line in changed["Body"].lines]
    assert ("same", [("", "<p>Police watched.</p>")]) in body
    assert ("added", [("ins", "<p>It ended.</p>")]) in body
    content = page.content.decode()
    assert "<del>noon.&lt;/p&gt;</del>" in content
    assert "<ins>one.&lt;/p&gt;</ins>" in content
    assert "Slug" in {row.label for row in page.context["unchanged"]}


def test_the_history_page_offers_the_comparison(client, editor):
    prompt = make_prompt()
    as_user(client, editor)
    save_through_admin(client, prompt, heading="One")
    save_through_admin(client, prompt, heading="Two")
    page = client.get(admin_url(MembershipPrompt, "history", prompt.pk))
    assert (
        reverse("admin:articles_membershipprompt_compare", args=[prompt.pk])
        in page.content.decode()
    )
    old, new = reversed(Version.objects.get_for_object(prompt))
    compared = client.get(compare_url(prompt, old, new))
    assert [row.label for row in compared.context["changed"]] == ["Heading"]


def test_it_refuses_comparisons_to_those_who_may_not_see_the_object(client):
    prompt = make_prompt()
    as_user(client, make_staff("Editor"))
    save_through_admin(client, prompt, heading="One")
    save_through_admin(client, prompt, heading="Two")
    old, new = reversed(Version.objects.get_for_object(prompt))
    as_user(client, make_staff("Reporter"))
    assert client.get(compare_url(prompt, old, new)).status_code == 403


def test_it_reverts_a_story_with_its_tags(client, editor):
    story = make_article(headline="Original headline", tags=["Baku"])
    as_user(client, editor)
    save_through_admin(client, story)
    save_through_admin(client, story, headline="Worse headline", tags="Moscow")
    first = Version.objects.get_for_object(story).last()
    url = admin_url(Article, "revision", story.pk, first.pk)
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, form_data(page, "article_form"))
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Original headline"
    assert list(story.tags.names()) == ["Baku"]
    assert Version.objects.get_for_object(story).first().revision.get_comment()
    assert "Reverted" in (
        Version.objects.get_for_object(story).first().revision.get_comment()
    )


def revert(client, story, version):
    url = admin_url(Article, "revision", story.pk, version.pk)
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, form_data(page, "article_form"))


def test_a_reporter_reverting_to_a_published_revision_gets_words_not_publication(
    client,
):
    reporter = make_staff("Reporter")
    story = make_article(created_by=reporter, headline="Published once")
    as_user(client, make_staff("Editor"))
    save_through_admin(client, story)
    save_through_admin(client, story, status="draft", headline="Taken down")
    published = Version.objects.get_for_object(story).last()
    as_user(client, reporter)
    assert revert(client, story, published).status_code == 302
    story.refresh_from_db()
    assert (story.headline, story.status) == ("Published once", Article.Status.DRAFT)
    assert not story.is_live
    assert story.created_by == reporter


def test_a_reporter_cannot_revert_a_live_story(client):
    reporter = make_staff("Reporter")
    story = make_draft(created_by=reporter, headline="Draft words")
    as_user(client, make_staff("Editor"))
    save_through_admin(client, story)
    draft = Version.objects.get_for_object(story).first()
    save_through_admin(client, story, headline="Live words", move="publish")
    as_user(client, reporter)
    url = admin_url(Article, "revision", story.pk, draft.pk)
    assert (
        client.post(url, form_data(client.get(url), "article_form")).status_code == 403
    )
    story.refresh_from_db()
    assert story.headline == "Live words" and story.is_live


def test_reverting_brings_back_the_words_never_where_the_story_stands(client, editor):
    story = make_article(headline="Published headline")
    first_published = story.published_at
    as_user(client, editor)
    save_through_admin(client, story)
    published = Version.objects.get_for_object(story).first()
    save_through_admin(client, story, status="draft", headline="Taken down")
    assert revert(client, story, published).status_code == 302
    story.refresh_from_db()
    assert story.headline == "Published headline"
    # Off the site it stays: publishing again is a move on the bar, logged.
    assert (story.status, story.is_live) == (Article.Status.DRAFT, False)
    assert story.published_at == first_published


def test_reverting_a_live_story_to_a_draft_revision_keeps_it_live(client, editor):
    story = make_draft(headline="Draft words")
    as_user(client, editor)
    save_through_admin(client, story)
    draft = Version.objects.get_for_object(story).first()
    save_through_admin(client, story, headline="Live words", move="publish")
    story.refresh_from_db()
    live_since = story.published_at
    assert story.is_live
    assert revert(client, story, draft).status_code == 302
    story.refresh_from_db()
    assert story.headline == "Draft words"
    assert story.is_live and story.published_at == live_since


def test_a_revert_is_refused_when_a_colleague_saved_after_it_was_opened(client, editor):
    story = make_draft(headline="First words")
    as_user(client, editor)
    save_through_admin(client, story)
    first = Version.objects.get_for_object(story).first()
    save_through_admin(client, story, headline="Second words")
    url = admin_url(Article, "revision", story.pk, first.pk)
    opened = client.get(url)
    colleague = Client()
    as_user(colleague, make_staff("Editor", username="tamar"))
    save_through_admin(colleague, story, headline="A colleague's words")
    response = client.post(url, form_data(opened, "article_form"))
    assert response.status_code == 200
    assert "after you opened it" in response.content.decode()
    story.refresh_from_db()
    assert story.headline == "A colleague's words"


def test_it_recovers_a_deleted_story(client, editor):
    story = make_article(headline="Deleted by mistake", authors=[make_author()])
    as_user(client, editor)
    save_through_admin(client, story)
    response = client.post(admin_url(Article, "delete", story.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=story.pk).exists()

    listing = client.get(admin_url(Article, "recoverlist"))
    assert "Deleted by mistake" in listing.content.decode()
    version = Version.objects.get_deleted(Article).get()
    url = admin_url(Article, "recover", version.pk)
    response = client.post(url, form_data(client.get(url), "article_form"))
    assert response.status_code == 302
    recovered = Article.objects.get(pk=story.pk)
    assert recovered.headline == "Deleted by mistake"
    assert recovered.bylines.count() == 1
    assert LogEntry.objects.filter(
        object_id=str(story.pk), action_flag=3, user=editor
    ).exists()


def test_it_refuses_a_stale_form_and_keeps_the_editors_text(client, editor):
    story = make_draft(headline="Before anyone edited")
    as_user(client, editor)
    url = admin_url(Article, "change", story.pk)
    opened = client.get(url)  # the editor opens the form…

    colleague = make_staff("Editor", username="tamar")
    other = client.__class__()
    as_user(other, colleague)
    save_through_admin(other, story, headline="The colleague's headline")

    response = client.post(  # … and saves after the colleague did.
        url,
        form_data(opened, "article_form", headline="The editor's headline"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert "tamar changed this story on" in errors[0]
    assert 'value="The editor&#x27;s headline"' in response.content.decode()
    story.refresh_from_db()
    assert story.headline == "The colleague's headline"
    assert Version.objects.get_for_object(story).count() == 1


def test_a_fresh_form_saves(client, editor):
    story = make_draft()
    as_user(client, editor)
    save_through_admin(client, story, headline="One")
    save_through_admin(client, story, headline="Two")
    story.refresh_from_db()
    assert story.headline == "Two"


def test_the_admin_log_shows_who_did_what(client, editor):
    story = make_draft(headline="Audited story")
    as_user(client, editor)
    client.post(
        admin_url(Article),
        {"action": "publish_now", "_selected_action": [story.pk]},
    )
    page = client.get(admin_url(LogEntry))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Audited story" in content and "Published" in content
    entry = LogEntry.objects.get(object_id=str(story.pk))
    assert client.get(admin_url(LogEntry, "change", entry.pk)).status_code == 200
    assert client.post(admin_url(LogEntry, "delete", entry.pk)).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_reporters_cannot_read_the_admin_log(client):
    as_user(client, make_staff("Reporter"))
    assert client.get(admin_url(LogEntry)).status_code == 403


def test_a_revision_that_can_no_longer_be_read_is_refused_with_a_message(
    client, editor
):
    story = make_draft(headline="Old format")
    as_user(client, editor)
    save_through_admin(client, story)
    save_through_admin(client, story, headline="New format")
    old, new = reversed(Version.objects.get_for_object(story))
    Version.objects.filter(pk=old.pk).update(serialized_data="not json")
    response = client.get(compare_url(story, old, new), follow=True)
    assert response.status_code == 200
    assert "can no longer be read" in response.content.decode()


def test_bylines_compare_in_their_order_and_new_corrections_only_as_added(
    client, editor
):
    story = make_article(
        authors=[make_author(name="Nino Beridze"), make_author(name="Anar Aliyev")]
    )
    as_user(client, editor)
    save_through_admin(client, story)
    Correction.objects.create(article=story, text="The rally began at noon.")
    save_through_admin(client, story, headline="Corrected")
    old, new = reversed(Version.objects.get_for_object(story))
    page = client.get(compare_url(story, old, new))
    changed = {row.label: row for row in page.context["changed"]}
    unchanged = {row.label: row for row in page.context["unchanged"]}
    assert unchanged["Bylines"].new.splitlines() == ["Nino Beridze", "Anar Aliyev"]
    kinds = [line.kind for line in changed["Corrections"].lines]
    assert kinds == ["added"]
    assert "The rally began at noon." in changed["Corrections"].new
