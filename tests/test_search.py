"""Search and the archive's filters, on SQLite and (with DATABASE_URL) PostgreSQL."""

import io
import re
import zoneinfo
from datetime import datetime, timedelta

import pytest
from django import forms
from django.core.management import call_command
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F, Q
from django.db.models.lookups import Lookup
from django.utils import timezone
from pytest_django.asserts import assertHTMLEqual

from articles import search
from articles.models import Article, Byline, SearchDocument, SectionTranslation, Tag
from articles.search import excerpt, marked
from articles.search import query as search_query
from articles.search.filters import ArticleFilter
from articles.search.index import text_config
from tests.helpers import (
    make_article,
    make_author,
    make_draft,
    make_embed,
    make_outlet,
    make_scheduled,
    make_section,
    page_text,
)

pytestmark = pytest.mark.django_db

JAM = "Baku rally in support of Ukraine"
OC = "Azerbaijanis take to the streets against Russian invasion"
POSTGRESQL = connection.vendor == "postgresql"


def analyse_search_documents():
    """Give PostgreSQL's planner its statistics, which choose the way a search
    takes (a running site's autovacuum keeps them)."""
    if POSTGRESQL:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {SearchDocument._meta.db_table}")


def spy_on_the_way_taken(monkeypatch):
    """Record (common, documents, walk) for each PostgreSQL search."""
    ways = []
    recent_matches = search_query._recent_matches

    def spy(queryset, query, documents, common, walk=None):
        ways.append((common, documents, walk))
        return recent_matches(queryset, query, documents, common, walk)

    monkeypatch.setattr(search_query, "_recent_matches", spy)
    return ways


def fields_named(condition):
    """The fields a Q's lookups name, however deeply combined."""
    named = set()
    for child in condition.children:
        if isinstance(child, Q):
            named |= fields_named(child)
        elif isinstance(child, Lookup):  # on an expression: UPPER(language)
            named |= {ref.name for ref in child.lhs.flatten() if isinstance(ref, F)}
        else:
            named.add(child[0].split("__")[0])
    return named


def document_row_versions():
    """Where each search document's current row version lies (PostgreSQL's
    ctid); elsewhere, only which documents exist."""
    table = SearchDocument._meta.db_table
    column = "ctid::text" if POSTGRESQL else "NULL"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT article_id, {column} FROM {table}")  # noqa: S608
        return dict(cursor.fetchall())


def headlines(response):
    return [story.headline for story in response.context["stories"]]


@pytest.mark.parametrize(
    "word",
    ["Бакинці", "БАКИНЦІ", "бакинці", "Bakılılar"]
    # Typed on a keyboard without the Azerbaijani letters.
    + ["Bakililar", "BAKILILAR", "Azerbaycan", "yuzlerle"],
)
def test_it_finds_the_demo_story_by_its_ukrainian_and_azerbaijani_words(
    client, demo, word
):
    response = client.get("/search/", {"q": word})
    assert response.status_code == 200
    assert headlines(response) == [JAM]
    assert "<mark>" in response.content.decode()


def test_it_folds_latin_accents_but_keeps_other_alphabets_letters():
    assert search.fold("İstanbul Bakılılar Azərbaycan Café") == (
        "istanbul bakililar azerbaycan cafe"
    )
    assert search.fold("Україна йде") == "україна йде"
    assert search.fold("ﬁre") == "fire"


def test_it_finds_both_demo_stories_by_a_shared_word_and_a_tag(client, demo):
    assert sorted(headlines(client.get("/search/?q=embassy"))) == sorted([JAM, OC])
    assert sorted(headlines(client.get("/search/?q=humanitarian"))) == sorted([JAM, OC])
    assert headlines(client.get("/search/?q=Mammadli")) == [JAM]


def test_it_requires_every_word(client):
    make_article(headline="Rally in Baku", body="<p>Crowds gathered.</p>")
    make_article(headline="Rally in Tbilisi", body="<p>Crowds gathered.</p>")
    assert headlines(client.get("/search/?q=rally baku")) == ["Rally in Baku"]
    assert headlines(client.get("/search/?q=rally yerevan")) == []


def test_it_ignores_case_in_every_alphabet(client):
    make_article(headline="Протест у Тбілісі", body="<p>ÇOX sağ olun</p>")
    for query in ["тбілісі", "ТБІЛІСІ", "çox", "SAĞ"]:
        assert headlines(client.get("/search/", {"q": query})) == [
            "Протест у Тбілісі"
        ], query


