"""Section, tag and author archives by year and month, and listings' numbered
pages giving way to them (articles.listings, articles.paging)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import paging
from articles.models import Article, Byline, TaggedArticle
from tests.helpers import (
    make_article,
    make_author,
    make_draft,
    make_scheduled,
    make_section,
    page_text,
)

pytestmark = pytest.mark.django_db


def at(year, month, day=10, hour=12):
    """A moment in the site's own time (Asia/Tbilisi in the tests)."""
    return datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def news():
    return make_section(name="Новости", slug="news")


@pytest.fixture
def nino():
    return make_author(name="Нино Бурджанадзе", slug="nino")


def make_story(news, nino, when, **fields):
    return make_article(
        section=news, authors=[nino], tags=["baku"], published_at=when, **fields
    )


# Each listing's address, as its kind's archive extends it.
LISTINGS = ["/section/news/", "/tag/baku/", "/author/nino/"]


@pytest.mark.parametrize("listing", LISTINGS)
def test_it_lists_the_years_and_months_with_stories(client, news, nino, listing):
    make_story(news, nino, at(2022, 3), headline="Митинг 2022")
    make_story(news, nino, at(2024, 1), headline="Январский митинг")
    make_story(news, nino, at(2024, 3, 5), headline="Мартовский митинг")
    make_story(news, nino, at(2024, 3, 20), headline="Второй мартовский")
    listed = client.get(listing).content.decode()
    assert f'href="{listing}2024/"' in listed
    assert f'href="{listing}2022/"' in listed
    assert f'href="{listing}2023/"' not in listed  # a year without stories
    assert 'aria-labelledby="archive-years-heading"' in listed
    year = client.get(f"{listing}2024/")
    assert year.status_code == 200
    assert f'href="{listing}2024/01/"' in year.content.decode()
    assert f'href="{listing}2024/03/"' in year.content.decode()
    assert f'href="{listing}2024/02/"' not in year.content.decode()
    assert "January" in page_text(year) and "February" not in page_text(year)
    month = client.get(f"{listing}2024/03/")
    text = page_text(month)
    assert "March 2024" in text
    assert "Мартовский митинг" in text and "Второй мартовский" in text
    assert "Январский митинг" not in text
    assert f'href="{listing}2024/01/"' in month.content.decode()  # earlier month
    assert Article.objects.published().filter(section=news).count() == 4


def test_it_reads_months_in_the_sites_time(client, news, nino):
    # 22:30 in London on 31 March is already April in Tbilisi.
    utc = datetime(2024, 3, 31, 22, 30, tzinfo=UTC)
    story = make_story(news, nino, utc, headline="Полночь")
    assert Article.objects.get(pk=story.pk).published_at == utc
    assert "Полночь" in page_text(client.get("/section/news/2024/04/"))
    assert client.get("/section/news/2024/03/").status_code == 404


@pytest.mark.parametrize("listing", LISTINGS)
def test_it_keeps_each_edition_to_its_own_stories(client, news, nino, listing):
    make_story(news, nino, at(2024, 3), headline="English rally")
    make_story(news, nino, at(2023, 5), headline="Митинг в Баку", language="ru")
    russian = client.get(f"/ru{listing}2023/05/")
    assert russian.status_code == 200
    assert "Митинг в Баку" in page_text(russian)
    assert "Май 2023" in page_text(russian)  # the month as Russian names it
    assert f'href="/ru{listing}2023/"' in russian.content.decode()
    assert client.get(f"/ru{listing}2024/").status_code == 404
    assert client.get(f"{listing}2023/05/").status_code == 404
    assert "English rally" in page_text(client.get(f"{listing}2024/03/"))
    listed = client.get(f"/ru{listing}").content.decode()
    assert f'href="/ru{listing}2023/"' in listed
    assert f'href="/ru{listing}2024/"' not in listed
    assert Article.objects.filter(language="ru").count() == 1


