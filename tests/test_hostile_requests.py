"""Hostile addresses through the WSGI application gunicorn runs: a 4xx, never a 5xx.

Every URL pattern the site has is walked with path segments a reader's
software or an attacker may send: letters of every script the newsroom
writes in, zero-width and bidi characters, NUL, very long segments and
percent-encoded bytes that are not UTF-8. Each goes in as GET and HEAD, as
the first request (rendered by Django) and again (answered by the page cache
front in newsroom/wsgi.py).
"""

import re
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.wsgi import WSGI

pytestmark = pytest.mark.django_db

# Readers' words, in the scripts the newsroom publishes in.
WORDS = [
    "Баку",
    "Азербайджан",
    "თბილისი",
    "Երևան",
    "Bakılılar",
    "Azərbaycan",
    "Київ",
    "😀",
]
# Characters that hide, reorder or end text.
INVISIBLE = [
    "a\u200bb",  # zero-width space
    "\u200d",  # zero-width joiner
    "\u202eevil\u202c",  # right-to-left override
    "\u2066x\u2069",  # bidi isolate
    "\ufeffbom",
    "a\u2028b",  # line separator
    "a\x00b",
    "\x00",
]
# Percent-encoded bytes as they arrive, not all of them UTF-8.
RAW = [
    "%FF",
    "%C0%AF",  # overlong "/"
    "%E2%80",  # cut short
    "%ED%A0%80",  # a surrogate
    "%F4%90%80%80",  # beyond Unicode
    "%25",
    "%2F",
    "%2e%2e",
    "..%2F..%2Fetc%2Fpasswd",
    "%0D%0ASet-Cookie:%20x=1",
    "x" * 5000,
    quote("Ж" * 2000),
]
SEGMENTS = [quote(text.encode(), safe="") for text in WORDS + INVISIBLE] + RAW

PARAMETER = re.compile(r"<(?:[^>:]+:)?([^>]+)>")


def public_routes(patterns=None, prefix=""):
    """Every route outside the admin, its parameters written as <name>."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for entry in patterns:
        route = str(entry.pattern).lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            if not route.startswith("admin/"):
                yield from public_routes(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern) and not route.startswith("admin/"):
            route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", prefix + route)
            yield PARAMETER.sub(r"<\1>", route)


def hostile_addresses():
    for route in sorted(set(public_routes())):
        if PARAMETER.search(route):
            for segment in SEGMENTS:
                yield "/" + PARAMETER.sub(segment, route)
        else:
            for segment in SEGMENTS:
                yield f"/{route}{segment}/"
                yield f"/{route}?page={segment}&q={segment}&tag={segment}"
    for segment in SEGMENTS:
        yield f"/{segment}"


def test_it_walks_every_public_route():
    routes = set(public_routes())
    for route in (
        "",
        "story/<slug>/",
        "tag/<slug>/feed/atom/",
        "sitemap-<section>.xml",
        "api/articles/<slug>/",
        "preview/<token>/",
        "support/go/<prompt_id>/<variant_id>/",
    ):
        assert route in routes
    assert not any(route.startswith("admin/") for route in routes)


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_no_hostile_address_gets_a_server_error(demo, method):
    wsgi = WSGI()
    failures = []
    for address in hostile_addresses():
        for attempt in ("rendered", "from the cache"):
            answer = wsgi.request(method, address)
            if answer["status"] >= 500:
                failures.append(f"{answer['status']} {attempt}: {address[:120]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "address",
    [
        "/tag/%D0%91%D0%B0%D0%BA%D1%83/",
        "/section/%E1%83%97%E1%83%91%E1%83%98%E1%83%9A%E1%83%98%E1%83%A1%E1%83%98/",
        "/api/articles/%D5%80%D5%A1%D5%B5/",
        "/story/a%E2%80%8Bb/",
        "/%FF%FE/",
    ],
)
def test_an_unknown_address_in_any_script_gets_the_sites_own_not_found(demo, address):
    wsgi = WSGI()
    for method in ("GET", "GET", "HEAD"):
        answer = wsgi.request(method, address)
        assert answer["status"] == 404
    page = wsgi.get(address)["body"].decode()
    if address.startswith("/api/"):
        assert '"error"' in page
    else:
        assert "We could not find that page" in page