def test_it_finds_words_in_tags_standfirst_and_embeds(client):
    embed = make_embed(text='<p lang="ka">თბილისი მიტინგი</p>')
    make_article(
        headline="Tagged story",
        standfirst="A standfirst about Gyumri.",
        body=f"<p>Body.</p><p>[embed:{embed.slug}]</p>",
        tags=["Nagorno-Karabakh"],
    )
    for query in ["Gyumri", "Nagorno-Karabakh", "თბილისი"]:
        assert headlines(client.get("/search/", {"q": query})) == ["Tagged story"]


def test_it_keeps_the_index_in_step_with_edits_tags_and_embeds(client):
    embed = make_embed(text="<p>first wording</p>")
    story = make_article(
        headline="Before", body=f"<p>[embed:{embed.slug}]</p>", tags=["old"]
    )
    story.headline = "Renamed headline"
    story.save()
    story.tags.set(["fresh"])
    embed.text = "<p>second wording</p>"
    embed.save()
    tag = Tag.objects.get(name="fresh")
    tag.name = "Renamed topic"
    tag.save()
    for found in ["renamed headline", "renamed topic", "second wording"]:
        assert headlines(client.get("/search/", {"q": found})) == [story.headline]
    for gone in ["before", "first", "old"]:
        assert headlines(client.get("/search/", {"q": gone})) == [], gone


def test_the_rebuild_command_recreates_every_document(client):
    story = make_article(headline="Lost then found")
    SearchDocument.objects.all().delete()
    assert headlines(client.get("/search/?q=found")) == []
    out = io.StringIO()
    call_command("update_search_index", stdout=out)
    assert "1 stories indexed" in out.getvalue()
    assert SearchDocument.objects.filter(article=story).exists()
    assert headlines(client.get("/search/?q=found")) == ["Lost then found"]


def test_rebuilding_rewrites_only_the_documents_out_of_date(client):
    unchanged = make_article(headline="Unchanged since")
    changed = make_article(headline="Changed since")
    # Edited without a signal, as a bulk import or a raw fix would.
    Article.objects.filter(pk=changed.pk).update(headline="Edited behind the index")
    before = document_row_versions()
    call_command("update_search_index", stdout=io.StringIO())
    after = document_row_versions()
    assert headlines(client.get("/search/?q=edited")) == ["Edited behind the index"]
    assert headlines(client.get("/search/?q=unchanged")) == ["Unchanged since"]
    if POSTGRESQL:  # a rewritten row moves; one left alone stays where it was
        assert after[unchanged.pk] == before[unchanged.pk]
        assert after[changed.pk] != before[changed.pk]


def test_it_never_finds_drafts_stories_in_review_or_scheduled_stories(client):
    make_article(headline="Visible secret-word story")
    make_draft(headline="Draft secret-word story")
    make_article(headline="Review secret-word story", status="review")
    make_scheduled(headline="Scheduled secret-word story")
    assert headlines(client.get("/search/?q=secret-word")) == [
        "Visible secret-word story"
    ]
    assert SearchDocument.objects.count() == 4  # indexed, yet never shown


def test_it_ranks_headline_matches_first_on_postgresql_and_newest_first_elsewhere(
    client,
):
    in_body = make_article(
        headline="Council meeting", body="<p>The budget was discussed.</p>"
    )
    in_headline = make_article(
        headline="Budget approved",
        body="<p>Councillors voted.</p>",
        published_at=in_body.published_at - timedelta(days=3),
    )
    found = headlines(client.get("/search/?q=budget"))
    if POSTGRESQL:
        assert found == [in_headline.headline, in_body.headline]
    else:
        assert found == [in_body.headline, in_headline.headline]


def test_it_stems_english_words_on_postgresql_only(client):
    make_article(headline="Rally outside parliament")
    found = headlines(client.get("/search/?q=rallies"))
    assert found == (["Rally outside parliament"] if POSTGRESQL else [])


