"""The API's OpenAPI document: valid, served, true to what the API answers, and
no request a fuzzer derives from it answered with a 5xx."""

import copy
from urllib.parse import parse_qs, urlsplit

import jsonschema_rs
import pytest
import schemathesis
from django.urls import reverse
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

from articles.models import Article, Correction
from articles.openapi import document
from articles.search.filters import ArticleFilter
from newsroom.wsgi import application
from tests.wsgi import connections_kept

pytestmark = pytest.mark.django_db

# Every answer is documented: its status, media type, headers and body.
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
WRITES = ["post", "put", "patch", "delete"]


@pytest.fixture
def through_wsgi():
    """Requests go through newsroom.wsgi as a server sends them."""
    with connections_kept():
        yield application


@pytest.fixture
def api_schema(through_wsgi):
    """The document as the site serves it, bound to the WSGI application."""
    return schemathesis.openapi.from_wsgi(reverse("articles:api-schema"), application)


# Schemathesis's WSGI transport says it takes gzip (as requests does) but
# reads the body as it comes: it asks for the uncompressed one, as a client
# that cannot decompress would.
PLAIN = {"Accept-Encoding": "identity"}


def answer(api_schema, operation_id, **request):
    """An operation's answer to `request` (query, path_parameters), checked
    against everything the document says of it."""
    case = api_schema.find_operation_by_id(operation_id).Case(**request)
    response = case.call(headers=PLAIN)
    case.validate_response(response, checks=CONFORMANCE)
    return response


