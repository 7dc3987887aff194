"""Sitemaps, checked against the sitemaps.org schemas and the extensions they
use (tests/schemas/), and for what they list.

Every sitemap robots.txt names, and every part a sitemap index lists, in every
edition, is validated for an empty site, a site like the demo's and one with
no story of the last two days; with every part whole and split (?p=2).
sitemap.xsd admits other namespaces' elements with processContents="strict",
so urlsets are checked with urlset.xsd, which imports the image, news and
xhtml schemas beside it; an index with siteindex.xsd.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.sitemaps import Sitemap
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from lxml import etree

from articles import sitemap_months
from articles.models import (
    Article,
    Author,
    Byline,
    Correction,
    Lockdown,
    SitemapEntry,
    SitemapMonth,
    SitemapPart,
    Tag,
    TaggedArticle,
)
from articles.models import sitemap_lists as summary
from tests.helpers import (
    jpeg_bytes,
    make_article,
    make_author,
    make_draft,
    make_image,
    make_outlet,
    make_scheduled,
    make_section,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uncached_pages")]

SCHEMAS = Path(__file__).parent / "schemas"
URLSET = etree.XMLSchema(etree.parse(str(SCHEMAS / "urlset.xsd")))
SITEINDEX = etree.XMLSchema(etree.parse(str(SCHEMAS / "siteindex.xsd")))
NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "image": "http://www.google.com/schemas/sitemap-image/1.1",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}
EDITIONS = {"en": "", "ru": "/ru", "ka": "/ka", "az": "/az"}
# A W3C datetime to the second, with its offset: 2024-05-01T10:00:00+04:00.
W3C_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
SMALL = 2  # Sitemap.limit, so that every sitemap becomes an index of parts


def split_at(monkeypatch, limit):
    """Parts of at most `limit` addresses: a month's, and the sections', tags'
    and authors' (by id)."""
    monkeypatch.setattr(Sitemap, "limit", limit)
    monkeypatch.setattr(sitemap_months, "PART_SIZE", limit)
    monkeypatch.setattr(summary, "PART_SIZE", limit)


