"""Every public page costs a fixed number of queries, whatever the size of the archive.

Pages are measured rendered (the page cache off), first with the site-wide
caches (navigation, prompts) warm, as nearly every request that misses the page
cache finds them, then with the whole cache empty. A new public page gets a
row in PAGES.
"""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import (
    Correction,
    MembershipPrompt,
    MembershipTier,
    SearchDocument,
)
from articles.search import query as search_query
from tests.helpers import (
    house_outlet,
    make_article,
    make_author,
    make_image,
    make_outlet,
    make_prompt,
    make_section,
)

pytestmark = pytest.mark.django_db

# page: (where it is, queries with the site-wide caches warm, with them cold)
PAGES = {
    "home": (lambda site: reverse("articles:home"), 2, 5),
    "story": (lambda site: site.story.get_absolute_url(), 5, 8),
    "section": (lambda site: site.section.get_absolute_url(), 4, 7),
    "section page 2": (
        lambda site: site.section.get_absolute_url() + "?page=2",
        4,
        7,
    ),
    # A tag or author, and their feeds, ask first which languages of the
    # edition they have stories in (articles.listings).
    "tag": (lambda site: reverse("articles:tag", args=[site.tag]), 5, 8),
    "author": (lambda site: site.author.get_absolute_url(), 5, 8),
    # The search form's topic and author boxes suggest names from the
    # edition's recent stories, read once for both (articles.search.filters);
    # each counts their links, then reads the most used names.
    "search": (lambda site: reverse("articles:search") + "?q=rally", 10, 13),
    "search filtered": (
        lambda site: (
            reverse("articles:search")
            + f"?section={site.section.slug}&tag={site.tag}&author={site.author.slug}"
        ),
        12,
        15,
    ),
    # A word with one author: the author looked up by name.
    "search by author": (
        lambda site: reverse("articles:search") + f"?q=rally&author={site.author.slug}",
        11,
        14,
    ),
    "support": (lambda site: reverse("articles:support"), 1, 4),
    # Feeds, sitemaps and the API show no navigation or prompts.
    # Feeds name the house outlet's logo, from the site-wide chrome (two
    # queries when it is cold).
    "feed": (lambda site: reverse("articles:feed"), 4, 6),
    "atom feed": (lambda site: reverse("articles:feed-atom"), 4, 6),
    "section feed": (lambda site: site.section.get_absolute_url() + "feed/", 5, 7),
    "tag feed": (lambda site: reverse("articles:tag-feed", args=[site.tag]), 6, 8),
    "author feed": (lambda site: site.author.get_absolute_url() + "feed/", 6, 8),
    "sitemap": (lambda site: reverse("articles:sitemap"), 2, 2),
    "news sitemap": (lambda site: reverse("articles:news-sitemap"), 2, 2),
    "robots": (lambda site: reverse("robots"), 1, 1),
    "api list": (lambda site: reverse("articles:api-articles"), 5, 5),
    "api story": (
        lambda site: reverse("articles:api-article", args=[site.story.slug]),
        4,
        4,
    ),
}
# Pages whose queries articles.planner.serial wraps.
SERIAL_PAGES = [
    "section",
    "section page 2",
    "tag",
    "author",
    "section feed",
    "tag feed",
    "author feed",
]
# Promised for a page rendered afresh, even with the site-wide caches cold
# (as they are once per change: they are shared by all app servers through Redis).
STORY_PAGE_LIMIT = 8
HOME_PAGE_LIMIT = 10


@dataclass
class Site:
    story: object
    section: object
    tag: str
    author: object