def test_each_edition_searches_in_its_languages_way(client):
    make_article(
        headline="Митинги у посольства",
        language="ru",
        body="<p>Жители Баку вышли на улицы.</p>",
    )
    make_article(
        headline="აქციები საელჩოსთან",
        language="ka",
        body="<p>ბაქოს მოსახლეობა ქუჩაში გამოვიდა.</p>",
    )
    make_article(headline="Bakılılar küçəyə çıxdı", language="az")
    # Words as they are written, a part of one, any case: on both databases.
    assert headlines(client.get("/ru/search/?q=МИТИНГИ")) == ["Митинги у посольства"]
    assert headlines(client.get("/ru/search/?q=жители")) == ["Митинги у посольства"]
    assert headlines(client.get("/ka/search/?q=აქციები")) == ["აქციები საელჩოსთან"]
    assert headlines(client.get("/az/search/?q=bakililar")) == [
        "Bakılılar küçəyə çıxdı"
    ]
    # Another form of a Russian word: PostgreSQL's Russian stemming finds it.
    found = headlines(client.get("/ru/search/?q=митинг"))
    assert found == ["Митинги у посольства"]
    found = headlines(client.get("/ru/search/?q=посольство"))
    assert found == (["Митинги у посольства"] if POSTGRESQL else [])


def test_each_story_is_indexed_in_its_languages_configuration():
    assert text_config("ru") == "russian"
    assert text_config("en") == "english"
    assert text_config("tr") == "turkish"
    assert text_config("az-Latn") == "simple"
    assert text_config("ka") == "simple"


def test_on_postgresql_it_ranks_only_the_most_recent_matches(client, monkeypatch):
    monkeypatch.setattr(search_query, "RANKED_MATCHES", 2)
    oldest = make_article(headline="Tbilisi tbilisi tbilisi")
    for hours in (2, 1):
        make_article(
            headline="Quiet day",
            body="<p>In Tbilisi.</p>",
            published_at=oldest.published_at + timedelta(hours=hours),
        )
    response = client.get("/search/?q=tbilisi")
    if POSTGRESQL:
        assert headlines(response) == ["Quiet day", "Quiet day"]
        assert "2 or more stories found" in page_text(response)
    else:
        assert headlines(response) == ["Quiet day", "Quiet day", oldest.headline]
        assert "3 stories found" in page_text(response)


def test_the_other_filters_apply_before_the_words_are_ranked(client, monkeypatch):
    monkeypatch.setattr(search_query, "RANKED_MATCHES", 1)
    culture = make_section(slug="culture")
    older = make_article(headline="Older match", section=culture)
    make_article(
        headline="Newer match", published_at=older.published_at + timedelta(hours=1)
    )
    assert headlines(client.get("/search/?q=match&section=culture")) == ["Older match"]


# On PostgreSQL a search takes one of three ways to the most recent matches
# (articles.search.query._recent_matches); each must find the same stories.
@pytest.mark.parametrize("common_share", [0.0, 2.0], ids=["walk", "gin"])
@pytest.mark.parametrize(
    "query, lookups",
    [
        # The edition shown is a condition on the documents' language.
        ("?q=harbour", {"language"}),
        (
            "?q=harbour&section=coast&published_after=2020-01-01",
            {"language", "section", "published_at"},
        ),
        # Only the stories know their tags and authors.
        ("?q=harbour&tag=ports", None),
        ("?q=harbour&author=nino", None),
        ("?q=harbour&tag=ports&author=nino", None),
        ("?q=harbour&section=coast&tag=ports", None),
    ],
    ids=[
        "everything",
        "documents-narrowed",
        "topic",
        "author",
        "topic-and-author",
        "both",
    ],
)
def test_every_way_of_searching_finds_the_same_stories(
    client, monkeypatch, common_share, query, lookups
):
    monkeypatch.setattr(search_query, "COMMON_SHARE", common_share)
    walks = common_share == 0.0
    monkeypatch.setattr(search_query, "LINK_WALK_MATCHES", 0 if walks else 10**9)
    ways = spy_on_the_way_taken(monkeypatch)
    coast = make_section(slug="coast")
    newest = make_article(headline="Harbour reopens", section=coast)
    older = make_article(
        headline="Harbour closed",
        section=coast,
        published_at=newest.published_at - timedelta(days=2),
    )
    elsewhere = make_article(
        headline="Inland, far from any harbour",
        published_at=newest.published_at - timedelta(days=1),
    )
    nino = make_author(slug="nino")
    for story in (newest, older, elsewhere):
        story.tags.add("Ports")  # reindexes the story
        Byline.objects.create(article=story, author=nino)
    by_another = make_article(
        headline="Harbour, by another",
        section=coast,
        tags=["Ports"],
        published_at=older.published_at - timedelta(days=1),
    )
    make_draft(headline="Harbour draft", section=coast, tags=["Ports"], authors=[nino])
    make_scheduled(
        headline="Harbour scheduled", section=coast, tags=["Ports"], authors=[nino]
    )
    analyse_search_documents()
    expected = [newest.headline, older.headline]
    if "section" not in query:
        expected.insert(1, elsewhere.headline)
    if "author" not in query:
        expected.append(by_another.headline)
    assert headlines(client.get(f"/search/{query}")) == expected
    if POSTGRESQL:
        [(common, documents, walk)] = ways
        assert common == (common_share == 0.0)
        # The documents narrowed by their own fields, one a filter, or not.
        assert (None if documents is None else fields_named(documents)) == lookups
        # One author or topic: its link rows walked, the author's first.
        linked = "articles_byline" if "author" in query else "articles_taggedarticle"
        if lookups is None and walks:
            # Read down the rows of its languages, by their copy of the time
            # (the join has an alias of its own where the filter joins them).
            sql = str(walk.query)
            joined = re.search(rf'JOIN "{linked}" (\w+) ON \([^)]*\w+_id" AND', sql)
            alias = joined[1]
            assert f'{alias}."language" IN (' in sql, sql
            assert f'ORDER BY {alias}."published_at" DESC' in sql, sql
        else:
            assert walk is None
    if POSTGRESQL:  # only PostgreSQL limits the matches it ranks
        monkeypatch.setattr(search_query, "RANKED_MATCHES", 1)
        assert headlines(client.get(f"/search/{query}")) == [newest.headline]


