"""The public search at archive scale: a bounded number of matches ranked,
the same queries however many stories match, the cap said on the page; on
SQLite (every match, newest first) and PostgreSQL (articles.search.query)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Author, SearchDocument, Tag
from articles.planner import planner_settings
from articles.search import query as search_query
from tests.helpers import (
    make_article,
    make_author,
    make_draft,
    make_scheduled,
    page_text,
)

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"
# The two ways PostgreSQL looks for the newest matches: down the newest
# documents (a word it expects in many), or through the GIN index.
WAYS = pytest.mark.parametrize("common_share", [0.0, 2.0], ids=["walk", "gin"])


def analyse():
    if POSTGRESQL:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {SearchDocument._meta.db_table}")


def headlines(response):
    return [story.headline for story in response.context["stories"]]


def make_stories(count, headline, hours_ago=0, **fields):
    """`count` published stories called `headline` N, the first the newest."""
    start = timezone.now() - timedelta(hours=hours_ago)
    return [
        make_article(
            headline=f"{headline} {n}",
            published_at=start - timedelta(minutes=n + 1),
            **fields,
        )
        for n in range(count)
    ]


def queries_for(client, path):
    """The queries of a page rendered afresh."""
    for cache in caches.all():
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "path, headline, language",
    [
        ("/search/?q=harbour", "Harbour works", "en"),
        ("/ka/search/?q=ნავსადგური", "ნავსადგური", "ka"),
        ("/ru/search/?q=гавань", "Гавань", "ru"),
    ],
)
def test_it_asks_the_same_queries_however_many_stories_match(
    client, path, headline, language
):
    make_stories(3, headline, language=language)
    make_stories(3, "Unrelated", language=language)
    analyse()
    few = queries_for(client, path)
    make_stories(30, headline, hours_ago=5, language=language)
    make_stories(30, "Unrelated", hours_ago=5, language=language)
    analyse()
    assert queries_for(client, path) == few
    assert len(headlines(client.get(path))) == settings.NEWSROOM_PAGE_SIZE
    assert Article.objects.published().filter(language=language).count() == 66


@WAYS
def test_it_ranks_only_the_newest_matches_and_says_there_are_more(
    client, monkeypatch, common_share
):
    monkeypatch.setattr(search_query, "COMMON_SHARE", common_share)
    monkeypatch.setattr(search_query, "RANKED_MATCHES", 3)
    stories = make_stories(5, "Ferry timetable")
    analyse()
    response = client.get("/search/?q=ferry")
    text = page_text(response)
    if POSTGRESQL:
        assert headlines(response) == [story.headline for story in stories[:3]]
        assert "3 or more stories found" in text
        assert "Add a word or a filter to narrow them down." in text
    else:
        assert headlines(response) == [story.headline for story in stories]
        assert "5 stories found" in text
    assert SearchDocument.objects.filter(published_at__isnull=False).count() == 5


@WAYS
def test_it_pages_within_the_cap(client, monkeypatch, common_share):
    monkeypatch.setattr(search_query, "COMMON_SHARE", common_share)
    size = settings.NEWSROOM_PAGE_SIZE
    monkeypatch.setattr(search_query, "RANKED_MATCHES", size + 2)
    stories = make_stories(size * 2 + 1, "Bridge repairs")
    analyse()
    second = headlines(client.get("/search/?q=bridge&page=2"))
    shown = stories[size : size + 2] if POSTGRESQL else stories[size : size * 2]
    assert second == [story.headline for story in shown]
    # Past the cap there is no page to read: the newest are what is ranked.
    beyond = client.get("/search/?q=bridge&page=3")
    assert beyond.status_code == (404 if POSTGRESQL else 200)


def test_it_puts_the_best_match_first_among_the_newest(client):
    newest = make_article(
        headline="Weather", body="<p>Rain, and a word on the harbour.</p>"
    )
    best = make_article(
        headline="Harbour harbour harbour",
        published_at=newest.published_at - timedelta(days=3),
    )
    analyse()
    found = headlines(client.get("/search/?q=harbour"))
    # PostgreSQL ranks; elsewhere the newest come first.
    assert found == ([best.headline, newest.headline] if POSTGRESQL else
                     [newest.headline, best.headline])  # fmt: skip


@WAYS
def test_it_never_finds_drafts_or_scheduled_stories(client, monkeypatch, common_share):
    monkeypatch.setattr(search_query, "COMMON_SHARE", common_share)
    monkeypatch.setattr(search_query, "WALKED", 2)
    live = make_article(
        headline="Lighthouse keeper", published_at=timezone.now() - timedelta(days=9)
    )
    draft = make_draft(headline="Lighthouse draft")
    scheduled = make_scheduled(headline="Lighthouse scheduled")
    analyse()
    assert headlines(client.get("/search/?q=lighthouse")) == [live.headline]
    # Indexed all the same, the draft without a publication time.
    assert SearchDocument.objects.get(article=draft).published_at is None
    assert SearchDocument.objects.get(article=scheduled).published_at > timezone.now()


@WAYS
def test_it_counts_only_the_editions_stories_when_others_match_too(
    client, monkeypatch, common_share
):
    monkeypatch.setattr(search_query, "COMMON_SHARE", common_share)
    monkeypatch.setattr(search_query, "RANKED_MATCHES", 2)
    english = make_article(
        headline="Tbilisi talks", published_at=timezone.now() - timedelta(days=2)
    )
    make_stories(3, "Tbilisi ბაზარი", language="ka")
    analyse()
    response = client.get("/search/?q=tbilisi")
    assert headlines(response) == [english.headline]
    assert "1 story found" in page_text(response)
    in_georgian = headlines(client.get("/ka/search/?q=tbilisi"))
    assert len(in_georgian) == (2 if POSTGRESQL else 3)  # the cap, where ranked


def test_a_common_word_missing_from_the_newest_stories_is_still_found(
    client, monkeypatch
):
    monkeypatch.setattr(search_query, "COMMON_SHARE", 0.0)  # always walk first
    monkeypatch.setattr(search_query, "WALKED", 3)
    make_stories(5, "Budget vote")
    old = make_article(
        headline="Старая гавань",
        language="ru",
        published_at=timezone.now() - timedelta(days=400),
    )
    analyse()
    assert headlines(client.get("/ru/search/?q=ГАВАНЬ")) == [old.headline]
    assert headlines(client.get("/ru/search/?q=гавань")) == [old.headline]


@WAYS
def test_an_editions_older_match_is_found_past_other_editions_newer_ones(
    client, monkeypatch, common_share
):
    # The documents keep their story's language: the newest matches read are
    # the edition's own, however many newer stories of other editions match.
    monkeypatch.setattr(search_query, "COMMON_SHARE", common_share)
    monkeypatch.setattr(search_query, "MATCHES_READ", 2)
    monkeypatch.setattr(search_query, "WALKED", 2)
    older = make_article(
        headline="Tbilisi talks", published_at=timezone.now() - timedelta(days=2)
    )
    make_stories(3, "Tbilisi ბაზარი", language="ka")
    analyse()
    assert headlines(client.get("/search/?q=tbilisi")) == [older.headline]
    # Within an edition the read stays bounded: its newest matches are shown.
    in_georgian = headlines(client.get("/ka/search/?q=tbilisi"))
    assert in_georgian == (
        ["Tbilisi ბაზარი 0", "Tbilisi ბაზარი 1"]
        if POSTGRESQL
        else ["Tbilisi ბაზარი 0", "Tbilisi ბაზარი 1", "Tbilisi ბაზარი 2"]
    )
    asked = headlines(client.get("/search/?q=tbilisi&language=ka"))
    assert asked == in_georgian


def test_a_document_follows_its_storys_language():
    story = make_article(headline="Гавань", language="ru")
    assert SearchDocument.objects.get(article=story).language == "ru"
    story.language = "az-Latn"
    story.save()
    assert SearchDocument.objects.get(article=story).language == "az-Latn"


@pytest.mark.parametrize("model", [Author, Tag])
def test_a_typed_name_is_looked_up_by_index_however_many_names_there_are(model):
    """The author or topic a reader types is found through indexes on the name
    as written and in capitals (search.query.rows_named), not by reading every
    row: the archive may hold tens of thousands of them."""
    table = model._meta.db_table
    indexed = connection.introspection.get_constraints(connection.cursor(), table)
    by_name = [spec for spec in indexed.values() if spec["columns"] == ["name"]]
    assert any(spec["index"] or spec["unique"] for spec in by_name), indexed
    assert f"{model._meta.model_name}_name_upper_idx" in indexed
    if not POSTGRESQL:
        return  # SQLite compares case in ASCII letters only, and reads them all
    with CaptureQueriesContext(connection) as queries:
        assert search_query.rows_named(model.objects.all(), "Нино Бурджанадзе") == []
    [looked_up] = queries.captured_queries
    with (
        planner_settings(connection.alias, enable_seqscan="off"),
        connection.cursor() as cursor,
    ):
        cursor.execute("EXPLAIN " + looked_up["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan, plan


def test_a_word_rare_among_the_newest_stories_is_not_walked_for_long(
    client, monkeypatch
):
    """A word the statistics call common, but which the first stories walked
    seldom hold (common in other editions, say), is given up on after a page
    of them, and its matches found through the index all the same."""
    monkeypatch.setattr(search_query, "COMMON_SHARE", 0.0)  # always walked
    monkeypatch.setattr(search_query, "RANKED_MATCHES", 2)
    monkeypatch.setattr(search_query, "WALKED", 8)
    market = make_stories(2, "Market day")
    older = make_stories(6, "Ferry timetable", hours_ago=1)
    analyse()
    found = headlines(client.get("/search/?q=ferry"))
    assert found == [story.headline for story in older[: 2 if POSTGRESQL else 6]]
    if POSTGRESQL:
        stories = Article.objects.published()
        query = search_query.words_query("ferry")
        # The first two walked hold no match: the walk stops there, though
        # the next six match, and does not call what it found all there is.
        assert search_query._walked_matches(stories, query) == ([], False)
        # Where the first page walked holds enough of them, it goes on.
        some = stories.filter(pk__in=[market[0].pk, *(story.pk for story in older)])
        assert search_query._walked_matches(some, query) == (
            [older[0].pk, older[1].pk],
            True,
        )
        # Every story read, fewer than WALKED: what it found is all there is.
        few = stories.filter(pk__in=[market[0].pk, older[5].pk])
        assert search_query._walked_matches(few, query) == ([older[5].pk], True)


@WAYS
@pytest.mark.parametrize("narrowed", ["author", "tag"])
def test_one_author_or_topic_is_walked_in_the_editions_languages_alone(
    client, monkeypatch, common_share, narrowed
):
    """A search with one author or topic reads its link rows in the languages
    of the edition it has stories in, each a range of their index, newest
    first: az and az-Latn both in the Azerbaijani edition, never the rows of
    other editions, and nothing at all where it has no story."""
    monkeypatch.setattr(search_query, "COMMON_SHARE", common_share)
    walks = common_share == 0.0
    monkeypatch.setattr(search_query, "LINK_WALK_MATCHES", 0 if walks else 10**9)
    monkeypatch.setattr(search_query, "RANKED_MATCHES", 2)
    gia = make_author(name="Գիա Կանչելի", slug="gia")
    on = {"authors": [gia]} if narrowed == "author" else {"tags": ["Bakı"]}
    make_stories(2, "Bakı limanı", language="az-Latn", hours_ago=2, **on)
    newest = make_stories(1, "Bakı limanı yeni", language="az", **on)
    make_stories(3, "Порт Баку", language="ru", hours_ago=1, **on)
    make_stories(2, "Bakı limanı, başqası", language="az")
    analyse()
    asked = "author=gia" if narrowed == "author" else "tag=Bakı"
    found = headlines(client.get(f"/az/search/?q=limanı&{asked}"))
    if POSTGRESQL:  # the two most recent
        assert found == [newest[0].headline, "Bakı limanı 0"]
    else:
        assert found == [newest[0].headline, "Bakı limanı 0", "Bakı limanı 1"]
    assert (
        headlines(client.get(f"/ru/search/?q=порт&{asked}"))
        == [
            "Порт Баку 0",
            "Порт Баку 1",
            "Порт Баку 2",
        ][: 2 if POSTGRESQL else 3]
    )
    # No story in the Georgian edition: found empty, and, walked, no story read.
    with CaptureQueriesContext(connection) as queries:
        assert headlines(client.get(f"/ka/search/?q=limanı&{asked}")) == []
    if POSTGRESQL and walks:
        read = [q["sql"] for q in queries.captured_queries if "@@" in q["sql"]]
        assert all(sql.startswith("EXPLAIN") for sql in read), read


def test_an_editions_documents_are_named_by_the_languages_its_stories_are_in(
    django_assert_num_queries,
):
    # The search documents' index keys the language as it is written, in
    # upper case, so an edition is named by the languages its stories use.
    for language in ("en", "de", "ru", "az", "az-Latn"):
        make_article(headline=f"Harbour {language}", language=language)
    make_draft(headline="Harbour draft", language="ka")
    with django_assert_num_queries(1):  # the stories' languages, once each
        in_azerbaijani = search_query.documents_in("az")
    assert in_azerbaijani.children[0].rhs == ["AZ", "AZ-LATN"]
    assert search_query.documents_in("en").children[0].rhs == ["DE", "EN"]
    assert search_query.documents_in("ka").children[0].rhs == ["KA"]  # a draft's

    def languages_of(code):
        documents = SearchDocument.objects.filter(search_query.documents_in(code))
        return sorted(documents.values_list("language", flat=True))

    assert languages_of("az") == ["az", "az-Latn"]
    assert languages_of("en") == ["de", "en"]
    assert languages_of("ru") == ["ru"]
    # A language a reader asks for names its subtags, not an edition's others.
    written_in = search_query.documents_written_in
    assert written_in("az").children[0].rhs == ["AZ", "AZ-LATN"]
    assert written_in("AZ-latn").children[0].rhs == ["AZ-LATN"]
    assert written_in("de").children[0].rhs == ["DE"]
    assert written_in("hy").children[0].rhs == []


@pytest.mark.parametrize("where", ["/search/", "/api/articles/"])
def test_a_language_asked_for_is_searched_in_its_documents_alone(
    client, monkeypatch, where
):
    monkeypatch.setattr(search_query, "COMMON_SHARE", 2.0)  # through the index
    make_article(headline="Harbour reopens", language="az")
    make_article(headline="Harbour closed", language="az-Latn")
    make_article(headline="Harbour news", language="en")
    analyse()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(where, {"q": "harbour", "language": "az"})
    assert response.status_code == 200
    if where == "/search/":
        found = headlines(response)
    else:
        found = [story["headline"] for story in response.json()["results"]]
    assert sorted(found) == ["Harbour closed", "Harbour reopens"]
    if POSTGRESQL:  # the documents named by the languages their index keys
        assert any(
            """UPPER(U0."language") IN ('AZ', 'AZ-LATN')""" in query["sql"]
            for query in captured.captured_queries
        ), [query["sql"] for query in captured.captured_queries]


def test_an_edition_without_stories_is_searched_without_reading_a_document(client):
    make_article(headline="Harbour reopens")
    analyse()
    assert search_query.documents_in("ru").children[0].rhs == []
    assert headlines(client.get("/ru/search/?q=harbour")) == []


def test_the_words_index_reads_only_the_editions_documents():
    make_stories(3, "Tbilisi talks")
    make_stories(3, "Tbilisi ბაზარი", language="ka")
    analyse()
    words = search_query.words_query("tbilisi") if POSTGRESQL else None
    documents = SearchDocument.objects.filter(search_query.documents_in("ka"))
    if POSTGRESQL:  # the language a key of the GIN index beside the words
        documents = documents.filter(vector=words).order_by()
        with search_query._index_scans_only(connection.alias):
            with connection.cursor() as cursor:  # not the primary key's, so few
                cursor.execute("SET LOCAL enable_indexscan = off")
            plan = documents.values("article_id").explain()
        assert "search_document_words_gin" in plan, plan
        [condition] = [line for line in plan.splitlines() if "Index Cond" in line]
        assert "upper((language)::text)" in condition, plan
        assert "vector @@" in condition, plan
    assert sorted(documents.values_list("language", flat=True)) == ["ka"] * 3