def valid(response):
    """The document, once the schema for its root element accepts it."""
    assert response.status_code == 200, response.request["PATH_INFO"]
    assert response["Content-Type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    is_index = root.tag == f"{{{NS['s']}}}sitemapindex"
    (SITEINDEX if is_index else URLSET).assertValid(root)
    return root


def named_in_robots(client):
    robots = client.get("/robots.txt").content.decode().splitlines()
    return [line.removeprefix("Sitemap: ") for line in robots if "Sitemap:" in line]


def crawl(client):
    """{address: document} of every sitemap robots.txt names and every part
    their indexes list, each valid."""
    found = {}
    for address in named_in_robots(client):
        found[address] = root = valid(client.get(address))
        for part in root.xpath("s:sitemap/s:loc/text()", namespaces=NS):
            found[part] = valid(client.get(part))
    return found


def entries(documents):
    """{loc: <url> element} of every address the documents list but the news
    sitemaps, which list stories again with what Google News reads."""
    return {
        url.findtext("s:loc", namespaces=NS): url
        for address, root in documents.items()
        if not address.endswith("/sitemap-news.xml")
        for url in root.xpath("s:url", namespaces=NS)
    }


@dataclass
class Site:
    stories: dict = field(default_factory=dict)  # edition: its story with a picture
    authors: dict = field(default_factory=dict)  # edition: its author
    both: object = None  # an author in the en and ru editions
    picture: object = None
    hidden: list = field(default_factory=list)  # stories no reader may see
    hidden_author: object = None


def demo_like(*, recent=True):
    """Stories in every edition as the demo has them: sections, authors and
    tags in their own scripts, a lead picture, a translation, a partner
    story, a correction; and stories no reader may see yet."""
    when = timezone.now() - (timedelta(hours=2) if recent else timedelta(days=3))
    site = Site(picture=make_image(content=jpeg_bytes(700, 400)))
    site.both = make_author(name="Ülviyyə Əliyeva", slug="ulviyye-eliyeva")
    site.hidden_author = make_author(name="Скрытый автор", slug="hidden-author")
    partner = make_outlet(name="JAMnews")
    names = {"en": "Tbilisi", "ru": "Тбилиси", "ka": "თბილისი", "az": "Bakı"}
    for n, (code, name) in enumerate(names.items()):
        section = make_section(name=f"{name} news")
        site.authors[code] = author = make_author(name=f"{name} reporter")
        byline = [author, site.both] if code in ("en", "ru") else [author]
        site.stories[code] = story = make_article(
            headline=f"{name} & the rally",
            language="az-Latn" if code == "az" else code,
            section=section,
            authors=byline,
            tags=[name, "Protests"],
            lead_image=site.picture,
            published_at=when - timedelta(hours=n),
            translation_of=site.stories.get("en"),
        )
        Correction.objects.create(article=story, text="The date was wrong.")
        make_article(
            language=code, section=section, authors=[author], published_at=when
        )
        make_article(
            language=code,
            section=section,
            outlet=partner,
            original_url=f"https://jam-news.net/{code}/rally",
            published_at=when - timedelta(days=1),
        )
        unseen = {
            "language": code,
            "section": section,
            "authors": [site.hidden_author],
            "tags": ["hidden-tag"],
        }
        site.hidden += [
            make_draft(**unseen),
            make_article(status=Article.Status.REVIEW, **unseen),
            make_scheduled(**unseen),
        ]
    return site


STATES = {
    "an empty site": lambda: None,
    "a site like the demo": demo_like,
    "no story of the last two days": lambda: demo_like(recent=False),
}


@pytest.mark.parametrize("limit", [Sitemap.limit, SMALL], ids=["whole", "split"])
@pytest.mark.parametrize("state", STATES)
def test_every_sitemap_robots_txt_names_is_valid_in_every_edition(
    client, monkeypatch, state, limit
):
    split_at(monkeypatch, limit)
    STATES[state]()
    documents = crawl(client)
    news = state == "a site like the demo"
    named = {
        f"http://testserver{prefix}/{name}"
        for prefix in EDITIONS.values()
        for name in ["sitemap.xml", *(["sitemap-news.xml"] if news else [])]
    }
    assert set(named_in_robots(client)) == named
    # Each edition's sitemap is an index of parts, however few it lists.
    for prefix in EDITIONS.values():
        index = documents[f"http://testserver{prefix}/sitemap.xml"]
        assert index.tag == f"{{{NS['s']}}}sitemapindex"
        news_sitemap = client.get(f"{prefix}/sitemap-news.xml")
        assert news_sitemap.status_code == (200 if news else 404)


def test_the_demo_itself_has_valid_sitemaps(demo, client):
    documents = crawl(client)
    assert {f"http://testserver{p}/sitemap.xml" for p in EDITIONS.values()} <= set(
        documents
    )
    assert entries(documents)


def test_each_edition_lists_its_home_support_and_authors(client):
    site = demo_like()
    documents = crawl(client)
    listed = entries(documents)
    for code, prefix in EDITIONS.items():
        home = f"http://testserver{prefix}/"
        assert f"{home}support/" in listed
        author = site.authors[code]
        assert f"{home}author/{author.slug}/" in listed
        newest = Article.objects.published().in_edition(code).first()
        lastmod = listed[home].findtext("s:lastmod", namespaces=NS)
        assert parse_datetime(lastmod) == newest.published_at
        # The home page in every edition, as the page's hreflang links give it.
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in listed[home].xpath("xhtml:link", namespaces=NS)
        }
        assert alternates == {
            **{other: f"http://testserver{p}/" for other, p in EDITIONS.items()},
            "x-default": "http://testserver/",
        }
    # An author is listed in each edition they wrote in, as of their newest
    # story there.
    for code in ["en", "ru"]:
        address = f"http://testserver{EDITIONS[code]}/author/{site.both.slug}/"
        lastmod = listed[address].findtext("s:lastmod", namespaces=NS)
        assert parse_datetime(lastmod) == site.stories[code].published_at
    for code in ["ka", "az"]:
        assert f"{EDITIONS[code]}/author/{site.both.slug}/" not in " ".join(listed)