def test_a_search_document_keeps_the_publication_time_of_published_stories_only():
    story = make_draft(headline="Held back")
    assert SearchDocument.objects.get(article=story).published_at is None
    story.status = Article.Status.PUBLISHED
    story.published_at = timezone.now()
    story.save()
    assert SearchDocument.objects.get(article=story).published_at == story.published_at
    story.status = Article.Status.DRAFT
    story.save()
    assert SearchDocument.objects.get(article=story).published_at is None


def test_a_search_document_follows_its_storys_section(client):
    coast, inland = make_section(slug="coast"), make_section(slug="inland")
    story = make_article(headline="Ferry timetable", section=coast)
    assert SearchDocument.objects.get(article=story).section == coast
    story.section = inland
    story.save()
    assert SearchDocument.objects.get(article=story).section == inland
    analyse_search_documents()
    assert headlines(client.get("/search/?q=ferry&section=inland")) == [story.headline]
    assert headlines(client.get("/search/?q=ferry&section=coast")) == []


@pytest.mark.parametrize("common_share", [0.0, 2.0], ids=["walk", "gin"])
def test_a_story_unpublished_behind_the_indexs_back_is_not_found(
    client, monkeypatch, common_share
):
    monkeypatch.setattr(search_query, "COMMON_SHARE", common_share)
    story = make_article(headline="Withdrawn lighthouse story")
    analyse_search_documents()
    # A bulk update sends no signal: the document still says "published".
    Article.objects.filter(pk=story.pk).update(status=Article.Status.DRAFT)
    assert SearchDocument.objects.get(article=story).published_at is not None
    assert headlines(client.get("/search/?q=lighthouse")) == []


def test_ranked_results_count_without_a_query_and_read_only_their_page(
    django_assert_num_queries,
):
    stories = [make_article(headline=f"Story {n}") for n in range(5)]
    order = [stories[n].pk for n in (3, 0, 4, 1)]
    ranked = search.RankedStories(Article.objects.published(), order)
    with django_assert_num_queries(0):
        assert ranked.count() == len(ranked) == 4
    with django_assert_num_queries(1):
        assert [story.pk for story in ranked[1:3]] == order[1:3]
    assert ranked[-1].pk == order[-1]
    assert [s.pk for s in Paginator(ranked, 3).page(2).object_list] == order[3:]
    # Unpublished between the ranking and the page: left out, not an error.
    Article.objects.filter(pk=order[0]).update(status=Article.Status.DRAFT)
    assert [story.pk for story in ranked] == order[1:]


