"""Hostile addresses through gunicorn itself, as a client on the network sends them.

The demo runs under gunicorn (tests/live.py). Each address is asked for twice,
so the second answer comes from the page cache front in newsroom/wsgi.py.
"""

import http.client
import socket
from urllib.parse import urlsplit

import pytest

ADDRESSES = {
    # percent-encoded, as browsers send them
    "/tag/%D0%91%D0%B0%D0%BA%D1%83/": "html",
    "/section/%E1%83%90%E1%83%9B%E1%83%91%E1%83%94%E1%83%91%E1%83%98/": "html",
    "/author/%D4%B1%D5%A6%D5%A1%D5%BF/": "html",
    "/story/Bak%C4%B1l%C4%B1lar/": "html",
    "/story/a%E2%80%8Bb%E2%80%AE/": "html",
    "/%FF%FE%00/": "html",
    "/api/articles/%D0%91%D0%B0%D0%BA%D1%83/": "json",
}


def ask(origin, method, target):
    parts = urlsplit(origin)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.putrequest(method, target, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(("target", "kind"), ADDRESSES.items())
def test_gunicorn_answers_the_sites_own_404_in_any_script(live_site, target, kind):
    for method in ("GET", "GET", "HEAD"):
        status, content_type, body = ask(live_site.origin, method, target)
        assert status == 404, (method, target)
        if method == "GET" and kind == "html":
            assert content_type.startswith("text/html")
            assert b"We could not find that page" in body
        elif method == "GET":
            assert content_type == "application/json"
            assert b'"error"' in body


TAGGED = "Article.objects.get(slug='baku-rally-in-support-of-ukraine').tags.{}"


def retag(live_site, change):
    live_site.manage(
        "shell",
        "--no-imports",
        "-c",
        "from articles.models import Article; " + TAGGED.format(change),
    )


def test_a_tag_named_in_cyrillic_is_served_at_its_latin_address(live_site):
    retag(live_site, "add('Азербайджан')")
    try:
        for _ in range(2):
            status, _type, body = ask(
                live_site.origin, "GET", "/story/baku-rally-in-support-of-ukraine/"
            )
            assert status == 200
            assert 'href="/tag/azerbaydzhan/"' in body.decode()
        status, _type, body = ask(live_site.origin, "GET", "/tag/azerbaydzhan/")
        assert (status, "Азербайджан" in body.decode()) == (200, True)
        assert ask(live_site.origin, "GET", "/sitemap.xml")[0] == 200
    finally:
        # The site is shared with the browser tests: leave the demo as it was.
        retag(live_site, "remove('Азербайджан')")


def test_raw_bytes_outside_ascii_on_the_request_line_get_a_client_error(live_site):
    # Not what browsers send (they percent-encode), but what a script may.
    parts = urlsplit(live_site.origin)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as raw:
        raw.sendall("GET /tag/Баку/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        status_line = raw.recv(4096).split(b"\r\n", 1)[0]
    status = int(status_line.split()[1])
    assert 400 <= status < 500, status_line