@pytest.mark.parametrize("listing", LISTINGS)
def test_it_hides_drafts_and_scheduled_stories(client, news, nino, listing):
    make_story(news, nino, at(2024, 3), headline="Live rally")
    make_draft(
        section=news,
        authors=[nino],
        tags=["baku"],
        published_at=at(2024, 3, 12),
        headline="Draft rally",
    )
    make_draft(section=news, authors=[nino], tags=["baku"], published_at=at(2021, 6))
    scheduled = make_scheduled(
        section=news, authors=[nino], tags=["baku"], headline="Scheduled rally"
    )
    when = timezone.localtime(scheduled.published_at)
    march = page_text(client.get(f"{listing}2024/03/"))
    assert "Live rally" in march and "Draft rally" not in march
    assert client.get(f"{listing}2021/").status_code == 404
    assert client.get(f"{listing}2021/06/").status_code == 404
    if when.year != 2024:
        assert client.get(f"{listing}{when.year}/").status_code == 404
    assert client.get(f"{listing}{when:%Y/%m}/").status_code == 404
    assert f"{listing}2021/" not in client.get(listing).content.decode()
    assert Article.objects.filter(section=news).count() == 4
    assert Article.objects.published().filter(section=news).count() == 1


@pytest.mark.parametrize(
    "suffix",
    [
        "0/",
        "0000/",
        "13/",
        "99999/",
        "999/",
        "0999/",
        "3000/",
        "abcd/",
        "２０２４/",
        "2024/0/",
        "2024/00/",
        "2024/13/",
        "2024/3/",
        "2024/003/",
        "2024/xx/",
        "1999/",  # no stories that year
        "2024/02/",  # nor that month
        "2024/03/?page=2",
        "2024/03/?page=0",
        "2024/03/?page=x",
    ],
)
def test_it_answers_bad_years_and_months_with_a_404(client, news, nino, suffix):
    make_story(news, nino, at(2024, 3))
    for listing in LISTINGS:
        response = client.get(listing + suffix)
        assert response.status_code == 404, listing + suffix
    assert client.get("/section/nothing/2024/").status_code == 404
    assert Article.objects.published().count() == 1


def test_it_pages_within_a_month(client, settings, news, nino):
    settings.NEWSROOM_PAGE_SIZE = 2
    for day in range(1, 6):
        make_story(news, nino, at(2024, 3, day), headline=f"Мартовский {day}")
    first = client.get("/section/news/2024/03/")
    last = client.get("/section/news/2024/03/?page=3")
    assert first.content.decode().count('class="card"') == 2
    assert "Page 1 of 3" in page_text(first)
    assert page_text(last).count("Мартовский") == 1
    assert "Мартовский 1" in page_text(last)  # the oldest last
    assert Article.objects.published().count() == 5


def test_it_ends_numbered_pages_in_the_archive(client, settings, monkeypatch, news):
    settings.NEWSROOM_PAGE_SIZE = 1
    monkeypatch.setattr(paging, "NUMBERED_PAGES", 3)
    for month in range(1, 6):
        make_article(section=news, published_at=at(2024, month), headline=f"M{month}")
    make_article(section=news, published_at=at(2021, 6))
    # The last numbered page goes on to the month of its last story.
    last = client.get("/section/news/?page=3")
    assert last.status_code == 200
    assert 'rel="next" href="/section/news/2024/03/"' in last.content.decode()
    assert "Page 3" in page_text(last) and "Page 3 of" not in page_text(last)
    # Past it: no OFFSET, but a page pointing to the archive's years.
    for number in ("4", "500", "999999999"):
        deep = client.get(f"/section/news/?page={number}")
        assert deep.status_code == 404
        assert "Older stories are in the archive" in page_text(deep)
        assert 'href="/section/news/2024/"' in deep.content.decode()
        assert 'href="/section/news/2021/"' in deep.content.decode()
    assert Article.objects.published().filter(section=news).count() == 6


def test_it_names_its_list_and_its_parameters_for_the_page_cache(client, news, nino):
    make_story(news, nino, at(2024, 3), headline="Первый")
    assert paging.cache_parameters("/section/news/2024/03/") == {"page"}
    assert paging.cache_parameters("/ru/tag/baku/2024/") == frozenset()
    month = "/section/news/2024/03/"
    assert client.get(month)["X-Page-Cache"] == "miss"
    assert client.get(month)["X-Page-Cache"] == "hit"
    assert client.get("/section/news/2024/")["X-Page-Cache"] == "miss"
    assert client.get("/section/news/2024/")["X-Page-Cache"] == "hit"
    make_story(news, nino, at(2024, 3, 20), headline="Второй")
    again = client.get(month)
    assert again["X-Page-Cache"] == "miss"
    assert "Второй" in page_text(again)
    assert client.get("/section/news/2024/")["X-Page-Cache"] == "miss"
    assert Byline.objects.filter(author=nino).count() == 2