def test_it_highlights_the_readers_words_in_an_escaped_snippet(client):
    make_article(
        headline="Snippet story",
        standfirst="Prices rose & fell <script>alert(1)</script>",
        body="<p>The market in Gori reopened on Monday.</p>",
    )
    page = client.get("/search/?q=Gori").content.decode()
    snippet = page[page.index('class="result__snippet"') :]
    snippet = snippet[: snippet.index("</p>")]
    assert "<mark>Gori</mark>" in snippet
    assert "rose &amp; fell" in snippet
    assert "<script>alert(1)" not in page


def test_excerpts_mark_words_and_escape_everything_else():
    text = " ".join(f"w{n}" for n in range(100)) + " Target <b> end"
    raw = excerpt(text, ["target"], length=10)
    assert raw.startswith("… ")
    assert str(marked(raw)).endswith("<mark>Target</mark> &lt;b&gt; end")
    # Words are compared folded; the mark leaves out the punctuation around.
    raw = excerpt("Yüzlərlə «Bakılılar», bakı", search.query_words("BAKILILAR"))
    assert str(marked(raw)) == "Yüzlərlə «<mark>Bakılılar</mark>», bakı"


def test_without_words_it_lists_the_archive_newest_first(client):
    older = make_article(headline="Older")
    newer = make_article(
        headline="Newer", published_at=older.published_at + timedelta(hours=1)
    )
    assert headlines(client.get("/search/?q=")) == [newer.headline, older.headline]
    assert headlines(client.get("/search/?q=%22%22 ,")) == [
        newer.headline,
        older.headline,
    ]


def test_it_filters_by_section_tag_author_outlet_and_language(client):
    section = make_section(slug="culture")
    author = make_author(slug="nino")
    partner = make_outlet(slug="jamnews")
    wanted = make_article(
        headline="Wanted",
        section=section,
        authors=[author],
        outlet=partner,
        language="az-Latn",
        tags=["Theatre"],
    )
    make_article(headline="Other")
    for query in [
        "section=culture",
        "tag=theatre",
        "author=nino",
        "outlet=jamnews",
        "language=az-Latn",
        "q=wanted&section=culture&tag=theatre&author=nino&outlet=jamnews",
    ]:
        # The story lives in the Azerbaijani edition.
        response = client.get(f"/az/search/?{query}")
        assert response.status_code == 200, query
        assert headlines(response) == [wanted.headline], query


def test_it_filters_by_publication_dates(client):
    now = timezone.now()
    make_article(headline="Last year", published_at=now - timedelta(days=365))
    make_article(headline="Last week", published_at=now - timedelta(days=7))
    make_article(headline="Today", published_at=now - timedelta(minutes=5))
    week_ago = (now - timedelta(days=8)).date().isoformat()
    two_days_ago = (now - timedelta(days=2)).date().isoformat()
    assert headlines(client.get(f"/search/?published_after={week_ago}")) == [
        "Today",
        "Last week",
    ]
    assert headlines(client.get(f"/search/?published_before={two_days_ago}")) == [
        "Last week",
        "Last year",
    ]
    both = f"/search/?published_after={week_ago}&published_before={two_days_ago}"
    assert headlines(client.get(both)) == ["Last week"]