@pytest.mark.parametrize("limit", [Sitemap.limit, SMALL], ids=["whole", "split"])
def test_every_lastmod_has_a_time_and_an_offset(client, monkeypatch, limit):
    split_at(monkeypatch, limit)
    demo_like()
    documents = crawl(client)
    found = [
        lastmod
        for root in documents.values()
        for lastmod in root.xpath("//s:lastmod/text()", namespaces=NS)
    ]
    assert found
    assert all(W3C_DATETIME.match(lastmod) for lastmod in found), found
    # Every address but the support pages carries one.
    for address, url in entries(documents).items():
        has_lastmod = url.find("s:lastmod", namespaces=NS) is not None
        assert has_lastmod != address.endswith("/support/"), address


def month_part(story):
    return f"/sitemap-stories-{story.published_at.astimezone(UTC):%Y-%m}.xml"


def story_lastmod(client, story):
    listed = entries({"en": valid(client.get(month_part(story)))})
    url = listed[f"http://testserver{story.get_absolute_url()}"]
    return parse_datetime(url.findtext("s:lastmod", namespaces=NS))


def test_a_storys_lastmod_is_its_latest_publication_edit_or_correction(client):
    now = timezone.now().replace(microsecond=0)
    story = make_article(published_at=now - timedelta(days=3))
    Article.objects.filter(pk=story.pk).update(updated_at=now - timedelta(days=4))
    assert story_lastmod(client, story) == now - timedelta(days=3)
    Article.objects.filter(pk=story.pk).update(updated_at=now - timedelta(days=2))
    assert story_lastmod(client, story) == now - timedelta(days=2)
    Correction.objects.create(article=story, date=now - timedelta(days=1), text="…")
    assert story_lastmod(client, story) == now - timedelta(days=1)


def test_a_story_lists_its_lead_picture_at_its_largest(client):
    site = demo_like()
    listed = entries(crawl(client))
    for code, story in site.stories.items():
        url = listed[f"http://testserver{story.get_absolute_url()}"]
        [picture] = url.xpath("image:image/image:loc/text()", namespaces=NS)
        largest = site.picture.rendition_url(700)
        assert picture == f"http://testserver{largest}", code
        assert client.get(largest)["Content-Type"] == "image/jpeg"
    without = Article.objects.published().filter(lead_image=None, original_url="")
    for story in without:
        url = listed[f"http://testserver{story.get_absolute_url()}"]
        assert not url.xpath("image:image", namespaces=NS)


@pytest.mark.parametrize("limit", [Sitemap.limit, SMALL], ids=["whole", "split"])
def test_unpublished_stories_and_what_only_they_name_are_in_no_sitemap(
    client, monkeypatch, limit
):
    split_at(monkeypatch, limit)
    site = demo_like()
    text = b"".join(etree.tostring(root) for root in crawl(client).values())
    text = text.decode()
    for story in site.hidden:
        assert f"/{story.slug}/" not in text, story.headline
    assert f"/{site.hidden_author.slug}/" not in text
    assert "/hidden-tag/" not in text


def test_with_no_news_the_news_sitemap_is_neither_served_nor_named(client):
    make_article(published_at=timezone.now() - timedelta(days=3))
    assert client.get("/sitemap-news.xml").status_code == 404
    assert "http://testserver/sitemap-news.xml" not in named_in_robots(client)
    fresh = make_article(headline="Fresh & new", published_at=timezone.now())
    assert "http://testserver/sitemap-news.xml" in named_in_robots(client)
    root = valid(client.get("/sitemap-news.xml"))
    [url] = root.xpath("s:url", namespaces=NS)
    assert url.findtext("s:loc", namespaces=NS).endswith(fresh.get_absolute_url())
    assert url.findtext("news:news/news:title", namespaces=NS) == "Fresh & new"
    # Another edition's news is its own.
    assert client.get("/ru/sitemap-news.xml").status_code == 404


def test_a_part_with_nothing_to_list_is_neither_served_nor_indexed(client, monkeypatch):
    split_at(monkeypatch, SMALL)
    for _ in range(3):
        make_article(tags=["many"])  # no byline: no author to list
    assert client.get("/sitemap-authors.xml").status_code == 404
    index = valid(client.get("/sitemap.xml"))
    parts = index.xpath("s:sitemap/s:loc/text()", namespaces=NS)
    assert "http://testserver/sitemap-pages.xml" in parts
    assert not any("authors" in part for part in parts)
    assert client.get("/ru/sitemap-authors.xml").status_code == 404


