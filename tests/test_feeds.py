"""Feeds, sitemaps and robots.txt: parsed, with the elements their formats require,
and feeds as readers' software parses them (feedparser): full text, summaries,
the channel's pictures and each edition's language."""

import html
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import feedparser
import pytest
from django.contrib.sitemaps import Sitemap
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles import sitemap_months
from articles.html import excerpt, plain_text
from articles.models import Correction
from tests.helpers import (
    house_outlet,
    jpeg_bytes,
    make_article,
    make_author,
    make_draft,
    make_embed,
    make_image,
    make_outlet,
    make_scheduled,
    make_section,
)
from tests.html_helpers import Markup

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
            embed, picture = make_embed(), make_image()
            make_article(
                section=section,
                authors=[make_author()],
                tags=["a", "b"],
                lead_image=make_image(),
                body=f"<p>Words.</p><p>[embed:{embed.slug}]</p>"
                f"<p>[picture:{picture.pk}]</p>",
            )

    # The section, the site's chrome (its sections, the house outlet and its
    # logo), the stories, their bylines, tags and corrections, and the embeds
    # and pictures all of them place; on PostgreSQL, the feed planned without
    # parallel workers (articles.planner: a savepoint in the test's
    # transaction, the setting set and put back, the savepoint released).
    budget = 9 + (4 if connection.vendor == "postgresql" else 0)
    add_stories(2)
    with django_assert_max_num_queries(budget):
        client.get("/section/news/feed/")
    add_stories(10)
    for url in ["/section/news/feed/", "/section/news/feed/atom/"]:
        with django_assert_max_num_queries(budget):
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
    index = parse(client.get("/sitemap.xml"))
    assert index.tag == f"{SITEMAP}sitemapindex"
    urls = [
        url
        for part in index.findall(f"{SITEMAP}sitemap")
        for url in parse(client.get(part.findtext(f"{SITEMAP}loc"))).findall(
            f"{SITEMAP}url"
        )
    ]
    found = [url.findtext(f"{SITEMAP}loc") for url in urls]
    assert f"http://testserver{story.get_absolute_url()}" in found
    assert "http://testserver/section/culture/" in found
    assert "http://testserver/tag/theatre/" in found
    # Partner stories are canonical at their original address; empty sections
    # have nothing to show.
    assert f"http://testserver{partner.get_absolute_url()}" not in found
    assert "http://testserver/section/empty/" not in found
    entries = {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in urls
    }
    # The latest of publication, last edit and correction, to the second.
    corrected = max(story.updated_at, story.published_at + timedelta(days=1))
    lastmod = parse_datetime(entries[f"http://testserver{story.get_absolute_url()}"])
    assert lastmod == corrected.replace(microsecond=0)
    # All but the support page, which keeps no record of its changes.
    assert all(v for url, v in entries.items() if not url.endswith("/support/"))


def test_the_sitemap_becomes_an_index_past_the_limit(client, monkeypatch):
    monkeypatch.setattr(Sitemap, "limit", 2)
    monkeypatch.setattr(sitemap_months, "PART_SIZE", 2)
    for day in range(1, 4):
        make_article(tags=["many"], published_at=datetime(2024, 5, day, tzinfo=UTC))
    root = parse(client.get("/sitemap.xml"))
    assert root.tag == f"{SITEMAP}sitemapindex"
    sitemaps = {
        s.findtext(f"{SITEMAP}loc"): s.findtext(f"{SITEMAP}lastmod")
        for s in root.findall(f"{SITEMAP}sitemap")
    }
    assert set(sitemaps) == {
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-stories-2024-05.xml",
        "http://testserver/sitemap-stories-2024-05.xml?p=2",
        # Sections are split by id, 2,000 a part (tests/test_sitemaps.py).
        "http://testserver/sitemap-sections.xml",
        "http://testserver/sitemap-tags.xml",
    }
    assert all(sitemaps.values())
    second = parse(client.get("/sitemap-stories-2024-05.xml?p=2"))
    assert len(locations(second)) == 1
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.get("/sitemap-stories-2024-05.xml?p=9").status_code == 404


@pytest.mark.usefixtures("uncached_pages")
def test_the_sitemap_costs_the_same_queries_for_many_stories(
    client, django_assert_max_num_queries
):
    for n in range(30):
        # Of the last two days, so that the news sitemap lists them too.
        make_article(tags=[f"tag {n}"], published_at=timezone.now())
    with django_assert_max_num_queries(9):
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
    assert client.get("/sitemap-news.xml").status_code == 404
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
    make_article(published_at=timezone.now())  # news: the news sitemap is named
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /preview/" in lines


# Full text: what feed readers and aggregators read.

FEEDS = ("feed/", "feed/atom/")
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