@pytest.mark.parametrize("common_share", [0.0, 2.0], ids=["walk", "gin"])
@pytest.mark.parametrize("words", ["", "q=rally&"], ids=["archive", "search"])
def test_publication_dates_are_days_in_the_sites_time_zone(
    client, settings, monkeypatch, common_share, words
):
    settings.TIME_ZONE = "Asia/Tbilisi"  # UTC+4
    monkeypatch.setattr(search_query, "COMMON_SHARE", common_share)
    tbilisi = zoneinfo.ZoneInfo("Asia/Tbilisi")
    # Both on 1 May in UTC, one on each side of midnight in Tbilisi.
    make_article(
        headline="Late rally on the 1st",
        published_at=datetime(2024, 5, 1, 23, 30, tzinfo=tbilisi),
    )
    make_article(
        headline="Early rally on the 2nd",
        published_at=datetime(2024, 5, 2, 0, 30, tzinfo=tbilisi),
    )
    analyse_search_documents()

    def found(dates):
        return headlines(client.get(f"/search/?{words}{dates}"))

    assert found("published_before=2024-05-01") == ["Late rally on the 1st"]
    assert found("published_after=2024-05-02") == ["Early rally on the 2nd"]
    one_day = "published_after=2024-05-01&published_before=2024-05-01"
    assert found(one_day) == ["Late rally on the 1st"]
    # The first and last days a date can name bound nothing.
    both = ["Early rally on the 2nd", "Late rally on the 1st"]
    assert found("published_after=0001-01-01&published_before=9999-12-31") == both
    assert found("published_after=9999-12-31") == []
    assert found("published_before=0001-01-01") == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("published_after=2022-13-45", "Enter a valid date."),
        ("published_before=yesterday", "Enter a valid date."),
        (
            "published_after=2024-05-02&published_before=2024-05-01",
            "Choose a date on or after the “From” date.",
        ),
        ("section=no-such-section", "Select a valid choice."),
        ("outlet=nowhere", "Select a valid choice."),
        ("language=English!", "Enter a language tag such as en, uk, az or az-Latn."),
        ("q=" + "a" * 5000, "Ensure this value has at most 200 characters"),
        ("q=%00", "Null characters are not allowed."),
    ],
)
def test_it_explains_bad_filters_with_a_400(client, query, message):
    make_article(headline="Any story")
    response = client.get(f"/search/?{query}")
    assert response.status_code == 400
    assert message in page_text(response)
    assert "Any story" not in page_text(response)


def test_its_drop_down_lists_render_as_djangos_own_with_the_choice_kept(client):
    make_outlet(name="Nino <Gogua> & Co", slug="nino")
    make_outlet(name="Aziz", slug="aziz")
    form = ArticleFilter({"outlet": "nino"}, queryset=Article.objects.all()).form
    assert form.is_valid()
    ours = form["outlet"].as_widget()
    choices = [("", "Any outlet"), ("aziz", "Aziz"), ("nino", "Nino <Gogua> & Co")]
    django = form["outlet"].as_widget(forms.Select(choices=choices))
    assertHTMLEqual(ours, django)
    assert '<option value="nino" selected>Nino &lt;Gogua&gt; &amp; Co</option>' in ours
    response = client.get("/search/?outlet=nino")
    assert '<option value="nino" selected>' in response.content.decode()
    assert '<select name="section" id="id_section">' in response.content.decode()


def test_it_lists_sections_and_languages_by_the_names_pages_show(client):
    news = make_section(name="News", slug="news")
    SectionTranslation.objects.create(section=news, language="ru", name="Новости")
    english = client.get("/search/?section=news").content.decode()
    assert '<option value="">Any section</option>' in english
    assert '<option value="news" selected>News</option>' in english
    # The edition's own language is no choice: the page lists its stories.
    assert '<select name="language" id="id_language">' in english
    assert '<option value="" lang="en" selected>English</option>' in english
    assert '<option value="ru" lang="ru">Русский</option>' in english
    assert '<option value="ka" lang="ka">ქართული</option>' in english
    russian = client.get("/ru/search/?section=Новости&language=English")
    content = russian.content.decode()
    assert '<option value="news" selected>Новости</option>' in content
    assert '<option value="" lang="ru">Русский</option>' in content
    assert '<option value="en" lang="en" selected>English</option>' in content


