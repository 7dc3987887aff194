"""Feeds, sitemaps and robots.txt: parsed, with the elements their formats require."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.contrib.sitemaps import Sitemap
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.timezone import localtime

from articles.models import Correction
from tests.helpers import (
    make_article,
    make_author,
    make_image,
    make_outlet,
    make_section,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def parse(response):
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 (our own output)


def test_the_rss_feed_has_every_required_element(client):
    author = make_author(name="Mariam Nikuradze")
    story = make_article(
        headline="Council votes",
        standfirst="The vote was close.",
        authors=[author],
        tags=["Tbilisi", "Politics"],
        lead_image=make_image(),
    )
    response = client.get("/feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    rss = parse(response)
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    channel = rss.find("channel")
    assert channel.findtext("title") == "OC Media"
    assert channel.findtext("link") == "http://testserver/"
    assert channel.findtext("description")
    [item] = channel.findall("item")
    url = f"http://testserver{story.get_absolute_url()}"
    assert item.findtext("title") == "Council votes"
    assert item.findtext("link") == url
    assert item.findtext("guid") == url
    assert item.findtext("description") == "The vote was close."
    assert item.findtext(f"{DC}creator") == "Mariam Nikuradze"
    assert parsedate_to_datetime(
        item.findtext("pubDate")
    ) == story.published_at.replace(microsecond=0)
    assert [c.text for c in item.findall("category")] == ["Tbilisi", "Politics"]
    enclosure = item.find("enclosure")
    assert enclosure.get("url") == f"http://testserver{story.lead_image.file.url}"
    assert enclosure.get("type") == "image/jpeg"
    assert int(enclosure.get("length")) == story.lead_image.file.size > 0


def test_the_atom_feed_has_every_required_element_and_corrections_update_entries(
    client,
):
    partner = make_outlet(name="JAMnews")
    story = make_article(headline="Rally in Baku", outlet=partner)
    correction = Correction.objects.create(
        article=story,
        date=story.published_at + timedelta(hours=3),
        text="The rally's date was wrong.",
    )
    feed = parse(client.get("/feed/atom/"))
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "OC Media"
    assert feed.findtext(f"{ATOM}id")
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "OC Media"
    assert parse_datetime(feed.findtext(f"{ATOM}updated")) == correction.date
    [entry] = feed.findall(f"{ATOM}entry")
    url = f"http://testserver{story.get_absolute_url()}"
    assert entry.findtext(f"{ATOM}title") == "Rally in Baku"
    assert entry.findtext(f"{ATOM}id") == url
    assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == url
    # No byline: the outlet signs it.
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "JAMnews"
    published = parse_datetime(entry.findtext(f"{ATOM}published"))
    updated = parse_datetime(entry.findtext(f"{ATOM}updated"))
    assert published == story.published_at
    assert updated == correction.date
    assert entry.findtext(f"{ATOM}summary")


def test_section_tag_and_author_feeds_hold_only_their_stories(client):
    section = make_section(slug="culture")
    author = make_author(slug="nino")
    wanted = make_article(
        headline="Wanted", section=section, authors=[author], tags=["theatre"]
    )
    make_article(headline="Elsewhere")
    for url in [
        "/section/culture/feed/",
        "/section/culture/feed/atom/",
        "/tag/theatre/feed/",
        "/tag/theatre/feed/atom/",
        "/author/nino/feed/",
        "/author/nino/feed/atom/",
    ]:
        root = parse(client.get(url))
        titles = [e.text for e in root.iter() if e.tag in ("title", f"{ATOM}title")]
        assert wanted.headline in titles, url
        assert "Elsewhere" not in titles, url
    for url in ["/section/nowhere/feed/", "/tag/nothing/feed/atom/", "/author/x/feed/"]:
        assert client.get(url).status_code == 404


@pytest.mark.usefixtures("uncached_pages")
def test_feeds_cost_the_same_queries_for_many_stories(
    client, django_assert_max_num_queries
):
    section = make_section(slug="news")

    def add_stories(count):
        for _ in range(count):
            make_article(
                section=section,
                authors=[make_author()],
                tags=["a", "b"],
                lead_image=make_image(),
            )

    add_stories(2)
    with django_assert_max_num_queries(5):
        client.get("/section/news/feed/")
    add_stories(10)
    for url in ["/section/news/feed/", "/section/news/feed/atom/"]:
        with django_assert_max_num_queries(5):
            assert client.get(url).status_code == 200


def test_the_pages_announce_their_feeds(client):
    section = make_section(slug="culture")
    make_article(section=section)
    home = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in home
    assert 'href="/feed/atom/"' in home
    listing = client.get("/section/culture/").content.decode()
    assert 'href="/section/culture/feed/"' in listing
    assert 'href="/section/culture/feed/atom/"' in listing


def locations(root):
    return [url.findtext(f"{SITEMAP}loc") for url in root.findall(f"{SITEMAP}url")]


def test_the_sitemap_lists_stories_sections_and_tags_with_lastmod(client):
    section = make_section(slug="culture")
    story = make_article(section=section, tags=["Theatre"])
    Correction.objects.create(
        article=story, date=story.published_at + timedelta(days=1), text="Fixed."
    )
    partner = make_article(
        outlet=make_outlet(), original_url="https://partner.example/story"
    )
    make_section(slug="empty")
    root = parse(client.get("/sitemap.xml"))
    assert root.tag == f"{SITEMAP}urlset"
    found = locations(root)
    assert f"http://testserver{story.get_absolute_url()}" in found
    assert "http://testserver/section/culture/" in found
    assert "http://testserver/tag/theatre/" in found
    # Partner stories are canonical at their original address; empty sections
    # have nothing to show.
    assert f"http://testserver{partner.get_absolute_url()}" not in found
    assert "http://testserver/section/empty/" not in found
    entries = {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in root.findall(f"{SITEMAP}url")
    }
    # The day in the newsroom's time zone, as the sitemap writes it.
    corrected = localtime(story.published_at + timedelta(days=1)).date().isoformat()
    assert entries[f"http://testserver{story.get_absolute_url()}"] == corrected
    assert all(entries.values())


def test_the_sitemap_becomes_an_index_past_the_limit(client, monkeypatch):
    monkeypatch.setattr(Sitemap, "limit", 2)
    for _ in range(3):
        make_article(tags=["many"])
    root = parse(client.get("/sitemap.xml"))
    assert root.tag == f"{SITEMAP}sitemapindex"
    sitemaps = {
        s.findtext(f"{SITEMAP}loc"): s.findtext(f"{SITEMAP}lastmod")
        for s in root.findall(f"{SITEMAP}sitemap")
    }
    assert set(sitemaps) == {
        "http://testserver/sitemap-stories.xml",
        "http://testserver/sitemap-stories.xml?p=2",
        "http://testserver/sitemap-sections.xml",
        "http://testserver/sitemap-sections.xml?p=2",
        "http://testserver/sitemap-tags.xml",
    }
    assert all(sitemaps.values())
    second = parse(client.get("/sitemap-stories.xml?p=2"))
    assert len(locations(second)) == 1
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.get("/sitemap-stories.xml?p=9").status_code == 404


@pytest.mark.usefixtures("uncached_pages")
def test_the_sitemap_costs_the_same_queries_for_many_stories(
    client, django_assert_max_num_queries
):
    for n in range(30):
        make_article(tags=[f"tag {n}"])
    with django_assert_max_num_queries(6):
        client.get("/sitemap.xml")
    with django_assert_max_num_queries(2):
        client.get("/sitemap-news.xml")


def test_the_news_sitemap_lists_the_last_two_days_in_google_news_format(client):
    now = timezone.now()
    fresh = make_article(
        headline="Fresh & new",
        language="az-Latn",
        published_at=now - timedelta(hours=5),
    )
    make_article(headline="Old", published_at=now - timedelta(days=3))
    make_article(
        headline="Partner",
        published_at=now - timedelta(hours=1),
        outlet=make_outlet(),
        original_url="https://partner.example/x",
    )
    # The story lives in the Azerbaijani edition, and so in its news sitemap.
    assert not parse(client.get("/sitemap-news.xml")).findall(f"{SITEMAP}url")
    root = parse(client.get("/az/sitemap-news.xml"))
    [url] = root.findall(f"{SITEMAP}url")
    assert url.findtext(f"{SITEMAP}loc") == f"http://testserver/az/story/{fresh.slug}/"
    news = url.find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "OC Media"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "az"
    assert news.findtext(f"{NEWS}title") == "Fresh & new"
    published = parse_datetime(news.findtext(f"{NEWS}publication_date"))
    assert published == fresh.published_at.replace(microsecond=0)


def test_robots_txt_names_both_sitemaps_and_closes_private_paths(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /preview/" in lines