def read(client, url):
    """A feed as a reader's software parses it, with relative addresses left
    as they are: a relative one in our output stays visible."""
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = feedparser.parse(
        response.content, resolve_relative_uris=False, sanitize_html=False
    )
    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    return parsed


def addresses(html):
    """Every address an HTML fragment links to or loads a picture from."""
    found = []
    for element in Markup(html).elements:
        for name in ("href", "src", "cite"):
            if element.attrs.get(name) is not None:
                found.append(element.attrs[name])
        for candidate in (element.attrs.get("srcset") or "").split(","):
            if candidate.strip():
                found.append(candidate.split()[0])
    return found


GEORGIAN = (
    "თბილისში მომიტინგეები პარლამენტთან შეიკრიბნენ და კანონპროექტის "
    "გაწვევას მოითხოვდნენ."
)
RUSSIAN = "Жители Баку вышли на улицы города, чтобы выразить поддержку Украине."
ARMENIAN = "Երևանում բողոքի ակցիա է անցկացվել կառավարության շենքի մոտ։"


def long_body(sentence, paragraphs=12):
    return "".join(
        f"<p>{sentence} {number}.</p>" for number in range(1, paragraphs + 1)
    )


def test_it_carries_each_story_in_full_with_absolute_addresses(client):
    lead = make_image(caption="მიტინგი პარლამენტთან", credit="Mariam Nikuradze")
    placed = make_image(alt_text="The crowd from above")
    embed = make_embed(text="<p>Posted from the square.</p>")
    author = make_author(name="Nino Kobalia", slug="nino-kobalia")
    deep = "The last paragraph, far below the fold, is in the feed too."
    story = make_article(
        language="ka",
        authors=[author],
        lead_image=lead,
        standfirst="",
        body=(
            f"{long_body(GEORGIAN)}<p>[picture:{placed.pk}]</p>"
            '<p>See <a href="/ka/section/news/">the section</a>, '
            '<a href="other/">a page beside this one</a> and '
            '<a href="#notes">the notes</a>.</p>'
            f"<p>[embed:{embed.slug}]</p><p>{deep}</p>"
        ),
    )
    page = f"http://testserver{story.get_absolute_url()}"
    for url in [f"/ka/{feed}" for feed in FEEDS]:
        [entry] = read(client, url).entries
        [content] = entry.content
        assert content.type == "text/html", url
        html = content.value
        assert deep in html and GEORGIAN in html, url
        # The lead picture first, with its caption and credit, then the byline.
        assert html.lstrip().startswith("<figure"), url
        assert html.index("მიტინგი პარლამენტთან") < html.index("Nino Kobalia"), url
        assert "Mariam Nikuradze" in html, url
        assert html.index("Nino Kobalia") < html.index(GEORGIAN), url
        # The picture and the embed the body places, as the story page prints them.
        assert 'alt="The crowd from above"' in html, url
        assert "Posted from the square." in html and embed.url in html, url
        found = addresses(html)
        assert all(a.startswith(("http://testserver/", embed.url)) for a in found)
        assert "http://testserver/ka/section/news/" in found, url
        assert f"{page}other/" in found and f"{page}#notes" in found, url
        assert "http://testserver/ka/author/nino-kobalia/" in found, url
        assert f"http://testserver{placed.fallback_url()}" in found, url
        webp = lead.srcset("webp").split()[0]
        assert f"http://testserver{webp}" in found, url
        # The lead picture stays the enclosure.
        [enclosure] = entry.enclosures
        assert enclosure.href == f"http://testserver{lead.file.url}", url
    rss = parse(client.get("/ka/feed/"))
    assert rss.find(f"channel/item/{CONTENT}") is not None
    assert b'xmlns:content="http://purl.org/rss/1.0/modules/content/"' in (
        client.get("/ka/feed/").content
    )
    atom = parse(client.get("/ka/feed/atom/"))
    assert atom.find(f"{ATOM}entry/{ATOM}content").get("type") == "html"


def test_it_names_the_partner_and_lists_corrections_in_the_full_text(client):
    partner = make_outlet(name="JAMnews", url="https://jam-news.net/")
    story = make_article(
        outlet=partner, original_url="https://jam-news.net/rally-in-baku/"
    )
    Correction.objects.create(
        article=story, date=story.published_at, text="The rally's date was wrong."
    )
    for url in FEEDS:
        html = read(client, f"/{url}").entries[0].content[0].value
        assert 'href="https://jam-news.net/"' in html, url
        assert 'href="https://jam-news.net/rally-in-baku/"' in html, url
        assert "The rally's date was wrong." in html, url


