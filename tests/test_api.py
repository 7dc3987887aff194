"""The read-only JSON API: published stories, the archive's filters, open to any site."""

from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from articles import api, cursors, paging
from articles.models import Article, Correction
from tests.helpers import (
    make_article,
    make_author,
    make_draft,
    make_embed,
    make_image,
    make_outlet,
    make_scheduled,
    make_section,
)

pytestmark = pytest.mark.django_db


def headlines(response):
    return [story["headline"] for story in response.json()["results"]]


def test_it_lists_published_stories_newest_first_with_what_partners_need(client):
    author = make_author(name="Nino", slug="nino")
    partner = make_outlet(name="JAMnews", slug="jamnews", url="https://jam-news.net/")
    story = make_article(
        headline="Rally in Baku",
        standfirst="Hundreds gathered.",
        section=make_section(name="News", slug="news"),
        authors=[author],
        outlet=partner,
        original_url="https://jam-news.net/rally",
        tags=["Baku"],
        language="en",
        lead_image=make_image(alt_text="A crowd"),
    )
    make_draft(headline="A draft")
    make_scheduled(headline="Scheduled")
    make_article(headline="Review", status="review")
    response = client.get("/api/articles/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["count"] == 1
    assert body["page"] == 1 and body["pages"] == 1
    assert body["next"] is None and body["previous"] is None
    [data] = body["results"]
    assert data["headline"] == "Rally in Baku"
    assert data["url"] == f"http://testserver{story.get_absolute_url()}"
    assert data["canonical_url"] == "https://jam-news.net/rally"
    assert data["api_url"] == f"http://testserver/api/articles/{story.slug}/"
    assert data["standfirst"] == "Hundreds gathered."
    assert data["section"] == {"slug": "news", "name": "News"}
    assert data["tags"] == [{"slug": "baku", "name": "Baku"}]
    assert data["authors"] == [
        {"slug": "nino", "name": "Nino", "url": "http://testserver/author/nino/"}
    ]
    assert data["outlet"] == {
        "slug": "jamnews",
        "name": "JAMnews",
        "url": "https://jam-news.net/",
        "is_partner": True,
    }
    assert data["published_at"] == story.published_at.isoformat()
    assert data["lead_image"]["url"] == f"http://testserver{story.lead_image.file.url}"
    assert data["lead_image"]["alt_text"] == "A crowd"
    assert "body" not in data


def test_it_takes_the_archives_filters(client):
    section = make_section(slug="culture")
    make_article(headline="Theatre reopens", section=section, tags=["theatre"])
    make_article(headline="Budget passes")
    assert headlines(client.get("/api/articles/?section=culture")) == [
        "Theatre reopens"
    ]
    assert headlines(client.get("/api/articles/?tag=theatre")) == ["Theatre reopens"]
    assert headlines(client.get("/api/articles/?q=budget")) == ["Budget passes"]


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("section=nowhere", 400, "section"),
        ("published_after=soon", 400, "published_after"),
        ("q=" + "x" * 5000, 400, "q"),
        ("page_size=0", 400, None),
        ("page_size=101", 400, None),
        ("page_size=ten", 400, None),
        ("page=first", 400, None),
        ("page=5", 404, None),
        ("page=0", 400, None),
        ("page=02", 400, None),
        ("page=%D9%A3", 400, None),  # an Arabic-Indic three
        ("page_size=%C2%B2", 400, None),  # a superscript two
        ("page_size=020", 400, None),
    ],
)
def test_it_answers_bad_requests_with_a_json_error(client, query, status, field):
    make_article()
    response = client.get(f"/api/articles/?{query}")
    assert response.status_code == status
    body = response.json()
    assert body["error"]
    assert "invalid literal" not in body["error"]
    if field:
        assert body["errors"][field]


def test_it_takes_names_where_it_takes_slugs(client):
    make_article(headline="Theatre reopens", tags=["Theatre"], language="ru")
    make_article(headline="Budget passes")
    for query in ["tag=theatre", "tag=THEATRE", "language=ru", "language=Russian"]:
        assert headlines(client.get(f"/api/articles/?{query}")) == ["Theatre reopens"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("tag=Theatr", "tag", "No topic is called “Theatr”; check the spelling."),
        (
            "author=Nobody",
            "author",
            "No author is called “Nobody”; check the spelling.",
        ),
    ],
)
def test_a_topic_or_author_that_names_nothing_is_a_400(client, query, field, message):
    make_article(tags=["Theatre"])
    response = client.get(f"/api/articles/?{query}")
    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}


