"""Signed preview links: any state, expiring, never cached or indexed."""

import time
from unittest import mock

import pytest
from django.test import override_settings

from articles.models import Article
from tests.helpers import make_draft, make_scheduled

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
