"""Sitemaps, checked against the sitemaps.org schemas and the extensions they
use (tests/schemas/), and for what they list.

Every sitemap robots.txt names, and every part a sitemap index lists, in every
edition, is validated for an empty site, a site like the demo's and one with
no story of the last two days; in one file and split into an index.
sitemap.xsd admits other namespaces' elements with processContents="strict",
so urlsets are checked with urlset.xsd, which imports the image, news and
xhtml schemas beside it; an index with siteindex.xsd.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sitemaps import Sitemap
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from lxml import etree

from articles.models import Article, Correction
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


@pytest.mark.parametrize("limit", [Sitemap.limit, SMALL], ids=["one file", "index"])
@pytest.mark.parametrize("state", STATES)
def test_every_sitemap_robots_txt_names_is_valid_in_every_edition(
    client, monkeypatch, state, limit
):
    monkeypatch.setattr(Sitemap, "limit", limit)
    site = STATES[state]()
    documents = crawl(client)
    news = state == "a site like the demo"
    named = {
        f"http://testserver{prefix}/{name}"
        for prefix in EDITIONS.values()
        for name in ["sitemap.xml", *(["sitemap-news.xml"] if news else [])]
    }
    assert set(named_in_robots(client)) == named
    is_index = {
        address: root.tag.endswith("sitemapindex")
        for address, root in documents.items()
    }
    # Past the limit an edition's sitemap is an index; its home and support
    # page alone fit in one file.
    assert any(is_index.values()) == (limit == SMALL and site is not None)
    for prefix in EDITIONS.values():
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


@pytest.mark.parametrize("limit", [Sitemap.limit, SMALL], ids=["one file", "index"])
def test_every_lastmod_has_a_time_and_an_offset(client, monkeypatch, limit):
    monkeypatch.setattr(Sitemap, "limit", limit)
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


def story_lastmod(client, story):
    listed = entries({"en": valid(client.get("/sitemap.xml"))})
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


@pytest.mark.parametrize("limit", [Sitemap.limit, SMALL], ids=["one file", "index"])
def test_unpublished_stories_and_what_only_they_name_are_in_no_sitemap(
    client, monkeypatch, limit
):
    monkeypatch.setattr(Sitemap, "limit", limit)
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
    monkeypatch.setattr(Sitemap, "limit", SMALL)
    for _ in range(3):
        make_article(tags=["many"])  # no byline: no author to list
    assert client.get("/sitemap-authors.xml").status_code == 404
    index = valid(client.get("/sitemap.xml"))
    parts = index.xpath("s:sitemap/s:loc/text()", namespaces=NS)
    assert "http://testserver/sitemap-pages.xml" in parts
    assert not any("authors" in part for part in parts)
    assert client.get("/ru/sitemap-stories.xml").status_code == 404


def queries(client, address):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200, address
    return len(captured.captured_queries)


def test_each_sitemap_costs_the_same_queries_however_many_it_lists(client):
    addresses = [
        f"/ru/{name}.xml"
        for name in [
            "sitemap",
            "sitemap-pages",
            "sitemap-stories",
            "sitemap-sections",
            "sitemap-tags",
            "sitemap-authors",
            "sitemap-news",
        ]
    ]
    site = demo_like()
    few = {address: queries(client, address) for address in addresses}
    for n in range(20):
        make_article(
            language="ru",
            authors=[make_author()],
            tags=[f"тег {n}"],
            lead_image=site.picture,
            translation_of=site.stories["en"],
            published_at=timezone.now() - timedelta(hours=1),
        )
    assert {address: queries(client, address) for address in addresses} == few