def add_to_archive(news, nino, stories):
    """`stories` more stories of one section, author and tag, over the same
    four years whatever their number."""
    for n in range(stories):
        when = at(2021 + n % 4, 1 + n % 12, 1 + n % 27)
        make_article(section=news, authors=[nino], tags=["baku"], published_at=when)


def count_queries(client, url):
    client.get(url)  # the site-wide caches (navigation, prompts) warm
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == (404 if "page=50" in url else 200), url
    return len(captured.captured_queries)


@pytest.mark.parametrize("listing", LISTINGS)
def test_it_costs_the_same_queries_however_large_the_archive(
    client, settings, monkeypatch, news, nino, listing
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    settings.NEWSROOM_PAGE_SIZE = 1
    monkeypatch.setattr(paging, "NUMBERED_PAGES", 3)
    pages = [listing, f"{listing}?page=3", f"{listing}?page=50"]
    pages += [f"{listing}2022/", f"{listing}2022/02/", f"{listing}2022/02/?page=2"]
    counts = []
    for more in (24, 72):
        add_to_archive(news, nino, more)
        counts.append([count_queries(client, url) for url in pages])
    assert counts[0] == counts[1]
    # On PostgreSQL a listing is planned without parallel workers
    # (articles.planner): a savepoint in the test's transaction, the setting
    # set and put back, the savepoint released. A tag or author asks first
    # which languages of the edition it has stories in.
    linked = 0 if listing.startswith("/section/") else 1
    assert max(counts[0]) <= 6 + linked + (
        3 if connection.vendor == "postgresql" else 0
    )
    assert Article.objects.published().count() == 96


@pytest.mark.parametrize("listing", LISTINGS)
def test_it_probes_only_the_years_between_the_first_and_last(
    client, monkeypatch, news, nino, listing
):
    make_story(news, nino, at(2015, 1))
    make_story(news, nino, at(2024, 12, 31, 23))
    make_story(news, nino, at(2019, 7))
    asked, holding = [], paging._holding
    monkeypatch.setattr(
        paging,
        "_holding",
        lambda stories, spans: asked.append(spans) or holding(stories, spans),
    )
    with CaptureQueriesContext(connection) as captured:
        listed = client.get(listing).content.decode()
    years = [f'href="{listing}{y}/"' in listed for y in range(2014, 2026)]
    assert years == [y in (2015, 2019, 2024) for y in range(2014, 2026)]
    # The eight years between, in one query asking the stories' query of each.
    assert asked == [[paging.month_span(year) for year in range(2016, 2024)]]
    probes = [q["sql"] for q in captured.captured_queries if "WITH spans" in q["sql"]]
    assert len(probes) == 1
    # And the months of a year, twelve probes, likewise (beside its years).
    asked.clear()
    year = page_text(client.get(f"{listing}2019/"))
    assert "July" in year and "June" not in year
    assert [paging.month_span(2019, month) for month in range(1, 13)] in asked
    assert Article.objects.filter(published_at__lt=at(2016, 1)).count() == 1


def test_the_archives_addresses_are_written_one_way():
    section = make_section(slug="news")
    url = "/section/news/2024/03/"
    assert paging.MonthConverter().to_url(3) == "03"
    from articles.links import url_for

    assert url_for("articles:section-month", section.slug, 2024, 3) == url
    assert url_for("articles:tag-year", "baku", 2024) == "/tag/baku/2024/"
    assert paging.month_span(2024, 12)[1] == at(2025, 1, 1, 0)
    assert paging.month_span(2024)[1] - paging.month_span(2024)[0] == timedelta(366)


def byline_times(author):
    rows = Byline.objects.filter(author=author).order_by("article_id")
    return list(rows.values_list("published_at", flat=True))


def test_it_keeps_each_bylines_time_as_its_story_is_published_and_moved(
    client, news, nino
):
    story = make_draft(
        section=news, authors=[nino], published_at=at(2024, 3), headline="Перенос"
    )
    assert byline_times(nino) == [None]
    assert client.get("/author/nino/2024/03/").status_code == 404
    story.status = Article.Status.PUBLISHED
    story.save()
    assert byline_times(nino) == [at(2024, 3)]
    assert "Перенос" in page_text(client.get("/author/nino/2024/03/"))
    story.published_at = at(2023, 5)  # moved back a year
    story.save()
    assert byline_times(nino) == [at(2023, 5)]
    assert client.get("/author/nino/2024/").status_code == 404
    assert "Перенос" in page_text(client.get("/author/nino/2023/05/"))
    story.published_at = timezone.now() + timedelta(days=40)
    story.save()
    rescheduled = Article.objects.get(pk=story.pk).published_at
    assert byline_times(nino) == [rescheduled]  # kept; published() hides it
    assert "Перенос" not in page_text(client.get("/author/nino/"))
    month = f"/author/nino/{timezone.localtime(rescheduled):%Y/%m}/"
    assert client.get(month).status_code == 404
    story.status = Article.Status.DRAFT
    story.save()
    assert byline_times(nino) == [None]
    assert client.get("/author/nino/2023/05/").status_code == 404


def test_it_dates_bylines_added_and_forgets_those_removed(client, news, nino):
    gia = make_author(name="Գիա Կանչելի", slug="gia")
    story = make_article(
        section=news, authors=[nino], published_at=at(2024, 3), headline="Общий"
    )
    Byline.objects.create(article_id=story.pk, author=gia, position=1)
    later = make_article(section=news, published_at=at(2022, 1), headline="Позже")
    later.authors.add(nino)  # a bulk insert: no pre_save
    gia.articles.add(later)  # and from the author's side
    assert byline_times(nino) == [at(2024, 3), at(2022, 1)]
    assert byline_times(gia) == [at(2024, 3), at(2022, 1)]
    assert "Общий" in page_text(client.get("/author/gia/2024/03/"))
    assert "Позже" in page_text(client.get("/author/nino/2022/01/"))
    Byline.objects.filter(author=gia, article=story).delete()
    assert client.get("/author/gia/2024/").status_code == 404
    assert 'href="/author/gia/2024/"' not in client.get("/author/gia/").content.decode()
    assert "Общий" in page_text(client.get("/author/nino/2024/03/"))
    assert byline_times(gia) == [at(2022, 1)]


def test_it_dates_bylines_written_without_signals(news, nino):
    story = make_article(section=news, published_at=at(2024, 3))
    Byline.objects.bulk_create([Byline(article=story, author=nino)])
    assert byline_times(nino) == [None]
    assert Byline.objects.filter(author=nino).dated() == 1
    assert byline_times(nino) == [at(2024, 3)]
    assert Byline.published_time(story) == at(2024, 3)


def link_languages(story):
    return {
        *story.tagged_items.values_list("language", flat=True),
        *story.bylines.values_list("language", flat=True),
    }


def test_its_links_keep_their_storys_language(client, news, nino):
    story = make_story(news, nino, at(2024, 3), headline="Митинг", language="ru")
    assert link_languages(story) == {"ru"}
    story.language = "az-Latn"
    story.save()
    assert link_languages(story) == {"az-Latn"}
    story.tags.add("Bakı")
    story.authors.add(make_author(slug="gia"))
    assert link_languages(story) == {"az-Latn"}
    # Written without signals, then dated.
    Byline.objects.filter(article=story).update(language="")
    Byline.objects.filter(article=story).dated()
    assert link_languages(story) == {"az-Latn"}
    # The listings read the links' copy beside the story's own language.
    assert "Митинг" in page_text(client.get("/az/tag/baku/"))
    assert "Митинг" in page_text(client.get("/az/author/gia/"))
    assert client.get("/ru/tag/baku/2024/03/").status_code == 404
    # A tag with no story in an edition: its page there, empty, counts nothing.
    with CaptureQueriesContext(connection) as captured:
        elsewhere = client.get("/ru/tag/baku/")
    assert elsewhere.status_code == 200 and "Митинг" not in page_text(elsewhere)
    assert not [q for q in captured.captured_queries if "COUNT(" in q["sql"]]


@pytest.mark.parametrize("listing", ["/tag/baku/", "/author/nino/"])
def test_it_lets_published_decide_over_a_stale_time(client, news, nino, listing):
    story = make_story(news, nino, at(2024, 3), headline="Снята")
    make_story(news, nino, at(2024, 3, 20), headline="Осталась")
    # Unpublished by a write that sends no signals: the rows keep their time.
    Article.objects.filter(pk=story.pk).update(status=Article.Status.DRAFT)
    assert byline_times(nino)[0] == at(2024, 3)
    month = page_text(client.get(f"{listing}2024/03/"))
    assert "Осталась" in month and "Снята" not in month
    assert "Снята" not in page_text(client.get(listing))
    assert Article.objects.published().count() == 1


@pytest.mark.parametrize(
    ("listing", "table"),
    [("/tag/baku/", "articles_taggedarticle"), ("/author/nino/", "articles_byline")],
)
def test_it_reads_tag_and_author_archives_by_their_links_time(
    client, settings, news, nino, listing, table
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    make_story(news, nino, at(2022, 3))
    make_story(news, nino, at(2024, 3), headline="Март")
    for url in (listing, f"{listing}2024/", f"{listing}2024/03/"):
        client.get(url)  # the site-wide caches warm
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        sql = " ".join(q["sql"] for q in captured.captured_queries)
        # The link rows' time, as their partial index holds it (in subqueries
        # the table has an alias).
        assert f'"{table}"' in sql and '"published_at" IS NOT NULL' in sql, url
    # The listing's own join of the link rows is called "linked".
    assert 'ORDER BY linked."published_at" DESC' in sql
    assert 'linked."published_at" >= ' in sql
    assert 'linked."language"' in sql  # their copy of the language
    assert "Март" in page_text(response)
    assert Article.objects.published().count() == 2


def test_it_finds_an_owners_languages_a_probe_each(news, nino):
    for month, language in enumerate(["ru", "az-Latn", "az", "ru", "ru"], start=3):
        make_story(news, nino, at(2024, month), language=language)
    make_draft(section=news, authors=[nino], tags=["baku"], language="hy")
    dated = {"published_at__isnull": False}
    by_nino = Byline.objects.filter(author=nino, **dated)
    on_baku = TaggedArticle.objects.filter(tag__slug="baku", **dated)
    for rows in (by_nino, on_baku):
        with CaptureQueriesContext(connection) as captured:
            found = rows.languages()
        assert sorted(found) == ["az", "az-Latn", "ru"] and len(captured) == 1
    # The draft's row is undated: not among the owner's dated rows.
    assert by_nino.filter(language="hy").count() == 0
    assert Byline.objects.filter(author=make_author(), **dated).languages() == []


@pytest.mark.parametrize(
    ("listing", "table"),
    [("/tag/baku/", "articles_taggedarticle"), ("/author/nino/", "articles_byline")],
)
def test_it_lists_each_language_of_an_edition_and_no_other(
    client, settings, news, nino, listing, table
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    make_story(news, nino, at(2023, 3), headline="Bakı martda", language="az-Latn")
    make_story(news, nino, at(2024, 4), headline="Баку в апреле", language="ru")
    make_story(news, nino, at(2024, 5), headline="Bakı mayda", language="az")
    make_story(news, nino, at(2024, 6), headline="Baku in June")
    # A language that is no edition, kept from before, lives in the default.
    make_story(news, nino, at(2024, 7), headline="Baku im Juli", language="de")
    azerbaijani = client.get(f"/az{listing}")
    listed = page_text(azerbaijani)
    assert listed.index("Bakı mayda") < listed.index("Bakı martda")
    assert "Баку" not in listed and "Baku in" not in listed
    years = azerbaijani.content.decode()
    assert f'href="/az{listing}2023/"' in years and f'href="/az{listing}2024/"' in years
    feed = client.get(f"/az{listing}feed/").content.decode()
    assert "Bakı mayda" in feed and "Bakı martda" in feed and "Баку" not in feed
    english = page_text(client.get(listing))
    assert "Baku im Juli" in english and "Baku in June" in english
    assert "Bakı" not in english and "Баку" not in english
    assert "Baku in June" in page_text(client.get(f"{listing}2024/06/"))
    # An edition it has no story in: the languages asked, no row read.
    client.get(f"/ka{listing}")  # the site-wide caches warm
    for path in (f"/ka{listing}", f"/ka{listing}feed/"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        reads = [q["sql"] for q in captured.captured_queries if table in q["sql"]]
        assert len(reads) == 1 and reads[0].startswith("WITH RECURSIVE"), path
    assert Article.objects.published().count() == 5