def schemas_in(node):
    """Every Schema Object in the document, wherever it sits."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "schema":
                yield value
            elif key == "schemas":
                yield from value.values()
            else:
                yield from schemas_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from schemas_in(value)


def corrected_demo_story():
    story = Article.objects.published().order_by("published_at").first()
    Correction.objects.create(article=story, text="A caption named the wrong town.")
    return story


def test_it_is_a_valid_openapi_3_1_document():
    assert document()["openapi"].startswith("3.1.")
    OPENAPI_31_VALIDATOR.validate(document())
    # The OpenAPI meta-schema leaves the JSON Schemas inside it unchecked.
    found = list(schemas_in(document()))
    assert len(found) > 20
    for schema in found:
        jsonschema_rs.meta.validate(schema)


def test_it_is_served_as_json_to_any_site(client):
    response = client.get(reverse("articles:api-schema"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"]
    assert response.json() == document()
    assert response.json()["servers"] == [{"url": "/"}]


def test_it_describes_both_addresses_with_every_method(api_schema):
    api_schema.validate()
    for address, operation_id in [
        (reverse("articles:api-articles"), "getArticles"),
        (reverse("articles:api-article", args=["any-story"]), "getArticle"),
    ]:
        found = api_schema.find_operation_by_path("GET", address)
        assert found.definition.raw["operationId"] == operation_id
        methods = set(api_schema[found.path]) - {"parameters"}
        assert methods == {"get", "head", "options", *WRITES}


def test_it_names_every_filter_of_the_archive_and_the_paging():
    listing = document()["paths"][reverse("articles:api-articles")]["get"]
    defined = document()["components"]["parameters"]
    named = [defined[p["$ref"].rsplit("/", 1)[1]] for p in listing["parameters"]]
    assert [p["name"] for p in named] == [
        *ArticleFilter.base_filters,
        "page",
        "cursor",
        "page_size",
    ]
    assert {p["in"] for p in named} == {"query"}
    schemas = {p["name"]: p["schema"] for p in named}
    assert schemas["published_after"]["format"] == "date"
    assert schemas["published_before"]["format"] == "date"
    assert schemas["page_size"] | {"minimum": 1, "maximum": 100} == schemas["page_size"]


def test_a_list_page_matches_the_document(api_schema, demo):
    response = answer(api_schema, "getArticles")
    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 2
    assert {story["slug"] for story in page["results"]} == set(
        Article.objects.published().values_list("slug", flat=True)
    )


def test_a_filtered_list_matches_the_document(api_schema, demo):
    story = corrected_demo_story()
    day = story.published_at.date().isoformat()
    query = {
        "section": story.section.slug,
        "language": story.language,
        "published_after": day,
        "published_before": day,
        "page_size": 1,
    }
    response = answer(api_schema, "getArticles", query=query)
    assert response.status_code == 200
    [found] = response.json()["results"]
    assert found["slug"] == story.slug
    assert found["modified_at"] > found["published_at"]


def test_a_cursor_page_matches_the_document(api_schema, demo):
    first = answer(api_schema, "getArticles", query={"page_size": 1}).json()
    cursor = parse_qs(urlsplit(first["next"]).query)["cursor"][0]
    response = answer(
        api_schema, "getArticles", query={"page_size": 1, "cursor": cursor}
    )
    assert response.status_code == 200
    page = response.json()
    assert (page["count"], page["page"], page["pages"], page["next"]) == (
        None,
        None,
        None,
        None,
    )
    newest_first = Article.objects.published().order_by("-published_at", "-pk")
    assert [story["slug"] for story in first["results"] + page["results"]] == list(
        newest_first.values_list("slug", flat=True)
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"cursor": "forged"}, "not one the API gave"),
        ({"cursor": "x", "page": 1}, "not both"),
        ({"page": 10_001, "page_size": 1}, "follow the next links"),
    ],
)
def test_a_bad_cursor_or_a_page_past_numbers_matches_the_document(
    api_schema, query, message
):
    response = answer(api_schema, "getArticles", query=query)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_a_page_past_the_last_matches_the_document(api_schema, demo):
    response = answer(api_schema, "getArticles", query={"page": 2, "page_size": 2})
    assert response.status_code == 404
    assert response.json() == {"error": "There is 1 page."}


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        (
            {"section": "nowhere", "published_after": "soon"},
            ["published_after", "section"],
        ),
        (
            {"published_after": "2025-02-01", "published_before": "2025-01-01"},
            ["published_before"],
        ),
        ({"tag": "Баку"}, ["tag"]),
        ({"page_size": 101}, []),
        ({"page": "first"}, []),
    ],
)
def test_bad_filters_match_the_document(api_schema, query, fields):
    response = answer(api_schema, "getArticles", query=query)
    assert response.status_code == 400
    assert response.json()["error"]
    assert sorted(response.json().get("errors", {})) == fields


def test_a_story_and_its_headers_alone_match_the_document(api_schema, demo):
    story = corrected_demo_story()
    slug = {"slug": story.slug}
    response = answer(api_schema, "getArticle", path_parameters=slug)
    assert response.status_code == 200
    data = response.json()
    assert data["headline"] == story.headline
    assert data["body"]
    assert [c["text"] for c in data["corrections"]] == [
        "A caption named the wrong town."
    ]
    head = answer(api_schema, "headArticle", path_parameters=slug)
    assert head.status_code == 200
    assert head.headers["access-control-allow-origin"] == ["*"]


@pytest.mark.parametrize("slug", ["no-such-story", "Баку", "a b", "a\x00b"])
def test_a_missing_story_matches_the_document(api_schema, slug):
    response = answer(api_schema, "getArticle", path_parameters={"slug": slug})
    assert response.status_code == 404
    assert response.json()["error"]


@pytest.mark.parametrize(
    ("operation_id", "request_parts"),
    [
        ("preflightArticles", {}),
        ("preflightArticle", {"path_parameters": {"slug": "any-story"}}),
    ],
)
def test_a_cors_preflight_matches_the_document(api_schema, operation_id, request_parts):
    response = answer(api_schema, operation_id, **request_parts)
    assert response.status_code == 204
    assert response.headers["access-control-allow-methods"] == ["GET, HEAD, OPTIONS"]


def test_writes_are_refused_as_the_document_says(api_schema, demo):
    story = corrected_demo_story()
    for method in WRITES:
        for operation_id, request_parts in [
            (f"{method}Articles", {}),
            (f"{method}Article", {"path_parameters": {"slug": story.slug}}),
        ]:
            response = answer(api_schema, operation_id, **request_parts)
            assert response.status_code == 405
            assert response.headers["allow"] == ["GET, HEAD, OPTIONS"]
    assert Article.objects.published().count() == 2
    assert story.corrections.count() == 1


# The document the site serves (test_it_is_served_as_json_to_any_site), read
# when pytest collects the tests, before any database: Schemathesis makes a test
# per operation then. A copy, so that nothing it adds reaches the site's.
fuzzed = schemathesis.openapi.from_dict(copy.deepcopy(document()))
bounded = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    # Fixtures are set up once per operation, not per example: the API only
    # reads the database, so nothing needs resetting between requests.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


LISTING = {"path": reverse("articles:api-articles"), "method": ["GET", "HEAD"]}


# The list answers with the demo's stories, so their every field is checked.
@fuzzed.include(**LISTING).parametrize()
@bounded
def test_no_generated_list_request_gets_a_server_error_or_an_undocumented_answer(
    case, demo, through_wsgi
):
    case.call_and_validate(app=through_wsgi, checks=CONFORMANCE, headers=PLAIN)


# A generated slug names no story, so the rest need no data to be fuzzed.
@fuzzed.exclude(**LISTING).parametrize()
@bounded
def test_no_other_generated_request_gets_a_server_error_or_an_undocumented_answer(
    case, through_wsgi
):
    case.call_and_validate(app=through_wsgi, checks=CONFORMANCE, headers=PLAIN)
