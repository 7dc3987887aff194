"""Drafts, stories in review and scheduled stories appear on no public response."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.helpers import (
    make_article,
    make_author,
    make_draft,
    make_outlet,
    make_scheduled,
    make_section,
)

pytestmark = pytest.mark.django_db

LISTS_NO_STORY = {
    "/support/",
    "/robots.txt",
    "/sitemap-sections.xml",
    "/sitemap-tags.xml",
}


def public_urls(visible, section, author, outlet):
    story_api = reverse("articles:api-article", args=[visible.slug])
    feeds = [
        reverse(name, args=args)
        for name, args in [
            ("articles:feed", []),
            ("articles:feed-atom", []),
            ("articles:section-feed", [section.slug]),
            ("articles:section-feed-atom", [section.slug]),
            ("articles:tag-feed", ["leak"]),
            ("articles:tag-feed-atom", ["leak"]),
            ("articles:author-feed", [author.slug]),
            ("articles:author-feed-atom", [author.slug]),
        ]
    ]
    return [
        "/",
        visible.get_absolute_url(),
        section.get_absolute_url(),
        reverse("articles:tag", args=["leak"]),
        author.get_absolute_url(),
        "/search/?q=leakword",
        f"/search/?section={section.slug}&tag=leak&author={author.slug}",
        f"/search/?outlet={outlet.slug}&language=en",
        "/support/",
        *feeds,
        "/sitemap.xml",
        "/sitemap-stories.xml",
        "/sitemap-sections.xml",
        "/sitemap-tags.xml",
        "/sitemap-news.xml",
        "/robots.txt",
        "/api/articles/",
        "/api/articles/?q=leakword&page_size=100",
        f"/api/articles/?tag=leak&section={section.slug}",
        story_api,
    ]


def test_it_shows_unpublished_stories_on_no_page_feed_sitemap_search_or_api(client):
    section = make_section()
    author = make_author()
    outlet = make_outlet(slug="leak-outlet")
    shared = {
        "section": section,
        "authors": [author],
        "outlet": outlet,
        "tags": ["leak"],
        "body": "<p>A leakword paragraph.</p>",
    }
    visible = make_article(
        headline="Visible leakword story",
        published_at=timezone.now() - timedelta(hours=1),
        **shared,
    )
    hidden = [
        make_draft(headline="Hidden draft", translation_of=visible, **shared),
        make_article(
            headline="Hidden in review",
            status="review",
            translation_of=visible,
            language="ru",
            **shared,
        ),
        make_scheduled(
            headline="Hidden scheduled", translation_of=visible, language="az", **shared
        ),
    ]
    for url in public_urls(visible, section, author, outlet):
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        if response["Content-Type"].startswith("application/json"):
            content = json.dumps(response.json(), ensure_ascii=False)
        if url not in LISTS_NO_STORY:
            assert visible.slug in content, url
        for story in hidden:
            assert story.headline not in content, (url, story.headline)
            assert story.slug not in content, (url, story.slug)
    for story in hidden:
        assert client.get(story.get_absolute_url()).status_code == 404
        assert client.get(f"/api/articles/{story.slug}/").status_code == 404
