"""Language editions: each language's own home, listings, search, feeds and
sitemaps under its prefix, the story in its own edition, and the ways between
editions (the switcher, hreflang, ?lang=)."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from articles import editions
from articles.models import (
    Article,
    MembershipTier,
    SectionTranslation,
    SupportText,
    TierTranslation,
)
from newsroom.env import editions as configured
from tests.helpers import (
    house_outlet,
    make_article,
    make_author,
    make_prompt,
    make_section,
    page_text,
)

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def test_the_editions_come_from_a_checked_list_with_a_default():
    languages, default = configured(["en", "ru", "ka", "az"], "")
    assert default == "en"
    assert languages == [
        ("en", "English"),
        ("ru", "Русский"),
        ("ka", "ქართული"),
        ("az", "Azərbaycanca"),
    ]
    assert configured(["en", "ru"], "ru")[1] == "ru"
    for codes, default, words in [
        (["en", "xx"], "", "'xx' is not a language code"),
        (["en", "EN-gb"], "", "'EN-gb' is not a language code"),
        (["en", "ru", "en"], "", "lists 'en' twice"),
        (["en", "ru"], "ka", r"must be one of NEWSROOM_LANGUAGES \(en, ru\)"),
    ]:
        with pytest.raises(ImproperlyConfigured, match=words):
            configured(codes, default)


def test_an_edition_without_a_catalogue_is_a_system_check_error(settings):
    settings.LANGUAGES = [("en", "English"), ("uk", "Українська")]
    [error] = editions.check_editions()
    assert error.id == "articles.E001"
    assert "'uk'" in error.msg


def test_a_story_belongs_to_the_edition_its_language_tag_names():
    assert editions.edition_of("ru") == "ru"
    assert editions.edition_of("az-Latn") == "az"
    assert editions.edition_of("KA") == "ka"
    # A language that is no edition (kept from before) lives in the default one.
    assert editions.edition_of("uk") == "en"
    assert editions.edition_or_none("uk") is None


def test_each_edition_has_its_own_home_page_in_its_language(client):
    make_article(headline="Rally in Baku", language="en")
    make_article(headline="Митинг в Баку", language="ru")
    make_article(headline="აქცია ბაქოში", language="ka")
    make_article(headline="Bakıda aksiya", language="az-Latn")
    expected = {
        "/": "Rally in Baku",
        "/ru/": "Митинг в Баку",
        "/ka/": "აქცია ბაქოში",
        "/az/": "Bakıda aksiya",
    }
    for url, headline in expected.items():
        response = client.get(url)
        assert response.status_code == 200
        text = page_text(response)
        assert headline in text, url
        others = set(expected.values()) - {headline}
        assert not any(other in text for other in others), url
        code = url.strip("/") or "en"
        assert f'<html lang="{code}"' in response.content.decode()
        assert response["Content-Language"] == code
        # One address, one page: no language negotiation to vary on.
        assert "Accept-Language" not in response.get("Vary", "")


def test_listings_search_and_feeds_show_the_editions_stories(client):
    section = make_section(slug="news")
    author = make_author(slug="nino")
    english = make_article(
        headline="Protest english", section=section, authors=[author], tags=["Baku"]
    )
    russian = make_article(
        headline="Протест русский",
        language="ru",
        section=section,
        authors=[author],
        tags=["Baku"],
        body="<p>Протестующие собрались в Баку.</p>",
    )
    for prefix, shown, hidden in [("", english, russian), ("/ru", russian, english)]:
        for path in [
            "/section/news/",
            "/tag/baku/",
            "/author/nino/",
            "/search/?q=baku",
            "/feed/",
            "/feed/atom/",
            "/section/news/feed/",
            "/tag/baku/feed/",
            "/author/nino/feed/",
        ]:
            response = client.get(prefix + path)
            assert response.status_code == 200, prefix + path
            content = response.content.decode()
            assert shown.headline in content, prefix + path
            assert hidden.headline not in content, prefix + path
    rss = ET.fromstring(client.get("/ru/feed/").content)  # noqa: S314 (our own)
    assert rss.findtext("channel/language") == "ru"
    assert rss.findtext("channel/link").endswith("/ru/")
    # A reader may still search another language's stories by naming it.
    found = client.get("/search/?q=baku&language=ru")
    assert russian.headline in found.content.decode()


def test_a_story_lives_in_its_own_languages_edition(client):
    russian = make_article(headline="Митинг", language="ru", slug="miting")
    assert russian.get_absolute_url() == "/ru/story/miting/"
    assert client.get("/ru/story/miting/").status_code == 200
    for elsewhere in ["/story/miting/", "/ka/story/miting/", "/az/story/miting/"]:
        response = client.get(elsewhere)
        assert response.status_code == 301, elsewhere
        assert response["Location"] == "/ru/story/miting/"


def test_an_unknown_language_prefix_is_a_404(client):
    make_article(slug="rally")
    for path in ["/xx/", "/fr/", "/hy/", "/ru-ru/", "/fr/story/rally/", "/RU/"]:
        assert client.get(path).status_code == 404, path


def test_lang_names_another_edition_and_anything_else_is_ignored(client):
    make_section(slug="news")
    response = client.get("/section/news/?lang=ka")
    assert response.status_code == 302
    assert response["Location"] == "/ka/section/news/"
    assert client.get("/ru/?lang=en")["Location"] == "/"
    for ignored in ["fr", "xx", "", "../admin/", "ru&lang=ka"]:
        response = client.get("/section/news/", {"lang": ignored})
        assert response.status_code == 200, ignored
        assert '<html lang="en"' in response.content.decode()
    # Neither a language cookie nor the browser's languages change a page.
    client.cookies["django_language"] = "ru"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ka,ru;q=0.8")
    assert '<html lang="en"' in response.content.decode()
    client.cookies["django_language"] = "xx"
    assert client.get("/").status_code == 200


def test_the_interface_speaks_the_editions_language(client):
    make_article(
        headline="Митинг",
        language="ru",
        published_at=datetime(2022, 2, 28, 6, tzinfo=UTC),
    )
    text = page_text(client.get("/ru/"))
    assert "28 февраля 2022" in text
    assert "Поддержать" in text or "Поддерж" in text  # "Support us"
    assert "Support us" not in text
    georgian = page_text(client.get("/ka/search/?q=x"))
    assert "Search stories" not in georgian


def test_a_list_knows_which_of_its_stories_have_a_live_translation():
    original = make_article(headline="Rally", slug="rally")
    make_article(headline="Митинг", language="ru", translation_of=original)
    make_article(
        headline="Draft", language="ka", translation_of=make_article(slug="other"),
        status=Article.Status.DRAFT,
    )  # fmt: skip
    stories = Article.objects.published().with_is_translated().order_by("pk")
    assert {story.slug: story.is_translated for story in stories} == {
        "rally": True,
        "other": False,  # its one translation is a draft
        **{story.slug: False for story in stories if story.translation_of_id},
    }


def test_the_switcher_links_a_story_to_its_translations(client):
    original = make_article(headline="Rally", slug="rally")
    russian = make_article(
        headline="Митинг", language="ru", slug="miting", translation_of=original
    )
    make_article(
        headline="Draft", language="ka", slug="draft", translation_of=original,
        status=Article.Status.DRAFT,
    )  # fmt: skip
    page = client.get("/story/rally/").content.decode()
    switcher = page[page.index('class="editions"') :]
    switcher = switcher[: switcher.index("</nav>")]
    assert 'href="/ru/story/miting/" hreflang="ru" lang="ru">Русский</a>' in switcher
    # No Georgian translation is published: the Georgian edition's home.
    assert 'href="/ka/" hreflang="ka"' in switcher
    assert "/ka/story/" not in page
    assert '<span aria-current="page" lang="en">English</span>' in switcher
    back = client.get(russian.get_absolute_url()).content.decode()
    assert 'href="/story/rally/" hreflang="en"' in back
    assert (
        '<link rel="alternate" hreflang="ru" href="http://testserver/ru/story/miting/">'
        in page
    )
    assert '<meta property="og:locale" content="en_GB">' in page
    assert '<meta property="og:locale:alternate" content="ru_RU">' in page
    assert '<meta property="og:locale" content="ru_RU">' in back


def test_elsewhere_the_switcher_and_hreflang_name_the_same_page(client):
    make_section(slug="news")
    page = client.get("/ru/section/news/").content.decode()
    for code, path in [("en", "/"), ("ka", "/ka/"), ("az", "/az/")]:
        assert f'href="{path}section/news/" hreflang="{code}"' in page
        assert (
            f'<link rel="alternate" hreflang="{code}" '
            f'href="http://testserver{path}section/news/">'
        ) in page
    assert (
        '<link rel="alternate" hreflang="x-default" '
        'href="http://testserver/section/news/">'
    ) in page


@override_settings(LANGUAGES=[("en", "English")])
def test_a_site_with_one_edition_offers_no_switcher(client):
    page = client.get("/").content.decode()
    assert 'class="editions"' not in page
    assert "hreflang" not in page
    assert client.get("/ru/").status_code == 404


def test_each_editions_sitemap_lists_its_stories_with_their_translations(client):
    when = datetime(2024, 5, 10, 12, tzinfo=UTC)  # the three in one month's part
    original = make_article(headline="Rally", slug="rally", published_at=when)
    make_article(
        headline="Митинг",
        language="ru",
        slug="miting",
        translation_of=original,
        published_at=when,
    )
    make_article(headline="Один", language="ru", slug="odin", published_at=when)
    part = client.get("/ru/sitemap-stories-2024-05.xml")
    root = ET.fromstring(part.content)  # noqa: S314
    urls = {
        url.findtext(f"{SITEMAP}loc"): {
            link.get("hreflang"): link.get("href")
            for link in url.findall(f"{XHTML}link")
        }
        for url in root.findall(f"{SITEMAP}url")
    }
    assert urls["http://testserver/ru/story/miting/"] == {
        "en": "http://testserver/story/rally/",
        "ru": "http://testserver/ru/story/miting/",
    }
    assert urls["http://testserver/ru/story/odin/"] == {}
    assert "http://testserver/story/rally/" not in urls
    robots = client.get("/robots.txt").content.decode().splitlines()
    for prefix in ["", "/ru", "/ka", "/az"]:
        assert f"Sitemap: http://testserver{prefix}/sitemap.xml" in robots
        # Named while the edition has news (a story of the last two days).
        news = f"{prefix}/sitemap-news.xml"
        listed = f"Sitemap: http://testserver{news}" in robots
        assert listed == (client.get(news).status_code == 200)
        assert f"Disallow: {prefix}/search/" in robots


def test_addresses_with_no_editions_answer_unprefixed_only(client):
    story = make_article(slug="rally")
    assert client.get("/api/articles/").status_code == 200
    assert client.get("/ru/api/articles/").status_code == 404
    assert client.get("/ru/robots.txt").status_code == 404
    assert (
        client.get(f"/ru/preview/{story.get_preview_url().split('/')[-2]}/").status_code
        == 404
    )
    # Prompt links on a Russian page count at the one address.
    prompt = make_prompt(placement="header", languages="ru")
    page = client.get("/ru/").content.decode()
    assert f'href="/support/go/{prompt.pk}/"' in page


def test_a_prompt_for_one_language_shows_on_its_editions_pages(client):
    make_prompt(placement="header", heading="Поддержите нас", languages="ru")
    assert "Поддержите нас" in client.get("/ru/").content.decode()
    assert "Поддержите нас" not in client.get("/").content.decode()
    assert "Поддержите нас" not in client.get("/ka/").content.decode()


def test_an_edition_adds_no_query_to_a_page(client, uncached_pages):
    section = make_section(slug="news")
    english = make_article(slug="rally", section=section, tags=["Baku"])
    make_article(
        slug="miting",
        language="ru",
        section=section,
        tags=["Baku"],
        translation_of=english,
    )
    # The site-wide caches (chrome, prompts, the editions' section names),
    # read once for every page.
    client.get("/")
    client.get("/ru/")
    counts = {}
    for prefix in ["", "/ru"]:
        for path in ["/", "/section/news/", "/tag/baku/", "/search/?q=baku"]:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(prefix + path).status_code == 200
            counts[prefix + path] = len(queries)
    for path in ["/", "/section/news/", "/tag/baku/", "/search/?q=baku"]:
        assert counts[f"/ru{path}"] == counts[path], path


def test_each_edition_is_cached_as_its_own_page(client, settings):
    settings.NEWSROOM_PAGE_SIZE = 1
    section = make_section(slug="news")
    make_article(headline="Rally", section=section)
    make_article(headline="Митинг", language="ru", section=section)
    make_article(headline="Второй", language="ru", section=section)
    assert client.get("/ru/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "miss"
    ru = client.get("/ru/")
    assert ru["X-Page-Cache"] == "hit"
    assert "Митинг" in ru.content.decode()
    assert "Митинг" not in client.get("/").content.decode()
    # An edition's deeper listing pages are kept too.
    assert client.get("/ru/section/news/?page=2")["X-Page-Cache"] == "miss"
    assert client.get("/ru/section/news/?page=2")["X-Page-Cache"] == "hit"


def test_sections_tiers_and_the_support_page_speak_each_editions_language(client):
    news = make_section(name="News", slug="news", description="The day's news.")
    SectionTranslation.objects.create(
        section=news, language="ru", name="Новости", description="Новости дня."
    )
    make_article(headline="Митинг", language="ru", section=news)
    make_article(headline="Rally", section=news)
    house = house_outlet()
    house.support_text = "Independent journalism costs money."
    house.save()
    SupportText.objects.create(
        outlet=house,
        language="ru",
        support_heading="Почему важна ваша поддержка",
        support_text="Независимая журналистика стоит денег.",
    )
    tier = MembershipTier.objects.create(
        name="Reader",
        amount=5,
        checkout_url="https://pay.example/reader",
        benefits="A newsletter",
    )
    TierTranslation.objects.create(
        tier=tier, language="ru", name="Читатель", benefits="Рассылка"
    )
    russian = page_text(client.get("/ru/section/news/"))
    assert "Новости" in russian
    assert "Новости дня." in russian
    assert "Новости" in page_text(client.get("/ru/"))
    assert "Новости" in page_text(
        client.get("/ru/story/" + Article.objects.get(headline="Митинг").slug + "/")
    )
    english = page_text(client.get("/section/news/"))
    assert "Новости" not in english
    assert "The day's news." in english
    # An edition without its own words shows the default language's.
    assert "News" in page_text(client.get("/ka/section/news/"))
    support = page_text(client.get("/ru/support/"))
    assert "Почему важна ваша поддержка" in support
    assert "Независимая журналистика стоит денег." in support
    assert "Читатель" in support and "Рассылка" in support
    support = page_text(client.get("/ka/support/"))
    assert "Independent journalism costs money." in support
    assert "Reader" in support and "A newsletter" in support
    feed = client.get("/ru/section/news/feed/").content.decode()
    assert "<title>Новости · OC Media</title>" in feed


def test_the_demos_english_appeals_stay_in_the_english_edition(client, demo):
    assert "Become a member" in client.get("/").content.decode()
    russian = client.get("/ru/")
    assert russian.status_code == 200
    assert "Become a member" not in russian.content.decode()
    # The two seed stories stay English, untranslated, in the English edition.
    assert Article.objects.exclude(language="en").count() == 0


def test_a_byline_is_worded_for_one_author_or_several(client):
    one = make_article(language="ka", authors=[make_author(name="ნინო")])
    two = make_article(
        language="ka", authors=[make_author(name="ნინო"), make_author(name="გიორგი")]
    )
    assert "ავტორი: ნინო" in page_text(client.get(one.get_absolute_url()))
    assert "ავტორები: ნინო და გიორგი" in page_text(client.get(two.get_absolute_url()))
    english = make_article(authors=[make_author(name="Nino"), make_author(name="Rauf")])
    assert "By Nino and Rauf" in page_text(client.get(english.get_absolute_url()))