@pytest.mark.parametrize(
    ("stories", "message"),
    [(1, "There is 1 page."), (3, "There are 3 pages.")],
)
def test_a_page_past_the_last_says_how_many_there_are(client, stories, message):
    for _ in range(stories):
        make_article()
    response = client.get("/api/articles/?page_size=1&page=9")
    assert response.status_code == 404
    assert response.json() == {"error": message}


def test_it_pages_with_a_size_up_to_the_maximum(client):
    for n in range(5):
        make_article(headline=f"Story {n}")
    first = client.get("/api/articles/?page_size=2&q=story").json()
    assert first["count"] == 5 and first["pages"] == 3 and first["page_size"] == 2
    assert len(first["results"]) == 2
    assert first["next"] == "http://testserver/api/articles/?page_size=2&q=story&page=2"
    last = client.get("/api/articles/?page_size=2&q=story&page=3").json()
    assert len(last["results"]) == 1
    assert last["previous"].endswith("page=2")
    assert client.get("/api/articles/?page_size=100").status_code == 200


def test_one_story_comes_with_its_body_embeds_and_corrections(client):
    embed = make_embed(author_name="Vladyslav Kanevskyi", text="<p>Бакинці</p>")
    story = make_article(body=f"<p>Opening.</p><p>[embed:{embed.slug}]</p>")
    Correction.objects.create(article=story, text="A name was misspelt.")
    response = client.get(f"/api/articles/{story.slug}/")
    assert response.status_code == 200
    data = response.json()
    assert data["headline"] == story.headline
    assert data["body"].startswith("<p>Opening.</p>")
    assert "[embed:" not in data["body"]
    assert "Бакинці" in data["body"]
    assert "Vladyslav Kanevskyi" in data["body"]
    assert [c["text"] for c in data["corrections"]] == ["A name was misspelt."]
    assert data["modified_at"] == data["corrections"][0]["date"]


def test_unpublished_stories_are_not_found(client):
    for story in (make_draft(), make_scheduled(), make_article(status="review")):
        response = client.get(f"/api/articles/{story.slug}/")
        assert response.status_code == 404
        assert response.json()["error"]


def test_any_site_may_read_but_nobody_may_write(client):
    story = make_article()
    for url in ["/api/articles/", f"/api/articles/{story.slug}/"]:
        assert client.get(url)["Access-Control-Allow-Origin"] == "*"
        assert client.head(url)["Access-Control-Allow-Origin"] == "*"
        preflight = client.options(
            url,
            HTTP_ORIGIN="https://partner.example",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        )
        assert preflight.status_code == 204
        assert preflight["Access-Control-Allow-Origin"] == "*"
        assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
        for method in (client.post, client.put, client.patch, client.delete):
            refused = method(url)
            assert refused.status_code == 405
            assert refused["Allow"] == "GET, HEAD, OPTIONS"
            assert "Access-Control-Allow-Origin" not in refused
    assert client.get(f"/api/articles/{story.slug}/").json()["slug"] == story.slug