def cut_at_a_word(summary, text):
    """Whether `summary` is `text`'s opening, ending with an ellipsis at a
    word boundary (no word of `text` cut in two)."""
    assert summary.endswith("…"), summary
    kept = summary[:-1]
    assert text.startswith(kept), (summary, text)
    following = text[len(kept) :]
    return following[:1] == " " or not following[:1].isalnum()


@pytest.mark.parametrize(
    ("sentence", "code"),
    [(GEORGIAN, "ka"), (RUSSIAN, "ru"), ("Baku rally in support of Ukraine", "en")],
)
def test_it_summarises_a_story_without_standfirst_at_a_word(client, sentence, code):
    story = make_article(language=code, standfirst="", body=long_body(sentence))
    text = plain_text(story.body)
    for url in FEEDS:
        [entry] = read(client, f"/{code}/{url}".replace("/en/", "/")).entries
        summary = html.unescape(entry.summary)
        assert 100 < len(summary) <= 300, url
        assert cut_at_a_word(summary, text), url


@pytest.mark.parametrize("length", range(20, 70))
def test_it_never_cuts_armenian_georgian_or_russian_inside_a_word(length):
    for sentence in [ARMENIAN, GEORGIAN, RUSSIAN]:
        text = f"{sentence} {sentence}"
        summary = excerpt(text, length)
        assert len(summary) <= length
        assert cut_at_a_word(summary, text)


def test_it_summarises_with_the_standfirst_escaped_for_html(client):
    make_article(standfirst="Fish & chips <b>cost</b> more.", body=long_body("Words"))
    for url in FEEDS:
        [entry] = read(client, f"/{url}").entries
        assert entry.summary == "Fish &amp; chips &lt;b&gt;cost&lt;/b&gt; more.", url


def test_the_channel_shows_the_outlets_logo_and_the_site_icon(client):
    logo = make_image(content=jpeg_bytes(400, 200), alt_text="OC Media")
    house = house_outlet()
    house.logo = logo
    house.save()
    make_article()
    rss = read(client, "/feed/").feed
    logo_url = f"http://testserver{logo.rendition_url(320)}"
    assert rss.image.href == logo_url
    assert rss.image.title == rss.title == "OC Media"
    assert rss.image.link == rss.link == "http://testserver/"
    atom = parse(client.get("/ru/feed/atom/"))
    assert atom.findtext(f"{ATOM}logo") == logo_url
    assert (
        atom.findtext(f"{ATOM}icon") == "http://testserver/static/articles/favicon.svg"
    )
    assert read(client, "/ru/feed/atom/").feed.icon == atom.findtext(f"{ATOM}icon")


def test_the_channel_shows_no_logo_before_the_outlet_has_one(client):
    make_article()
    assert parse(client.get("/feed/")).find("channel/image") is None
    atom = parse(client.get("/feed/atom/"))
    assert atom.find(f"{ATOM}logo") is None
    assert atom.findtext(f"{ATOM}icon").endswith("/static/articles/favicon.svg")


EDITIONS = {"en": "en", "ru": "ru", "ka": "ka", "az": "az-Latn"}


def edition_feeds(code, section, author):
    prefix = "/" if code == "en" else f"/{code}/"
    kinds = ["", f"section/{section.slug}/", "tag/editions/", f"author/{author.slug}/"]
    return [f"{prefix}{kind}{feed}" for kind in kinds for feed in FEEDS]


def test_each_editions_feeds_speak_its_language_and_list_only_its_stories(client):
    section, author = make_section(), make_author()
    for language in EDITIONS.values():
        make_article(
            headline=f"Story in {language}",
            language=language,
            section=section,
            authors=[author],
            tags=["editions"],
        )
    # A story kept from before in a language no edition speaks: the default
    # edition's pages show it, but no feed would name its language right.
    make_article(
        headline="Story in uk",
        language="uk",
        section=section,
        authors=[author],
        tags=["editions"],
    )
    for code, language in EDITIONS.items():
        for url in edition_feeds(code, section, author):
            parsed = read(client, url)
            assert parsed.feed.language == code, url
            titles = [entry.title for entry in parsed.entries]
            assert titles == [f"Story in {language}"], url


def test_drafts_and_scheduled_stories_stay_out_of_full_text_feeds(client):
    section, author = make_section(), make_author()
    shared = {"section": section, "authors": [author], "tags": ["editions"]}
    live = make_article(headline="Live story", **shared)
    hidden = [
        make_draft(headline="Hidden draft", body="<p>Draft words</p>", **shared),
        make_scheduled(headline="Hidden plan", body="<p>Planned words</p>", **shared),
    ]
    for url in edition_feeds("en", section, author):
        parsed = read(client, url)
        assert [entry.title for entry in parsed.entries] == [live.headline], url
        content = client.get(url).content.decode()
        for story in hidden:
            assert story.slug not in content, url
        assert "Draft words" not in content and "Planned words" not in content
