"""The OpenAPI 3.1 description of the read-only JSON API (articles.api), served
as JSON at /api/openapi.json.

tests/test_openapi.py keeps it true: it checks real responses against it and
fuzzes the API from it. In the app, only articles.urls imports this module.
"""

from functools import cache

from django.http import JsonResponse
from django.urls.converters import SlugConverter

from articles import api, cursors
from articles.links import url_for
from articles.models.content import language_validator
from articles.search.filters import MAX_QUERY_LENGTH

SLUG = f"^{SlugConverter.regex}$"
TEXT = {"type": "string"}
LINK = {"type": "string", "format": "uri"}
# Fields editors may leave blank: the API sends "" rather than leaving them out.
LINK_OR_EMPTY = {"anyOf": [LINK, {"const": ""}]}
MOMENT = {"type": "string", "format": "date-time"}
COUNT = {"type": "integer", "minimum": 0}


def _object(**properties):
    """A JSON object with exactly these properties, all of them always sent."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _ref(kind, name):
    return {"$ref": f"#/components/{kind}/{name}"}


def _query(name, description, schema):
    return {"name": name, "in": "query", "description": description, "schema": schema}


def _filter(name, what):
    return _query(
        name,
        f"Only stories {what}. An unknown one is a 400, not an empty list.",
        {"type": "string", "pattern": SLUG},
    )


FILTERS = {
    "q": _query(
        "q",
        "Words to search for; the matches come best first.",
        {"type": "string", "maxLength": MAX_QUERY_LENGTH},
    ),
    "section": _filter("section", "in the section with this slug"),
    # Topics are named in every script; their slugs are Latin (articles.slugs).
    "tag": _filter("tag", "on the topic with this slug"),
    "author": _filter("author", "by the author with this slug"),
    "outlet": _filter("outlet", "first published by the outlet with this slug"),
    "language": _query(
        "language",
        "Only stories in this language, a BCP 47 tag: en, uk, az, az-Latn.",
        {
            "type": "string",
            "maxLength": 35,
            "pattern": language_validator.regex.pattern,
        },
    ),
    "published_after": _query(
        "published_after",
        "Only stories published on or after this day, in the site's time zone.",
        {"type": "string", "format": "date"},
    ),
    "published_before": _query(
        "published_before",
        "Only stories published on or before this day, in the site's time zone; "
        "not before published_after.",
        {"type": "string", "format": "date"},
    ),
}
PARAMETERS = {
    **FILTERS,
    "page": _query(
        "page",
        f"Which page of the list, by number. Numbers reach the first "
        f"{api.PAGED_STORIES:,} stories: page × page_size above that is a 400, "
        "whose message says to follow the next links instead. One past the "
        "last page is a 404. Not with cursor.",
        {"type": "integer", "minimum": 1, "default": 1},
    ),
    "cursor": _query(
        "cursor",
        "Where the page starts: the opaque, signed value the next and previous "
        "links carry, to be passed on as it is. It names a place in the "
        "archive (a story's publication time and id), so a page at any depth "
        "costs what the first does and stories published meanwhile neither "
        "shift nor repeat what follows; it holds under any filters, but not "
        "with page or q (a search is ranked, and pages by number). A cursor "
        "the API did not give, or gave in an older shape, is a 400.",
        {"type": "string", "minLength": 1, "maxLength": cursors.MAX_LENGTH},
    ),
    "page_size": _query(
        "page_size",
        "How many stories a page holds.",
        {
            "type": "integer",
            "minimum": 1,
            "maximum": api.MAX_PAGE_SIZE,
            "default": api.PAGE_SIZE,
        },
    ),
    "slug": {
        "name": "slug",
        "in": "path",
        "required": True,
        "description": "The story's slug, the last part of its address.",
        "schema": {"type": "string", "pattern": SLUG},
    },
}


NAMED = _object(slug=TEXT, name=TEXT)
STORY_PROPERTIES = {
    "id": {"type": "integer"},
    "slug": {"type": "string", "pattern": SLUG},
    "url": {**LINK, "description": "The story on this site."},
    "canonical_url": {
        **LINK,
        "description": "Where the story first appeared for a partner's, else url.",
    },
    "api_url": {**LINK, "description": "The story with its body, in this API."},
    "headline": TEXT,
    "standfirst": TEXT,
    "language": {"type": "string", "pattern": language_validator.regex.pattern},
    "section": _ref("schemas", "Named"),
    "tags": {"type": "array", "items": _ref("schemas", "Named")},
    "authors": {
        "type": "array",
        "description": "In byline order.",
        "items": _object(slug=TEXT, name=TEXT, url=LINK),
    },
    "outlet": _object(
        slug=TEXT, name=TEXT, url=LINK_OR_EMPTY, is_partner={"type": "boolean"}
    ),
    "original_url": LINK_OR_EMPTY,
    "published_at": MOMENT,
    "modified_at": {
        **MOMENT,
        "description": "The later of publication and the latest correction.",
    },
    "lead_image": {
        "oneOf": [
            _object(
                url=LINK,
                alt_text=TEXT,
                caption=TEXT,
                credit=TEXT,
                width=COUNT,
                height=COUNT,
            ),
            {"type": "null"},
        ]
    },
}
SCHEMAS = {
    "Named": NAMED,
    # Open, so that StoryWithBody can add to it; each use closes it with
    # unevaluatedProperties, which sees the properties named here too.
    "Story": {
        "type": "object",
        "description": "What a list entry and a single story both say of a story.",
        "properties": STORY_PROPERTIES,
        "required": list(STORY_PROPERTIES),
    },
    "StoryWithBody": {
        "$ref": "#/components/schemas/Story",
        "properties": {
            "body": {
                "type": "string",
                "description": "Sanitised HTML, embeds as static HTML.",
            },
            "corrections": {
                "type": "array",
                "description": "Oldest first.",
                "items": _object(date=MOMENT, text=TEXT),
            },
        },
        "required": ["body", "corrections"],
        "unevaluatedProperties": False,
    },
    "StoryPage": _object(
        count={
            "type": ["integer", "null"],
            "minimum": 0,
            "maximum": api.PAGED_STORIES,
            "description": (
                "Stories on all pages together; null when more than "
                f"{api.PAGED_STORIES:,} match (they are not counted further) "
                "and on a page read from a cursor (nothing is counted)."
            ),
        },
        page={
            "type": ["integer", "null"],
            "minimum": 1,
            "description": "The page's number; null on a page read from a cursor.",
        },
        pages={
            "type": ["integer", "null"],
            "minimum": 1,
            "description": "How many pages there are; null where count is.",
        },
        page_size={"type": "integer", "minimum": 1, "maximum": api.MAX_PAGE_SIZE},
        next={
            "type": ["string", "null"],
            "format": "uri",
            "description": (
                "The page of older stories, with a cursor (with q, the next "
                "page number); null on the last page."
            ),
        },
        previous={
            "type": ["string", "null"],
            "format": "uri",
            "description": (
                "The page of newer stories: the page number before this one, "
                "or from a cursor page a cursor back, which may lead to an "
                "empty page if the newer stories were unpublished; null on "
                "the first page."
            ),
        },
        results={
            "type": "array",
            "maxItems": api.MAX_PAGE_SIZE,
            "items": {
                "$ref": "#/components/schemas/Story",
                "unevaluatedProperties": False,
            },
        },
    ),
    "Error": {
        "type": "object",
        "properties": {
            "error": {"type": "string", "minLength": 1},
            "errors": {
                "type": "object",
                "description": "What is wrong with each filter, by its name.",
                "propertyNames": {"enum": list(FILTERS)},
                "additionalProperties": {
                    "type": "array",
                    "items": TEXT,
                    "minItems": 1,
                },
            },
        },
        "required": ["error"],
        "additionalProperties": False,
    },
}


def _header(description, schema=TEXT, required=True):
    return {"description": description, "required": required, "schema": schema}


ANY_ORIGIN = {
    "Access-Control-Allow-Origin": _header(
        "Any site may read the API from a browser.", {"const": "*"}
    )
}
CACHEABLE = {
    **ANY_ORIGIN,
    "Cache-Control": _header(
        "Anonymous reads are public: browsers and CDNs may keep them a while.",
        required=False,
    ),
    "ETag": _header("For conditional requests.", required=False),
}


def _response(description, headers, schema=None):
    response = {"description": description, "headers": headers}
    if schema:
        response["content"] = {"application/json": {"schema": _ref("schemas", schema)}}
    return response


NOT_MODIFIED = {"description": "The client's copy (If-None-Match) is current."}
NO_STORY = _response("No published story has this address.", ANY_ORIGIN, schema="Error")
RESPONSES = {
    "Preflight": {
        "description": "CORS preflight: any site may GET and HEAD.",
        "headers": {
            **ANY_ORIGIN,
            "Access-Control-Allow-Methods": _header(
                "The methods the API answers.", {"const": api.READ_METHODS}
            ),
            "Access-Control-Allow-Headers": _header(
                "Request headers a browser may send.", {"const": "Accept, Content-Type"}
            ),
            "Access-Control-Max-Age": _header(
                "How long, in seconds, browsers may remember this answer.",
                {"type": "integer", "minimum": 0},
            ),
        },
    },
    "ReadOnly": _response(
        "The API is read-only: no other method is allowed.",
        {"Allow": _header("The methods the API answers.", {"const": api.READ_METHODS})},
        schema="Error",
    ),
}


def _read_operations(name, summary, parameters, responses):
    """GET with these responses, HEAD with their headers alone, and OPTIONS."""
    return {
        "get": {
            "operationId": f"get{name}",
            "summary": summary,
            "parameters": parameters,
            "responses": responses,
        },
        "head": {
            "operationId": f"head{name}",
            "summary": f"{summary} (headers only)",
            "parameters": parameters,
            "responses": {
                status: {k: v for k, v in response.items() if k != "content"}
                for status, response in responses.items()
            },
        },
        "options": {
            "operationId": f"preflight{name}",
            "summary": "CORS preflight.",
            "responses": {"204": _ref("responses", "Preflight")},
        },
        **{
            method: {
                "operationId": f"{method}{name}",
                "summary": "Refused: the API is read-only.",
                "responses": {"405": _ref("responses", "ReadOnly")},
            }
            for method in ("post", "put", "patch", "delete")
        },
    }


def _story_path():
    # reverse() fills a route in and cannot leave a template: a slug stands in.
    return url_for("articles:api-article", "SLUG").replace("SLUG", "{slug}")


INFO = {
    "title": "Newsroom stories API",
    "version": "1",
    "description": (
        "Published stories as JSON, for partners and apps that "
        "syndicate them. Read-only: GET and HEAD, from any site (CORS); "
        "every other method is refused with 405. The list takes the "
        "filters of the site's search page; to read all of it, follow its "
        "next links, whose cursors reach any depth at the cost of the first "
        "page. Answers to anonymous GETs are public and cacheable."
    ),
}


def _list_path():
    return _read_operations(
        "Articles",
        "Published stories, newest first (id settles ties); best match first with q.",
        [
            _ref("parameters", name)
            for name in [*FILTERS, "page", "cursor", "page_size"]
        ],
        {
            "200": _response("A page of stories.", CACHEABLE, schema="StoryPage"),
            "304": NOT_MODIFIED,
            "400": _response(
                "A filter, page, cursor or page_size is not valid; or the page "
                "number is past the stories numbers reach; or a cursor comes "
                "with page or q.",
                ANY_ORIGIN,
                schema="Error",
            ),
            "404": _response("The page is past the last.", ANY_ORIGIN, schema="Error"),
        },
    )


def _detail_path():
    story = _read_operations(
        "Article",
        "One published story with its body and corrections.",
        [],
        {
            "200": _response("The story.", CACHEABLE, schema="StoryWithBody"),
            "304": NOT_MODIFIED,
            "404": NO_STORY,
        },
    )
    # An address whose last part is not a slug is no story, whatever the method.
    for operation in ("options", "post", "put", "patch", "delete"):
        story[operation]["responses"]["404"] = NO_STORY
    story["parameters"] = [_ref("parameters", "slug")]
    return story


@cache
def document():
    """The OpenAPI document, built on first use (reverse() needs the URLconf)."""
    return {
        "openapi": "3.1.1",
        "info": INFO,
        # Relative: the API is wherever the site that serves this document is.
        "servers": [{"url": "/"}],
        "paths": {
            url_for("articles:api-articles"): _list_path(),
            _story_path(): _detail_path(),
        },
        "components": {
            "parameters": PARAMETERS,
            "schemas": SCHEMAS,
            "responses": RESPONSES,
        },
    }


@api.read_only_for_everyone
def api_schema(request):
    return JsonResponse(document(), json_dumps_params={"ensure_ascii": False})