def queries(client, address):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200, address
    return len(captured.captured_queries)


def test_each_sitemap_costs_the_same_queries_however_many_it_lists(client):
    site = demo_like()
    addresses = [
        f"/ru{name}"
        for name in [
            "/sitemap.xml",
            "/sitemap-pages.xml",
            month_part(site.stories["ru"]),
            "/sitemap-sections.xml",
            "/sitemap-tags.xml",
            "/sitemap-authors.xml",
            "/sitemap-news.xml",
        ]
    ]
    few = {address: queries(client, address) for address in addresses}
    for n in range(20):
        make_article(
            language="ru",
            authors=[make_author()],
            tags=[f"тег {n}"],
            lead_image=site.picture,
            translation_of=site.stories["en"],
            published_at=site.stories["ru"].published_at,
        )
    assert {address: queries(client, address) for address in addresses} == few


# Month by month: parts that stay as they are while the archive grows.


def at(year, month, day=10):
    return datetime(year, month, day, 12, tzinfo=UTC)


def index_entries(client, prefix=""):
    """[(part address, lastmod)] of an edition's index, in its order."""
    root = valid(client.get(f"{prefix}/sitemap.xml"))
    return [
        (
            item.findtext("s:loc", namespaces=NS),
            parse_datetime(item.findtext("s:lastmod", namespaces=NS) or ""),
        )
        for item in root.xpath("s:sitemap", namespaces=NS)
    ]


def months_listed(client, prefix=""):
    return {
        address.removeprefix(
            f"http://testserver{prefix}/sitemap-stories-"
        ).removesuffix(".xml"): lastmod
        for address, lastmod in index_entries(client, prefix)
        if "/sitemap-stories-" in address
    }


def part_locations(client, address):
    root = valid(client.get(address))
    return root.xpath("s:url/s:loc/text()", namespaces=NS)


def test_it_lists_each_month_with_stories_newest_first_as_of_their_latest(client):
    make_article(headline="Март", language="ru", published_at=at(2024, 3))
    march = make_article(language="ru", published_at=at(2024, 3, 2))  # edited last
    january = make_article(language="ru", published_at=at(2023, 1))
    make_article(language="en", published_at=at(2022, 6))  # another edition's
    make_draft(language="ru", published_at=at(2021, 5))
    # Last edited when published, corrected since.
    Article.objects.filter(pk=january.pk).update(updated_at=at(2023, 1))
    Correction.objects.create(article=january, date=at(2023, 4), text="Исправлено.")
    listed = months_listed(client, "/ru")
    assert list(listed) == ["2024-03", "2023-01"]
    assert listed["2024-03"] == march.updated_at.replace(microsecond=0)
    assert listed["2023-01"] == at(2023, 4)
    assert list(months_listed(client)) == ["2022-06"]
    assert set(SitemapMonth.objects.values_list("language", "month", "stories")) == {
        ("ru", datetime(2024, 3, 1).date(), 2),
        ("ru", datetime(2023, 1, 1).date(), 1),
        ("en", datetime(2022, 6, 1).date(), 1),
    }


def test_a_months_part_lists_its_own_stories_and_no_other(client):
    inside = [
        make_article(language="ka", published_at=at(2024, 2, 1)),
        make_article(language="ka", published_at=at(2024, 2, 29)),
    ]
    make_article(language="ka", published_at=at(2024, 3, 1))
    make_article(language="ru", published_at=at(2024, 2, 15))
    make_article(
        language="ka",
        published_at=at(2024, 2, 20),
        outlet=make_outlet(),
        original_url="https://partner.example/ka",
    )
    found = part_locations(client, "/ka/sitemap-stories-2024-02.xml")
    # Oldest first: a running month only grows at its end.
    assert found == [f"http://testserver{s.get_absolute_url()}" for s in inside]
    response = client.get("/ka/sitemap-stories-2024-02.xml")
    assert response["Last-Modified"]
    assert client.get("/sitemap-stories-2024-02.xml").status_code == 404