@pytest.mark.usefixtures("uncached_pages")
def test_the_list_costs_the_same_queries_for_many_stories(
    client, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            story = make_article(
                tags=["a", "b"], authors=[make_author()], lead_image=make_image()
            )
            Correction.objects.create(article=story, text="Fixed.")

    add(2)
    with django_assert_max_num_queries(5) as few:
        client.get("/api/articles/?page_size=50")
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/articles/?page_size=50").json()["results"]) == 22


# Cursors (articles.cursors): every page past the first, at any depth.


def path_of(link):
    return link.removeprefix("http://testserver")


def walk(client, address, link="next"):
    """Every page from `address` on, following one kind of link."""
    pages = []
    while address:
        response = client.get(address)
        assert response.status_code == 200
        pages.append(response.json())
        address = pages[-1][link] and path_of(pages[-1][link])
    return pages


def make_archive():
    """Seven published stories, three sharing one second, among unpublished ones."""
    moment = timezone.now() - timedelta(days=3)
    stories = [make_article(published_at=moment) for _ in range(3)]
    stories += [make_article(headline=f"Історія {n}") for n in range(4)]
    make_draft(headline="A draft")
    make_scheduled(headline="Scheduled")
    make_article(headline="In review", status="review")
    return stories


def newest_first(stories):
    return [s.pk for s in sorted(stories, key=lambda s: (s.published_at, s.pk))][::-1]


def test_it_walks_every_published_story_once_newest_first_by_cursor(client):
    stories = make_archive()
    pages = walk(client, "/api/articles/?page_size=2")
    walked = [story["id"] for page in pages for story in page["results"]]
    assert walked == newest_first(stories)
    assert walked == list(
        Article.objects.published()
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)
    )
    first, *rest = pages
    assert (first["count"], first["page"], first["pages"]) == (7, 1, 4)
    assert "cursor=" in first["next"] and "page=" not in first["next"]
    assert first["next"].startswith("http://testserver/api/articles/?page_size=2&")
    for page in rest:
        assert (page["count"], page["page"], page["pages"]) == (None, None, None)
        assert page["page_size"] == 2
        assert "cursor=" in page["previous"]
    assert [len(page["results"]) for page in pages] == [2, 2, 2, 1]


def test_it_walks_back_with_previous_links(client):
    stories = make_archive()
    last = walk(client, "/api/articles/?page_size=3")[-1]
    assert last["next"] is None
    back = walk(client, path_of(last["previous"]), link="previous")
    walked = [story["id"] for page in [*back[::-1], last] for story in page["results"]]
    assert walked == newest_first(stories)
    assert back[-1]["previous"] is None
    # Forward again from a page reached going back: the page after it.
    again = client.get(path_of(back[0]["next"])).json()
    assert [story["id"] for story in again["results"]] == newest_first(stories)[6:]


def test_a_story_published_meanwhile_shifts_no_later_page(client):
    stories = make_archive()
    first = client.get("/api/articles/?page_size=3").json()
    make_article(headline="Breaking", published_at=timezone.now())
    rest = walk(client, path_of(first["next"]))
    walked = [story["id"] for page in [first, *rest] for story in page["results"]]
    assert walked == newest_first(stories)


def test_the_archives_filters_apply_with_cursors(client):
    culture = make_section(name="Культура", slug="culture")
    shown = [make_article(section=culture, tags=["театр"]) for _ in range(5)]
    make_article(tags=["театр"])
    make_draft(section=culture)
    pages = walk(client, "/api/articles/?section=Культура&tag=театр&page_size=2")
    walked = [story["id"] for page in pages for story in page["results"]]
    assert walked == newest_first(shown)
    assert all("section=" in page["next"] for page in pages[:-1])
    # A cursor is a place in the archive: it holds under other filters too.
    cursor = pages[0]["next"].rsplit("cursor=", 1)[1]
    everything = client.get(f"/api/articles/?cursor={cursor}&page_size=100").json()
    assert [story["id"] for story in everything["results"]][:3] == walked[2:5]


def test_a_cursor_past_an_unpublished_story_still_reads_on(client):
    stories = make_archive()
    first = client.get("/api/articles/?page_size=2").json()
    Article.objects.filter(pk=first["results"][-1]["id"]).update(status="draft")
    rest = walk(client, path_of(first["next"]))
    walked = [story["id"] for page in rest for story in page["results"]]
    assert walked == newest_first(stories)[2:]


def signed(payload, salt=cursors.SALT):
    return signing.Signer(salt=salt).sign_object(payload)


MOMENT = "2025-03-01T10:00:00+00:00"


