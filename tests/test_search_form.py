"""The search form at archive scale: what it offers costs the same however many
authors, topics and outlets the archive holds; /search/suggest/ finds the
rest as the reader types. On SQLite and (with DATABASE_URL) PostgreSQL."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Author, Outlet, Section, Tag
from articles.paging import NUMBERED_PAGES
from articles.search import query as search_query
from articles.search.suggestions import LISTED_OUTLETS, MATCHES, names_starting
from tests.helpers import (
    make_article,
    make_author,
    make_draft,
    make_outlet,
    make_scheduled,
    page_text,
)

pytestmark = pytest.mark.django_db

SUGGEST = "/search/suggest/"


def build_archive(names):
    """`names` authors and topics (fixed-width names), two of each on every one
    of 60 stories; the same section and outlets however often it is called."""
    authors = [make_author(name=f"Author {n:04}") for n in range(names)]
    tags = [Tag.objects.create(name=f"Topic {n:04}") for n in range(names)]
    section, _ = Section.objects.get_or_create(name="News", slug="news")
    partner, _ = Outlet.objects.get_or_create(name="Partner", slug="partner")
    for n in range(60):
        make_article(
            headline=f"Rally number {n}",
            section=section,
            authors=[authors[n % names], authors[(n + 1) % names]],
            tags=[tags[n % names], tags[(n + 1) % names]],
            outlet=partner,
        )


def measure(client, url):
    client.get(url)  # the site-wide caches (navigation, prompts) warm
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(response.content), len(captured.captured_queries), response


def options(content, listed):
    """The values a <datalist> (or <select>) with id or name `listed` offers."""
    found = re.search(
        rf'<(datalist id|select name)="{listed}".*?</(datalist|select)>', content
    )
    return re.findall(r'<option value="([^"]*)"', found[0]) if found else None


@pytest.mark.parametrize("url", ["/search/", "/search/?q=nomatchanywhere"])
def test_it_keeps_the_page_as_small_and_its_queries_as_few_with_300_names(
    client, settings, monkeypatch, url
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr(search_query, "SUGGESTIONS", 8)  # reached by both archives
    build_archive(10)
    few_bytes, few_queries, _ = measure(client, url)
    Article.objects.all().delete()
    Author.objects.all().delete()
    Tag.objects.all().delete()
    build_archive(300)
    assert Author.objects.count() == 300 and Tag.objects.count() == 300
    many_bytes, many_queries, response = measure(client, url)
    assert many_queries == few_queries
    assert abs(many_bytes - few_bytes) < 100  # the same markup, other names
    content = response.content.decode()
    assert len(options(content, "id_author-suggestions")) == 8
    assert len(options(content, "id_tag-suggestions")) == 8
    assert "Author 0299" not in content  # never a list of every author


def test_it_lists_few_outlets_in_a_drop_down_and_many_in_a_box(client):
    partner = make_outlet(name="Partner", slug="partner")
    make_article(headline="Partner story", outlet=partner)
    make_article(headline="House story")
    content = client.get("/search/").content.decode()
    assert options(content, "outlet") == [
        "",
        *Outlet.objects.values_list("slug", flat=True),
    ]
    for n in range(LISTED_OUTLETS):
        make_outlet(name=f"Quiet partner {n}")
    assert Outlet.objects.count() > LISTED_OUTLETS
    content = client.get("/search/").content.decode()
    assert options(content, "outlet") is None
    assert 'name="outlet"' in content and 'list="id_outlet-suggestions"' in content
    offered = options(content, "id_outlet-suggestions")
    assert sorted(offered) == sorted(
        {"Partner", Article.objects.get(headline="House story").outlet.name}
    )
    for value in ["partner", "Partner", "PARTNER"]:
        response = client.get("/search/", {"outlet": value})
        assert response.status_code == 200
        assert [s.headline for s in response.context["stories"]] == ["Partner story"]


def test_it_offers_no_outlet_of_drafts_alone(client):
    for n in range(LISTED_OUTLETS):
        make_outlet(name=f"Quiet partner {n}")
    make_draft(outlet=make_outlet(name="Secret partner", slug=""))
    make_scheduled(outlet=make_outlet(name="Embargoed partner"))
    make_article(outlet=make_outlet(name="Live partner"))
    content = client.get("/search/").content.decode()
    assert options(content, "id_outlet-suggestions") == ["Live partner"]
    assert Outlet.objects.filter(name="Secret partner").exists()


@pytest.mark.parametrize(
    ("query", "field", "status", "message"),
    [
        ("author=Nobody", "author", 200, "No author is called “Nobody”"),
        ("tag=Nothing", "tag", 200, "No topic is called “Nothing”"),
        ("outlet=nowhere", "outlet", 400, "Select a valid choice."),
        ("section=nowhere", "section", 400, "Select a valid choice."),
    ],
)
def test_it_ties_a_name_that_finds_nothing_to_its_box(
    client, query, field, status, message
):
    story = make_article(headline="Any story", tags=["Ukraine"])
    response = client.get(f"/search/?q=story&{query}")
    assert response.status_code == status
    content = response.content.decode()
    box = re.search(rf'<(input|select)[^>]* name="{field}"[^>]*>', content)[0]
    assert 'aria-invalid="true"' in box
    assert f'aria-describedby="id_{field}_error"' in box
    described = re.search(
        rf'<span class="filters__error" id="id_{field}_error">([^<]*)', content
    )
    assert message in described[1]
    assert f'<a href="#id_{field}">' in content  # the summary leads to the box
    assert "Any story" not in page_text(response)
    assert Article.objects.published().filter(pk=story.pk).exists()


def test_a_name_renamed_ages_the_cached_search_page(client):
    author = make_author(name="Leyla Mammadova")
    partner = make_outlet(name="Partner")
    make_article(authors=[author], outlet=partner, tags=["Elections"])
    client.get("/search/")
    assert client.get("/search/")["X-Page-Cache"] == "hit"
    for row, name in [
        (author, "Leyla Məmmədova"),
        (partner, "Partner Media"),
        (Tag.objects.get(name="Elections"), "Выборы"),
    ]:
        row.name = name
        row.save()
        response = client.get("/search/")
        assert response["X-Page-Cache"] == "miss", name
        assert name in response.content.decode()
        assert type(row).objects.get(pk=row.pk).name == name


# /search/suggest/


def suggested(client, kind, text, path=SUGGEST):
    response = client.get(path, {"kind": kind, "q": text})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [row["name"] for row in json.loads(response.content)["suggestions"]]


@pytest.mark.parametrize("typed", ["ni", "Ni", "NINO", "Ні", "ніно г"])
def test_it_suggests_authors_whose_names_start_so_in_any_script(client, typed):
    nino = make_author(name="Nino Gogua", slug="nino-gogua")
    namesake = make_author(name="Ніно Гогуа", slug="")  # made from the name
    make_article(authors=[nino, namesake])
    make_article(authors=[make_author(name="Aziz Nino")])  # not at the start
    assert suggested(client, "author", typed) == ["Nino Gogua", "Ніно Гогуа"]
    assert Author.objects.get(pk=namesake.pk).slug.startswith("nino-gogua")


def test_it_suggests_at_most_ten_in_one_query(client):
    for n in range(MATCHES + 5):
        make_article(tags=[f"Ukraine {n:02}"])
    found = suggested(client, "tag", "ukr")
    assert found == [f"Ukraine {n:02}" for n in range(MATCHES)]
    with CaptureQueriesContext(connection) as captured:
        names_starting("tag", "ukr")
    assert len(captured.captured_queries) == 1
    assert Tag.objects.filter(name__startswith="Ukraine").count() == MATCHES + 5


def test_it_suggests_no_author_or_topic_known_only_from_drafts_or_elsewhere(client):
    make_draft(tags=["Secret deal"], authors=[make_author(name="Secret writer")])
    make_scheduled(
        tags=["Secret summit"], outlet=make_outlet(name="Secret partner", slug="")
    )
    make_article(
        language="ru", tags=["Секретный"], authors=[make_author(name="Sergei", slug="")]
    )
    make_article(tags=["Secrets of Baku"])
    assert suggested(client, "tag", "secret") == ["Secrets of Baku"]
    assert suggested(client, "author", "secret") == []
    # Outlets are named as the drop-down list names them: drafts or not.
    assert suggested(client, "outlet", "secret") == ["Secret partner"]
    assert suggested(client, "author", "ser") == []
    assert suggested(client, "author", "ser", "/ru/search/suggest/") == ["Sergei"]
    assert Tag.objects.filter(name__startswith="Secret").count() == 3


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"kind": "article", "q": "ba"}, "kind must be one of: author, tag, outlet."),
        ({"q": "ba"}, "kind must be one of: author, tag, outlet."),
        ({"kind": "tag", "q": "b" * 101}, "q must be at most 100 characters"),
        ({"kind": "tag", "q": "b\x00"}, "q must be at most 100 characters"),
    ],
)
def test_it_refuses_a_bad_request_with_a_json_400(client, query, message):
    make_article(tags=["Baku"])
    response = client.get(SUGGEST, query)
    assert response.status_code == 400
    assert message in json.loads(response.content)["error"]
    assert "Baku" not in response.content.decode()


@pytest.mark.parametrize("typed", ["", "   ", "!!!", "—"])
def test_it_suggests_nothing_for_nothing_a_slug_can_start_with(client, typed):
    make_article(tags=["Baku"])
    assert suggested(client, "tag", typed) == []
    assert Tag.objects.filter(name="Baku").exists()


def test_the_page_works_without_its_script_and_loads_it_from_this_site(client):
    make_article(authors=[make_author(name="Nino Gogua")])
    content = client.get("/search/").content.decode()
    script = re.search(r'<script src="([^"]+search-suggest[^"]*\.js)"[^>]*>', content)
    assert script[1].startswith("/static/")
    assert f'data-suggest-url="{SUGGEST}"' in script[0]
    assert "Nino Gogua" in options(content, "id_author-suggestions")
    response = client.get("/search/", {"author": "Nino Gogua"})
    assert response.status_code == 200 and len(response.context["stories"]) == 1


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("baz", ["Baz", "Bazaar", "Bazz"]),
        ("bazz", ["Bazz"]),
        ("9", ["9 May", "99"]),
        ("zz", ["Zz top", "Zzz"]),
        ("z", ["Zz top", "Zzz"]),
    ],
)
def test_it_finds_slugs_ending_in_the_last_letter_or_digit(client, typed, found):
    names = ["Bay", "Baz", "Bazaar", "Bazz", "Bb", "9 May", "99", "A9", "Zz top", "Zzz"]
    make_article(tags=names)
    assert suggested(client, "tag", typed) == found
    assert Tag.objects.filter(name__in=names).count() == len(names)


def test_the_bare_form_reads_and_counts_no_story(client, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    story = make_article(headline="Any story")
    client.get("/search/")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/search/")
    assert response.status_code == 200
    assert list(response.context["stories"]) == []
    assert not [q for q in captured.captured_queries if "COUNT(*)" in q["sql"]]
    assert "Any story" not in page_text(response)
    assert [s.headline for s in client.get("/search/?q=").context["stories"]] == [
        story.headline
    ]


def test_it_counts_a_search_by_filters_alone_no_further_than_a_listing(
    client, settings
):
    settings.NEWSROOM_PAGE_SIZE = 2
    section = make_article(headline="First").section
    for number in range(2 * NUMBERED_PAGES + 3):
        make_article(headline=f"Story {number}", section=section)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"section": section.slug})

    assert response.status_code == 200
    assert f"More than {2 * NUMBERED_PAGES} stories found" in page_text(response)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert counts and all("LIMIT" in sql for sql in counts)
    last = client.get("/search/", {"section": section.slug, "page": NUMBERED_PAGES})
    assert last.status_code == 200
    beyond = {"section": section.slug, "page": NUMBERED_PAGES + 2}
    assert client.get("/search/", beyond).status_code == 404


def test_it_counts_a_short_search_by_filters_exactly(client):
    section = make_article(headline="Only").section
    make_article(headline="Other", section=section)

    response = client.get("/search/", {"section": section.slug})

    assert "2 stories found." in page_text(response)
    assert "More than" not in page_text(response)