def test_it_splits_a_month_past_the_limit(client, monkeypatch):
    split_at(monkeypatch, 2)
    stories = [make_article(published_at=at(2024, 5, day)) for day in (1, 2, 3)]
    parts = [address for address, _ in index_entries(client) if "stories" in address]
    assert parts == [
        "http://testserver/sitemap-stories-2024-05.xml",
        "http://testserver/sitemap-stories-2024-05.xml?p=2",
    ]
    second = part_locations(client, "/sitemap-stories-2024-05.xml?p=2")
    assert second == [f"http://testserver{stories[2].get_absolute_url()}"]
    assert client.get("/sitemap-stories-2024-05.xml?p=3").status_code == 404
    assert client.get("/sitemap-stories-2024-05.xml?p=0").status_code == 404


def test_the_old_stories_address_leads_to_the_index(client):
    make_article()
    for address in ["/sitemap-stories.xml", "/sitemap-stories.xml?p=2"]:
        response = client.get(address)
        assert response.status_code == 301
        assert response["Location"] == "/sitemap.xml"
    assert client.get("/ru/sitemap-stories.xml")["Location"] == "/ru/sitemap.xml"


@pytest.mark.parametrize(
    "month",
    ["2024-13", "2024-00", "0000-01", "2024-3", "24-03", "abcd-01", "2024-03-01"],
)
def test_it_answers_404_for_no_such_month(client, month):
    make_article(published_at=at(2024, 3))
    assert client.get(f"/sitemap-stories-{month}.xml").status_code == 404
    assert client.get("/sitemap-stories-2024-03.xml").status_code == 200


def test_it_answers_404_for_a_month_without_live_stories(client):
    make_draft(published_at=at(2024, 4))
    make_article(status=Article.Status.REVIEW, published_at=at(2024, 5))
    make_scheduled()
    for month in ["2024-04", "2024-05", "2019-01"]:
        assert client.get(f"/sitemap-stories-{month}.xml").status_code == 404
    assert months_listed(client) == {}