@pytest.mark.parametrize(
    ("cursor", "message"),
    [
        ("", "not one the API gave"),
        ("garbage", "not one the API gave"),
        ("%00%FF", "not one the API gave"),
        ("Баку:подпись", "not one the API gave"),
        ("x" * 5000, "not one the API gave"),
        (signed([1, MOMENT, 3, 0], salt="elsewhere"), "not one the API gave"),
        (signed([1, MOMENT, 3, 0])[:-2] + "xx", "not one the API gave"),
        (signed([1, MOMENT, 3, 0]).replace("W", "X", 1), "not one the API gave"),
        (signed([1, "yesterday", 3, 0]), "not one the API gave"),
        (signed([1, "2025-03-01T10:00:00", 3, 0]), "not one the API gave"),
        (signed([1, MOMENT, "3", 0]), "not one the API gave"),
        (signed([1, MOMENT, 3]), "not one the API gave"),
        (signed({"at": MOMENT}), "not one the API gave"),
        (signed([0, MOMENT, 3, 0]), "older version of the API"),
    ],
)
@pytest.mark.usefixtures("uncached_pages")
def test_a_forged_malformed_or_stale_cursor_is_a_400_read_from_nothing(
    client, django_assert_num_queries, cursor, message
):
    make_article()
    with django_assert_num_queries(0):
        response = client.get("/api/articles/", {"cursor": cursor})
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_cursor_with_a_page_number_or_a_search_is_a_400(client):
    make_archive()
    cursor = client.get("/api/articles/?page_size=2").json()["next"].split("=")[-1]
    both = client.get(f"/api/articles/?page=2&cursor={cursor}")
    assert both.status_code == 400
    assert both.json() == {"error": "Give a page or a cursor, not both."}
    searched = client.get(f"/api/articles/?q=story&cursor={cursor}")
    assert searched.status_code == 400
    assert "page through it with page" in searched.json()["error"]


def test_page_numbers_stop_at_the_limit_with_a_message(client, monkeypatch):
    monkeypatch.setattr(api, "PAGED_STORIES", 4)
    stories = make_archive()
    past = client.get("/api/articles/?page=3&page_size=2")
    assert past.status_code == 400
    assert "follow the next links" in past.json()["error"]
    assert "first 4 stories" in past.json()["error"]
    last_numbered = client.get("/api/articles/?page=2&page_size=2").json()
    # More stories than numbers reach: they are not counted.
    assert (last_numbered["count"], last_numbered["pages"]) == (None, None)
    assert [s["id"] for s in last_numbered["results"]] == newest_first(stories)[2:4]
    rest = walk(client, path_of(last_numbered["next"]))
    walked = [story["id"] for page in rest for story in page["results"]]
    assert walked == newest_first(stories)[4:]
    # A search pages by number, as far as numbers reach.
    assert (
        client.get("/api/articles/?q=story&page=2&page_size=2").json()["next"] is None
    )


def test_the_first_pages_are_still_read_by_number(client):
    stories = make_archive()
    second = client.get("/api/articles/?page=2&page_size=3").json()
    assert (second["count"], second["page"], second["pages"]) == (7, 2, 3)
    assert [s["id"] for s in second["results"]] == newest_first(stories)[3:6]
    assert second["previous"] == "http://testserver/api/articles/?page_size=3&page=1"
    following = client.get(path_of(second["next"])).json()
    assert [s["id"] for s in following["results"]] == newest_first(stories)[6:]


def test_the_page_cache_keeps_cursor_pages_by_their_cursor(client):
    for _ in range(api.PAGE_SIZE + 1):
        make_article()
    assert paging.cache_parameters("/api/articles/") == {"page", "cursor"}
    second = path_of(client.get("/api/articles/").json()["next"])
    assert second == path_of(client.get("/api/articles/").json()["next"])
    assert client.get(second)["X-Page-Cache"] == "miss"
    assert client.get(second)["X-Page-Cache"] == "hit"
    make_article(published_at=timezone.now())
    assert client.get(second)["X-Page-Cache"] == "miss"


@pytest.mark.usefixtures("uncached_pages")
def test_a_cursor_page_costs_the_same_queries_however_deep_or_large_the_archive(
    client, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            story = make_article(
                tags=["a", "b"], authors=[make_author()], lead_image=make_image()
            )
            Correction.objects.create(article=story, text="Fixed.")

    add(4)
    second = path_of(client.get("/api/articles/?page_size=2").json()["next"])
    with django_assert_max_num_queries(4) as few:
        assert len(client.get(second).json()["results"]) == 2
    # Read now: every request empties the connection's log of queries.
    queries = len(few.captured_queries)
    add(40)
    deep = walk(client, "/api/articles/?page_size=2")[-2]["next"]
    with django_assert_max_num_queries(queries):
        assert len(client.get(path_of(deep)).json()["results"]) == 2
