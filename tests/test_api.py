"""The read-only JSON API: published stories, the archive's filters, open to any site."""

import pytest

from articles.models import Correction
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
