"""Drafts, stories in review, scheduled stories and stories a lockdown holds
back appear on no public response."""

import json
from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Lockdown
from tests.helpers import (
    make_article,
    make_author,
    make_draft,
    make_outlet,
    make_scheduled,
    make_section,
)

pytestmark = pytest.mark.django_db

LISTS_NO_STORY = (
    "/support/",
    "/robots.txt",
    "/sitemap.xml",  # an index of parts: months, sections, tags
    "/sitemap-sections.xml",
    "/sitemap-tags.xml",
)


def public_urls(visible, section, author, outlet, code):
    """Every public address that might show a story of the edition `code`."""
    with translation.override(code):
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
        home = reverse("articles:home")
        month = f"{visible.published_at.astimezone(UTC):%Y-%m}"
        pages = [
            home,
            visible.get_absolute_url(),
            section.get_absolute_url(),
            reverse("articles:tag", args=["leak"]),
            author.get_absolute_url(),
            f"{home}search/?q=leakword",
            f"{home}search/?section={section.slug}&tag=leak&author={author.slug}",
            f"{home}search/?outlet={outlet.slug}&language={code}",
            f"{home}support/",
            *feeds,
            *[
                f"{home}{name}"
                for name in [
                    "sitemap.xml",
                    f"sitemap-stories-{month}.xml",
                    "sitemap-sections.xml",
                    "sitemap-tags.xml",
                    "sitemap-news.xml",
                ]
            ],
        ]
    return [
        *pages,
        "/robots.txt",
        "/api/articles/",
        "/api/articles/?q=leakword&page_size=100",
        f"/api/articles/?tag=leak&section={section.slug}",
        f"/api/articles/?language={code}",
        reverse("articles:api-article", args=[visible.slug]),
    ]


@pytest.mark.parametrize("code", ["en", "ru", "ka", "az"])
def test_it_shows_unpublished_stories_on_no_page_feed_sitemap_search_or_api(
    client, code
):
    section = make_section()
    author = make_author()
    outlet = make_outlet(slug="leak-outlet")
    shared = {
        "section": section,
        "authors": [author],
        "outlet": outlet,
        "tags": ["leak"],
        "body": "<p>A leakword paragraph.</p>",
        "language": code,
    }
    visible = make_article(
        headline="Visible leakword story",
        published_at=timezone.now() - timedelta(hours=1),
        **shared,
    )
    # The hidden stories are in the visible one's language (its edition's
    # pages) and translations of it (its alternates and switcher).
    hidden = [
        make_draft(headline="Hidden draft", **shared),
        make_article(headline="Hidden in review", status="review", **shared),
        make_scheduled(headline="Hidden scheduled", **shared),
        *[
            make_scheduled(
                headline=f"Hidden translation {other}",
                **{**shared, "language": other},
                translation_of=visible,
            )
            for other in ["en", "ru", "ka", "az"]
            if other != code
        ],
        # Due ten minutes ago, but a lockdown began twenty minutes ago.
        make_article(
            headline="Hidden by the lockdown",
            published_at=timezone.now() - timedelta(minutes=10),
            **shared,
        ),
    ]
    lockdown = Lockdown.objects.create(started_by="tests")
    Lockdown.objects.filter(pk=lockdown.pk).update(
        started_at=timezone.now() - timedelta(minutes=20)
    )
    for url in public_urls(visible, section, author, outlet, code):
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        if response["Content-Type"].startswith("application/json"):
            content = json.dumps(response.json(), ensure_ascii=False)
        if not url.endswith(LISTS_NO_STORY):
            assert visible.slug in content, url
        for story in hidden:
            assert story.headline not in content, (url, story.headline)
            assert story.slug not in content, (url, story.slug)
    for story in hidden:
        assert client.get(story.get_absolute_url()).status_code == 404
        assert client.get(f"/api/articles/{story.slug}/").status_code == 404