def this_month_later():
    """A time still to come in this month (UTC): a minute from now, or the
    month's last second."""
    now = timezone.now().astimezone(UTC)
    following = datetime(now.year + now.month // 12, now.month % 12 + 1, 1, tzinfo=UTC)
    return min(now + timedelta(minutes=1), following - timedelta(seconds=1))


def test_a_story_scheduled_into_this_month_shows_once_its_time_comes(
    client, monkeypatch
):
    story = make_article(language="az", published_at=this_month_later())
    part = month_part(story)
    assert client.get(f"/az{part}").status_code == 404
    assert months_listed(client, "/az") == {}
    row = SitemapMonth.objects.get(language="az")
    assert (row.stories, row.pending) == (0, story.published_at)
    later = story.published_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert list(months_listed(client, "/az")) == [f"{later:%Y-%m}"]
    assert part_locations(client, f"/az{part}") == [
        f"http://testserver{story.get_absolute_url()}"
    ]
    row.refresh_from_db()
    assert (row.stories, row.pending) == (1, None)


def test_the_months_follow_a_story_unpublished_moved_or_deleted(client):
    story = make_article(language="ru", published_at=at(2024, 1))
    assert list(months_listed(client, "/ru")) == ["2024-01"]
    story.published_at = at(2023, 11)
    story.save()
    assert list(months_listed(client, "/ru")) == ["2023-11"]
    assert client.get("/ru/sitemap-stories-2024-01.xml").status_code == 404
    story.language = "en"
    story.save()
    assert months_listed(client, "/ru") == {}
    assert list(months_listed(client)) == ["2023-11"]
    story.status = Article.Status.DRAFT
    story.save()
    assert months_listed(client) == {}
    story.status = Article.Status.PUBLISHED
    story.save()
    assert list(months_listed(client)) == ["2023-11"]
    story.delete()
    assert months_listed(client) == {}
    assert not SitemapMonth.objects.exists()


def test_rebuilding_the_months_finds_stories_written_without_signals(client):
    story = make_article(published_at=at(2024, 1))
    Article.objects.filter(pk=story.pk).update(published_at=at(2022, 7))
    assert list(months_listed(client)) == ["2024-01"]
    assert SitemapMonth.objects.rebuild() == 1
    assert list(months_listed(client)) == ["2022-07"]


def test_publishing_today_leaves_last_years_part_as_it_was(client):
    year = timezone.now().year - 1
    old = make_article(lead_image=make_image(), tags=["Бакы"], published_at=at(year, 6))
    translation = make_article(
        language="ru", translation_of=old, published_at=at(year, 6, 11)
    )
    address = f"/sitemap-stories-{year}-06.xml"
    before = client.get(address).content
    assert f"/story/{old.slug}/".encode() in before
    assert f"/ru/story/{translation.slug}/".encode() in before
    make_article(lead_image=old.lead_image, tags=["Бакы"])
    make_article(language="ru", translation_of=make_article())
    assert client.get(address).content == before


@pytest.fixture
def cached_pages(settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600


def page_cache(client, address):
    response = client.get(address)
    assert response.status_code == 200, address
    return response["X-Page-Cache"]


def test_an_edit_purges_its_month_and_the_index_and_nothing_else(client, cached_pages):
    year = timezone.now().year - 1
    january = make_article(headline="Январь", published_at=at(year, 1))
    make_article(published_at=at(year, 2))
    pages = {
        "index": "/sitemap.xml",
        "january": f"/sitemap-stories-{year}-01.xml",
        "february": f"/sitemap-stories-{year}-02.xml",
        "ru index": "/ru/sitemap.xml",
    }
    for address in pages.values():
        page_cache(client, address)
        assert page_cache(client, address) == "hit", address
    january.slug = "yanvar"
    january.save()
    answers = {name: page_cache(client, address) for name, address in pages.items()}
    assert answers == {
        "index": "miss",
        "january": "miss",
        "february": "hit",
        "ru index": "hit",
    }
    assert b"/story/yanvar/" in client.get(pages["january"]).content
    # A story published today purges the index, not last year's months.
    make_article(published_at=timezone.now(), section=january.section)
    assert page_cache(client, pages["index"]) == "miss"
    assert page_cache(client, pages["january"]) == "hit"
    assert page_cache(client, pages["february"]) == "hit"


def test_a_correction_dates_its_month(client):
    story = make_article(published_at=at(2024, 8))
    Article.objects.filter(pk=story.pk).update(updated_at=at(2024, 8))
    Correction.objects.create(article=story, date=at(2024, 10), text="Fixed.")
    assert months_listed(client)["2024-08"] == at(2024, 10)
    assert story_lastmod(client, story) == at(2024, 10)


def test_a_lockdown_holds_back_the_months_of_stories_due_since_it_began(client):
    story = make_article(published_at=timezone.now() - timedelta(minutes=10))
    month = f"{story.published_at.astimezone(UTC):%Y-%m}"
    lockdown = Lockdown.objects.create(started_by="tests")
    lockdown.started_at = timezone.now() - timedelta(minutes=20)
    lockdown.save()
    assert months_listed(client) == {}
    assert client.get(month_part(story)).status_code == 404
    lockdown.in_force = False
    lockdown.save()
    assert list(months_listed(client)) == [month]
    assert SitemapMonth.objects.get().stories == 1


# Sections, tags and authors, in parts by id, read from their summary.


def listed_with_lastmod(client, address):
    """{loc: lastmod} of a part."""
    root = valid(client.get(address))
    return {
        url.findtext("s:loc", namespaces=NS): parse_datetime(
            url.findtext("s:lastmod", namespaces=NS)
        )
        for url in root.xpath("s:url", namespaces=NS)
    }


def tag_address(name, prefix=""):
    return f"http://testserver{prefix}/tag/{Tag.objects.get(name=name).slug}/"


def test_it_splits_tags_and_authors_into_parts_by_id(client, monkeypatch):
    split_at(monkeypatch, SMALL)
    names = ["Бакы", "Тбилиси", "Ереван", "Шуша", "Гянджа"]
    stories = [
        make_article(language="ru", tags=[name], published_at=at(2024, 1, day))
        for day, name in enumerate(names, start=1)
    ]
    tags = [Tag.objects.get(name=name) for name in names]
    parts = {}
    for tag, story in zip(tags, stories, strict=True):
        parts.setdefault((tag.pk - 1) // SMALL + 1, {})[tag] = story.published_at
    listed = dict(index_entries(client, "/ru"))
    for number, newest in parts.items():
        address = "http://testserver/ru/sitemap-tags.xml" + (
            f"?p={number}" if number > 1 else ""
        )
        # The index dates each part by its newest, and the part lists its ids.
        assert listed[address] == max(newest.values())
        assert listed_with_lastmod(client, address) == {
            tag_address(tag.name, "/ru"): at for tag, at in newest.items()
        }
    assert not any("tags.xml" in address for address, _ in index_entries(client))
    last = max(parts)
    for query in [f"?p={last + 1}", "?p=0", "?p=x", "?p=99999999999"]:
        assert client.get(f"/ru/sitemap-tags.xml{query}").status_code == 404
    assert set(
        SitemapPart.objects.filter(kind="tags").values_list("language", "number")
    ) == {("ru", number) for number in parts}


def test_a_tags_lastmod_is_its_newest_live_story_in_the_edition(client):
    english = make_article(tags=["Sumgait"], published_at=at(2024, 2))
    russian = make_article(language="ru", tags=["Sumgait"], published_at=at(2024, 3))
    make_draft(language="ru", tags=["Sumgait"], published_at=at(2024, 4))
    make_scheduled(tags=["Sumgait"])
    address = tag_address("Sumgait")
    assert listed_with_lastmod(client, "/sitemap-tags.xml") == {address: at(2024, 2)}
    assert listed_with_lastmod(client, "/ru/sitemap-tags.xml") == {
        tag_address("Sumgait", "/ru"): at(2024, 3)
    }
    # Unpublished, untagged: gone from its edition's part and the summary.
    russian.status = Article.Status.DRAFT
    russian.save()
    assert client.get("/ru/sitemap-tags.xml").status_code == 404
    english.tags.remove("Sumgait")
    assert client.get("/sitemap-tags.xml").status_code == 404
    # Only the scheduled story's time is kept, for when it goes live.
    [entry] = SitemapEntry.objects.filter(kind="tags")
    assert (entry.language, entry.latest) == ("en", None)
    assert entry.pending is not None


def test_an_authors_entry_follows_their_bylines(client):
    first = make_author(name="Əli Həsənov", slug="ali-hasanov")
    second = make_author(name="Нино Бериашвили", slug="nino-beriashvili")
    story = make_article(authors=[first], published_at=at(2024, 5))
    older = make_article(authors=[first], published_at=at(2024, 1))
    author = "http://testserver/author/{}/"
    assert listed_with_lastmod(client, "/sitemap-authors.xml") == {
        author.format(first.slug): at(2024, 5)
    }
    line = Byline.objects.get(article=story)
    line.author = second
    line.save()
    assert listed_with_lastmod(client, "/sitemap-authors.xml") == {
        author.format(first.slug): at(2024, 1),
        author.format(second.slug): at(2024, 5),
    }
    older.delete()
    story.bylines.all().delete()
    assert client.get("/sitemap-authors.xml").status_code == 404
    assert not SitemapEntry.objects.filter(kind="authors").exists()


def test_an_author_added_through_the_story_is_listed_at_once(client):
    story = make_article(published_at=at(2024, 5))
    author = make_author(name="Ləman Əliyeva", slug="leman-aliyeva")
    story.authors.add(author)
    assert listed_with_lastmod(client, "/sitemap-authors.xml") == {
        f"http://testserver/author/{author.slug}/": at(2024, 5)
    }
    other = make_author(name="Арам Саргсян", slug="aram-sargsyan")
    other.articles.add(story)
    assert set(listed_with_lastmod(client, "/sitemap-authors.xml")) == {
        f"http://testserver/author/{author.slug}/",
        f"http://testserver/author/{other.slug}/",
    }


def test_a_story_scheduled_with_a_tag_lists_the_tag_once_its_time_comes(
    client, monkeypatch
):
    story = make_article(
        language="ka", tags=["თბილისი"], published_at=this_month_later()
    )
    assert client.get("/ka/sitemap-tags.xml").status_code == 404
    assert not any("tags" in address for address, _ in index_entries(client, "/ka"))
    later = story.published_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert any("tags" in address for address, _ in index_entries(client, "/ka"))
    assert listed_with_lastmod(client, "/ka/sitemap-tags.xml") == {
        tag_address("თბილისი", "/ka"): story.published_at.replace(microsecond=0)
    }
    entry = SitemapEntry.objects.get(kind="tags")
    assert (entry.latest, entry.pending) == (story.published_at, None)


def test_deleting_a_tag_drops_it_from_its_part(client):
    make_article(tags=["Gəncə", "Şuşa"], published_at=at(2024, 6))
    Tag.objects.get(name="Gəncə").delete()
    assert list(listed_with_lastmod(client, "/sitemap-tags.xml")) == [
        tag_address("Şuşa")
    ]
    assert SitemapEntry.objects.filter(kind="tags").count() == 1
    assert SitemapPart.objects.get(kind="tags").entries == 1


def test_rebuilding_finds_tags_and_bylines_written_without_signals(client):
    author = make_author(name="Ани Петросян", slug="ani-petrosyan")
    story = make_article(published_at=at(2024, 7))
    Byline.objects.bulk_create([Byline(article=story, author=author)])
    TaggedArticle.objects.bulk_create(
        [TaggedArticle(content_object=story, tag=Tag.objects.create(name="Ереван"))]
    )
    assert client.get("/sitemap-authors.xml").status_code == 404
    SitemapMonth.objects.rebuild()
    assert list(listed_with_lastmod(client, "/sitemap-tags.xml")) == [
        tag_address("Ереван")
    ]
    assert list(listed_with_lastmod(client, "/sitemap-authors.xml")) == [
        f"http://testserver/author/{author.slug}/"
    ]
    assert set(SitemapEntry.objects.values_list("kind", "language")) == {
        ("sections", "en"),
        ("tags", "en"),
        ("authors", "en"),
    }


def test_a_lockdown_holds_back_the_tags_of_stories_due_since_it_began(client):
    make_article(tags=["Ганджа"], published_at=timezone.now() - timedelta(minutes=10))
    lockdown = Lockdown.objects.create(started_by="tests")
    lockdown.started_at = timezone.now() - timedelta(minutes=20)
    lockdown.save()
    assert client.get("/sitemap-tags.xml").status_code == 404
    lockdown.in_force = False
    lockdown.save()
    assert list(listed_with_lastmod(client, "/sitemap-tags.xml")) == [
        tag_address("Ганджа")
    ]
    assert SitemapEntry.objects.get(kind="tags").latest is not None


def test_a_story_purges_the_parts_of_its_tags_and_authors_and_no_other(
    client, monkeypatch, cached_pages
):
    split_at(monkeypatch, SMALL)
    authors = [make_author(name=f"Автор {n}") for n in range(3)]
    section = make_section()  # a new section is in every page's navigation
    for n, author in enumerate(authors):
        make_article(
            authors=[author],
            tags=[f"тег {n}"],
            section=section,
            published_at=at(2024, 1),
        )
    tags = [Tag.objects.get(name=f"тег {n}") for n in range(3)]
    first, last = (tags[0], authors[0]), (tags[2], authors[2])
    assert (first[0].pk - 1) // SMALL != (last[0].pk - 1) // SMALL

    def part(kind, row):
        number = (row.pk - 1) // SMALL + 1
        return f"/sitemap-{kind}.xml" + (f"?p={number}" if number > 1 else "")

    pages = {
        "first tags": part("tags", first[0]),
        "last tags": part("tags", last[0]),
        "first authors": part("authors", first[1]),
        "last authors": part("authors", last[1]),
    }
    for address in pages.values():
        page_cache(client, address)
        assert page_cache(client, address) == "hit", address
    make_article(authors=[last[1]], tags=[last[0].name], section=section)
    answers = {name: page_cache(client, address) for name, address in pages.items()}
    assert answers == {
        "first tags": "hit",
        "last tags": "miss",
        "first authors": "hit",
        "last authors": "miss",
    }
    # A tag renamed: every tags part (they depend on the kind), no authors part.
    first[0].slug = "pervyi-teg"
    first[0].save()
    answers = {name: page_cache(client, address) for name, address in pages.items()}
    assert answers == {
        "first tags": "miss",
        "last tags": "miss",
        "first authors": "hit",
        "last authors": "hit",
    }
    assert b"/tag/pervyi-teg/" in client.get(pages["first tags"]).content
    assert Author.objects.count() == 3
