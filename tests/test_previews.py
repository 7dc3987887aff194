"""Signed preview links: any state, expiring, never cached or indexed; given
only to people who may edit the story, and revocable."""

import html
import re
import time
from unittest import mock

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.core import signing
from django.test import override_settings
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from articles.models.content import PREVIEW_SALT
from tests.admin_helpers import admin_url, as_user, form_data, make_staff
from tests.helpers import make_article, make_draft, make_scheduled

pytestmark = pytest.mark.django_db


def test_it_previews_a_draft_with_a_banner_and_no_caching(client):
    story = make_draft(headline="Not out yet")
    assert client.get(story.get_absolute_url()).status_code == 404
    response = client.get(story.get_preview_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "Not out yet" in content
    assert 'class="preview-banner"' in content
    assert '<meta name="robots" content="noindex, nofollow">' in content
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_it_previews_a_scheduled_story_saying_when_it_goes_live(client):
    story = make_scheduled()
    content = client.get(story.get_preview_url()).content.decode()
    assert "scheduled for" in content


def test_it_refuses_a_tampered_link(client):
    story = make_draft()
    other = make_draft()
    url = story.get_preview_url()
    token = url.rstrip("/").rsplit("/", 1)[1]
    forged = token.replace(token[-4:], "AAAA" if token[-4:] != "AAAA" else "BBBB")
    assert client.get(url.replace(token, forged)).status_code == 404
    # A signature from one story does not open another.
    payload, _, signature = token.partition(":")
    other_token = other.get_preview_url().rstrip("/").rsplit("/", 1)[1]
    mixed = other_token.partition(":")[0] + ":" + signature
    assert client.get(url.replace(token, mixed)).status_code == 404


def test_it_refuses_an_expired_link(client):
    story = make_draft()
    eight_days_ago = time.time() - 8 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        url = story.get_preview_url()
    assert client.get(url).status_code == 404


@override_settings(NEWSROOM_PREVIEW_MAX_AGE=3600)
def test_the_lifetime_is_a_setting(client):
    story = make_draft()
    two_hours_ago = time.time() - 7200
    with mock.patch("django.core.signing.time.time", return_value=two_hours_ago):
        url = story.get_preview_url()
    assert client.get(url).status_code == 404
    assert client.get(story.get_preview_url()).status_code == 200


def test_a_deleted_story_has_no_preview(client):
    story = make_draft()
    url = story.get_preview_url()
    Article.objects.filter(pk=story.pk).delete()
    assert client.get(url).status_code == 404


# Who gets a link, and how links end.


def preview_links(page):
    return re.findall(r'href="(/preview/[^"]+)"', page.content.decode())


def test_only_people_who_may_edit_a_story_are_given_its_link(client):
    editor, reporter = make_staff("Editor"), make_staff("Reporter")
    embargoed = make_draft(headline="Embargoed", created_by=editor)
    own = make_draft(headline="Mine", created_by=reporter)
    as_user(client, reporter)
    page = client.get(admin_url(Article, "change", embargoed.pk))
    assert page.status_code == 200  # reporters may read every story…
    assert not preview_links(page)  # …but not hand out its preview
    assert "Revoke preview links" not in page.content.decode()
    assert preview_links(client.get(admin_url(Article, "change", own.pk)))
    as_user(client, editor)
    page = client.get(admin_url(Article, "change", embargoed.pk))
    links = preview_links(page)
    assert len(links) == 2  # in the form, and behind "View on site"
    for link in links:
        assert client.get(html.unescape(link)).status_code == 200


def test_an_editor_revokes_every_link_of_a_story_in_one_step(client):
    editor = make_staff("Editor")
    story = make_draft(headline="Sensitive")
    other = make_draft()
    given_out = [story.get_preview_url() for _ in range(2)]
    other_link = other.get_preview_url()
    as_user(client, editor)
    revoke = reverse("admin:articles_article_revoke_previews", args=[story.pk])
    change = client.get(admin_url(Article, "change", story.pk)).content.decode()
    assert f'href="{revoke}"' in change
    confirm = client.get(revoke)
    assert confirm.status_code == 200
    assert "will stop working" in confirm.content.decode()
    assert client.get(given_out[0]).status_code == 200  # nothing happens on GET
    response = client.post(revoke)
    assert response.status_code == 302
    for url in given_out:
        assert client.get(url).status_code == 404
    assert client.get(other_link).status_code == 200
    story.refresh_from_db()
    assert client.get(story.get_preview_url()).status_code == 200
    entry = LogEntry.objects.filter(object_id=str(story.pk)).latest("pk")
    assert (entry.user, entry.get_change_message()) == (editor, "Preview links revoked")


def test_the_story_list_revokes_the_links_of_the_stories_chosen(client):
    stories = [make_draft(), make_scheduled()]
    links = [story.get_preview_url() for story in stories]
    as_user(client, make_staff("Editor")).post(
        admin_url(Article),
        {
            "action": "revoke_previews",
            ACTION_CHECKBOX_NAME: [story.pk for story in stories],
        },
    )
    for url in links:
        assert client.get(url).status_code == 404


def test_a_reporter_cannot_revoke_links(client):
    reporter = make_staff("Reporter")
    story = make_draft(created_by=reporter)
    link = story.get_preview_url()
    as_user(client, reporter)
    revoke = reverse("admin:articles_article_revoke_previews", args=[story.pk])
    assert client.post(revoke).status_code == 403
    client.post(
        admin_url(Article),
        {"action": "revoke_previews", ACTION_CHECKBOX_NAME: [story.pk]},
    )
    assert client.get(link).status_code == 200


@pytest.mark.parametrize("how", ["action", "form"])
def test_unpublishing_a_story_ends_its_links(client, how):
    story = make_scheduled(headline="Pulled before it went out")
    link = story.get_preview_url()
    as_user(client, make_staff("Editor"))
    if how == "action":
        client.post(
            admin_url(Article),
            {"action": "unpublish", ACTION_CHECKBOX_NAME: [story.pk]},
        )
    else:
        url = admin_url(Article, "change", story.pk)
        client.post(url, form_data(client.get(url), "article_form", status="draft"))
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT
    assert client.get(link).status_code == 404
    assert client.get(story.get_preview_url()).status_code == 200


def test_a_story_sent_back_from_review_keeps_its_links(client):
    story = make_article(status=Article.Status.REVIEW)
    link = story.get_preview_url()
    story.status = Article.Status.DRAFT
    story.save()
    assert client.get(link).status_code == 200


def test_deleting_a_story_ends_its_links_even_once_it_is_recovered(client):
    story = make_draft(headline="Deleted, then recovered")
    as_user(client, make_staff("Editor"))
    url = admin_url(Article, "change", story.pk)
    client.post(url, form_data(client.get(url), "article_form"))  # a revision
    link = story.get_preview_url()
    client.post(admin_url(Article, "delete", story.pk), {"post": "yes"})
    assert client.get(link).status_code == 404
    version = Version.objects.get_deleted(Article).get()
    recover = admin_url(Article, "recover", version.pk)
    client.post(recover, form_data(client.get(recover), "article_form"))
    recovered = Article.objects.get(pk=story.pk)
    assert client.get(link).status_code == 404
    assert client.get(recovered.get_preview_url()).status_code == 200


def test_reverting_a_story_never_brings_a_revoked_link_back(client):
    editor = make_staff("Editor")
    story = make_draft(headline="First words")
    as_user(client, editor)
    url = admin_url(Article, "change", story.pk)
    client.post(url, form_data(client.get(url), "article_form"))
    link = story.get_preview_url()
    client.post(reverse("admin:articles_article_revoke_previews", args=[story.pk]))
    first = Version.objects.get_for_object(story).last()
    revision = admin_url(Article, "revision", story.pk, first.pk)
    client.post(revision, form_data(client.get(revision), "article_form"))
    assert client.get(link).status_code == 404


def test_a_link_signed_before_links_could_be_revoked_is_refused(client):
    story = make_draft()
    token = signing.dumps({"id": story.pk}, salt=PREVIEW_SALT, compress=True)
    assert client.get(reverse("articles:preview", args=[token])).status_code == 404