def build_site(stories):
    """An archive of `stories` stories; tags, authors and pictures grow with it."""
    sections = [make_section() for _ in range(4)]
    partner = make_outlet(name="Partner")
    outlets = [house_outlet(), partner]
    authors = [make_author() for _ in range(max(2, stories // 5))]
    images = [make_image() for _ in range(max(2, stories // 10))]
    tags = [f"topic-{n}" for n in range(max(3, stories // 2))]
    for n in range(stories):
        story = make_article(
            headline=f"Rally number {n}",
            section=sections[n % len(sections)],
            outlet=outlets[n % 2],
            authors=[authors[n % len(authors)], authors[(n + 1) % len(authors)]],
            tags=[tags[n % len(tags)], tags[(n + 1) % len(tags)], "rally"],
            lead_image=images[n % len(images)],
            body="".join(f"<p>Paragraph {p} about the rally.</p>" for p in range(8)),
        )
        if n % 3 == 0:
            Correction.objects.create(article=story, text=f"Correction {n}.")
    make_prompt(placement=MembershipPrompt.Placement.HEADER)
    make_prompt(placement=MembershipPrompt.Placement.ARTICLE_END)
    make_prompt(placement=MembershipPrompt.Placement.HOME)
    make_prompt(placement=MembershipPrompt.Placement.INLINE, paragraph=2, tags=[])
    for amount in (5, 10, 50):
        MembershipTier.objects.create(
            name=f"Tier {amount}",
            amount=amount,
            checkout_url=f"https://checkout.example.org/{amount}",
        )
    story.published_at = timezone.now()
    story.save()
    return Site(story=story, section=sections[0], tag="rally", author=authors[0])


def measure(client, url, warm=True):
    if warm:
        client.get(url)  # fills the site-wide caches (prompts, navigation)
    else:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("stories", [5, 200])
def test_every_public_page_keeps_to_its_query_budget(
    client, settings, monkeypatch, stories
):
    # On PostgreSQL a word the statistics count as common is first looked for
    # among the newest stories, then, found too few times there, through the
    # index: the longest way, whatever statistics earlier tests left. So is a
    # word with one topic or author, down its link rows (after asking which
    # languages of the edition it has stories in).
    monkeypatch.setattr(search_query, "COMMON_SHARE", 0.0)
    monkeypatch.setattr(search_query, "LINK_WALK_MATCHES", 0)
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    settings.NEWSROOM_PAGE_SIZE = 1  # so that every listing has a page 2
    site = build_site(stories)
    if connection.vendor == "postgresql":  # statistics, as a running site has
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {SearchDocument._meta.db_table}")
    counts, repeated = {}, {}
    for name, (where, _, _) in PAGES.items():
        for warm in (True, False):
            queries = measure(client, where(site), warm)
            counts[name, warm] = len(queries)
            if warm:
                # Cold, the search form's section list and the navigation's
                # are the same query once; the navigation is then cached.
                repeated[name] = [sql for sql, n in Counter(queries).items() if n > 1]
    expected = {
        (name, warm): budget
        for name, (_, *budgets) in PAGES.items()
        for warm, budget in zip((True, False), budgets, strict=True)
    }
    if connection.vendor == "postgresql":
        # Full-text search asks which languages the edition's stories are
        # written in (the search documents' index keys them: search.query.
        # documents_in), reads the planner's estimates and sets its plan for
        # the transaction (2), walks the newest stories, looks further through
        # the index (2), then ranks the newest matches, which counts them as
        # well. Here, inside the test's transaction, that transaction is a
        # savepoint (2) whose setting is then restored (1).
        expected["search", True] += 7
        expected["search", False] += 7
        # With one author, its bylines are walked instead of the newest
        # stories, once the languages of the edition it has stories in are
        # known (articles.search.query.LINK_WALK_MATCHES).
        expected["search by author", True] += 7
        expected["search by author", False] += 7
        # Listings and their feeds are planned without parallel workers
        # (articles.planner): a savepoint in the test's transaction, the
        # setting set and put back, the savepoint released. Outside a
        # transaction, as pages run, one statement.
        for name in SERIAL_PAGES:
            expected[name, True] += 4
            expected[name, False] += 4
    assert counts == expected
    assert not any(repeated.values()), repeated


def test_the_budgets_stay_within_the_promised_limits():
    # With the site-wide caches warm or cold.
    assert max(PAGES["story"][1:]) <= STORY_PAGE_LIMIT
    assert max(PAGES["home"][1:]) <= HOME_PAGE_LIMIT


# Pages whose listing grows: each is asked for with 3 stories in its section,
# tag, author, month and feeds, then with 30, and must cost the same queries.
def listing_pages(site, client):
    today = timezone.now()
    api = reverse("articles:api-articles")
    pages = {
        "home": reverse("articles:home"),
        "story": site.story.get_absolute_url(),
        "section": site.section.get_absolute_url(),
        "section month": reverse(
            "articles:section-month", args=[site.section.slug, today.year, today.month]
        ),
        "tag": reverse("articles:tag", args=[site.tag]),
        "tag month": reverse(
            "articles:tag-month", args=[site.tag, today.year, today.month]
        ),
        "author": site.author.get_absolute_url(),
        "search": reverse("articles:search") + "?q=rally",
        "search by author": reverse("articles:search") + f"?author={site.author.slug}",
        "feed": reverse("articles:feed"),
        "section feed": site.section.get_absolute_url() + "feed/",
        "tag feed": reverse("articles:tag-feed", args=[site.tag]),
        "author feed": site.author.get_absolute_url() + "feed/",
        "sitemap": reverse("articles:sitemap"),
        "news sitemap": reverse("articles:news-sitemap"),
        "api list": api + "?page_size=2",
        "api page 2": api + "?page_size=2&page=2",
        "api next page": api_next(client, api + "?page_size=2"),
    }
    index = client.get(pages["sitemap"]).content.decode()
    for location in re.findall(r"<loc>[^<]*/(sitemap-[^<]+)</loc>", index):
        pages[f"sitemap part {location}"] = "/" + location.replace("&amp;", "&")
    return pages


def api_next(client, where):
    following = client.get(where).json()["next"]
    parts = urlsplit(following)
    return f"{parts.path}?{parts.query}"


def build_listing(count, site=None):
    """`count` live stories, all this month, in one section, tag and byline."""
    if site is None:
        section, author = make_section(), make_author()
        site = Site(story=None, section=section, tag="rally", author=author)
    now = timezone.now().replace(microsecond=0)
    month_start = now.replace(day=1, hour=0, minute=0, second=0)
    image = make_image()
    for n in range(count):
        site.story = make_article(
            headline=f"Rally in the square, part {n}",
            section=site.section,
            authors=[site.author],
            tags=[site.tag, f"topic-{n}"],
            lead_image=image,
            published_at=max(month_start, now - timedelta(seconds=n + 1)),
            body="".join(f"<p>Paragraph {p} about the rally.</p>" for p in range(8)),
        )
        if n % 3 == 0:
            Correction.objects.create(article=site.story, text=f"Correction {n}.")
    return site


def test_no_page_costs_more_queries_as_its_listing_grows(client, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    make_prompt(placement=MembershipPrompt.Placement.HEADER)
    site = build_listing(3)
    small = {
        name: len(measure(client, where))
        for name, where in listing_pages(site, client).items()
    }
    build_listing(27, site)
    pages = listing_pages(site, client)
    large = {name: len(measure(client, where)) for name, where in pages.items()}
    assert "story" in large and any(name.startswith("sitemap part") for name in large)
    assert large == small