def test_topic_and_author_boxes_suggest_the_names_most_used_lately(client, monkeypatch):
    monkeypatch.setattr(search_query, "SUGGESTIONS", 2)
    nino, aziz = make_author(name="Nino Gogua"), make_author(name="Aziz <Isa>")
    rare = make_author(name="Rarely Seen")
    make_article(authors=[nino, aziz], tags=["Ukraine", "Baku & Co"])
    make_article(authors=[aziz], tags=["Ukraine", "Baku & Co"])
    make_article(authors=[rare], tags=["Ukraine", "Rare topic"])
    make_draft(authors=[make_author(name="Draft writer")], tags=["Draft topic"])
    make_article(language="ru", tags=["Украина"], authors=[make_author(name="Иван")])
    content = client.get("/search/").content.decode()
    assert 'list="id_tag-suggestions"' in content
    assert (
        '<datalist id="id_tag-suggestions"><option value="Ukraine">'
        '<option value="Baku &amp; Co"></datalist>'
    ) in content
    assert (
        '<datalist id="id_author-suggestions"><option value="Aziz &lt;Isa&gt;">'
        '<option value="Nino Gogua"></datalist>'
    ) in content
    for never in ["Rare topic", "Rarely Seen", "Draft", "Украина", "Иван"]:
        assert never not in content
    assert "Украина" in client.get("/ru/search/").content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "tag=ukraine",
        "tag=Ukraine",
        "tag=UKRAINE",
        "tag=Украина",
        "tag=украина",
        "tag=УКРАИНА",
        "author=nino",
        "author=Nino Gogua",
        "author=nino gogua",
        "author=Ніно Гогуа",
        "author=ніно гогуа",
        "section=culture",
        "section=Culture",
        "section=CULTURE",
    ],
)
def test_it_takes_names_where_it_takes_slugs_in_any_case_and_script(client, query):
    culture = make_section(name="Culture", slug="culture")
    nino = make_author(name="Nino Gogua", slug="nino")
    namesake = make_author(name="Ніно Гогуа")  # its Latin slug: nino-gogua
    Tag.objects.create(name="Украина")  # its Latin slug: ukraina
    wanted = make_article(
        headline="Wanted",
        section=culture,
        authors=[nino, namesake],
        tags=["Ukraine", "Украина"],
    )
    make_article(headline="Other", tags=["Other"])
    name, value = query.split("=")
    response = client.get("/search/", {name: value})
    assert response.status_code == 200
    assert headlines(response) == [wanted.headline]


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("/search/", "az"),
        ("/search/", "AZ"),
        ("/search/", "Azerbaijani"),
        ("/search/", "azerbaijani"),
        ("/search/", "Azərbaycanca"),
        ("/search/", "AZƏRBAYCANCA"),
        ("/ru/search/", "азербайджанский"),  # its name in the edition's language
    ],
)
def test_it_takes_a_language_by_its_code_or_its_name(client, path, language):
    make_article(headline="In English")
    make_article(headline="In Azerbaijani", language="az")
    make_article(headline="In Azerbaijani Latin", language="az-Latn")
    found = headlines(client.get(path, {"language": language}))
    assert sorted(found) == ["In Azerbaijani", "In Azerbaijani Latin"]


def test_a_slug_wins_over_a_name_and_namesakes_count_as_one_author(client):
    kyiv = Tag.objects.create(name="Kyiv", slug="kiev")
    Tag.objects.create(name="Kiev", slug="kiev-2")
    make_article(headline="Slugged", tags=[kyiv])
    make_article(headline="Named", tags=["Kiev"])
    assert headlines(client.get("/search/?tag=kiev")) == ["Slugged"]
    assert headlines(client.get("/search/?tag=KIEV")) == ["Named"]
    first, second = make_author(name="Anna Ivanova"), make_author(name="Anna Ivanova")
    make_article(headline="By both", authors=[first, second])
    make_article(headline="By one", authors=[second])
    found = headlines(client.get("/search/?author=anna ivanova"))
    assert sorted(found) == ["By both", "By one"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("tag=Ukrain", "No topic is called “Ukrain”; check the spelling."),
        ("tag=%D0%A3%D0%BA", "No topic is called “Ук”; check the spelling."),
        ("author=Nobody", "No author is called “Nobody”; check the spelling."),
    ],
)
def test_a_topic_or_author_that_names_nothing_finds_nothing_and_says_so(
    client, query, message
):
    make_article(headline="Any story", tags=["Ukraine"])
    response = client.get(f"/search/?q=story&{query}")
    assert response.status_code == 200
    assert message in page_text(response)
    assert headlines(response) == []
    assert "0 stories found." in page_text(response)


@pytest.mark.parametrize(
    ("query", "shown", "message"),
    [
        ("published_after=2022-13-45", None, "Enter a valid date."),
        ("published_after=soon&published_before=2024-05-01", None, "valid date"),
        (
            "published_after=2024-05-02&published_before=2024-05-01",
            "2024-05-02",
            "Choose a date on or after the “From” date.",
        ),
    ],
)
def test_a_day_that_is_no_date_leaves_the_date_box_empty(client, query, shown, message):
    response = client.get(f"/search/?{query}")
    assert response.status_code == 400
    assert message in page_text(response)
    content = response.content.decode()
    box = re.search(r'<input type="date" name="published_after"[^>]*>', content)[0]
    if shown:
        assert f'value="{shown}"' in box
    else:
        assert "value=" not in box
    if "published_before" in query:  # a valid day stays in its box
        assert 'name="published_before" value="2024-05-01"' in content
