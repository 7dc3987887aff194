"""deploy/varnish.vcl: what Varnish keeps, purges and passes, run for real.

One varnishd serves the whole module in front of a stand-in for gunicorn
(`FakeApp`) that answers each path as a test tells it to and counts what
reaches it; every test uses paths and surrogate keys of its own.
"""

import gzip
import http.client
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, urlsplit

import pytest

from tests.varnish import (
    VCL,
    compile_vcl,
    listen_origins,
    require_varnish,
    run_varnish,
)

PUBLIC = "public, max-age=60, stale-while-revalidate=30"


@dataclass
class Page:
    """What the stand-in app answers at one path."""

    body: str = "page"
    status: int = 200
    headers: dict = field(default_factory=dict)
    delay: float = 0  # seconds before answering: a slow render
    gzip: bool = False  # compressed when the request accepts gzip


class FakeApp(ThreadingHTTPServer):
    """An HTTP server answering by path, counting readers' requests (those
    Varnish forwards) and keeping the headers of the last one per path."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        # Varnish's health probe asks for /healthz.
        self.pages = {"/healthz": Page("ok", headers={"Cache-Control": "no-store"})}
        self.hits = {}
        self.last_headers = {}
        self.lock = threading.Lock()

    def serve(self, path, body="page", *, cache_control=PUBLIC, **options):
        """Answer `path` from now on; cache_control None sends none."""
        headers = options.pop("headers", {})
        if cache_control:
            headers = {"Cache-Control": cache_control, **headers}
        self.pages[path] = Page(body=body, headers=headers, **options)

    def count(self, path):
        with self.lock:
            return self.hits.get(path, 0)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # Varnish keeps connections to its backend
    disable_nagle_algorithm = True  # headers and body go out as they are written

    def do_GET(self):
        app = self.server
        path = urlsplit(self.path).path
        # Varnish's health probe is the only request without X-Forwarded-For.
        if "X-Forwarded-For" in self.headers:
            with app.lock:
                app.hits[path] = app.hits.get(path, 0) + 1
                app.last_headers[path] = self.headers
        page = app.pages.get(path, Page(body="not found", status=404))
        time.sleep(page.delay)
        body = page.body.encode()
        headers = {"Content-Type": "text/html; charset=utf-8", **page.headers}
        if page.gzip:
            headers["Vary"] = "Accept-Encoding"
            if "gzip" in self.headers.get("Accept-Encoding", ""):
                body = gzip.compress(body)
                headers["Content-Encoding"] = "gzip"
        self.send_response(page.status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_HEAD = do_GET
    do_POST = do_GET

    def log_message(self, format, *args):
        pass


@dataclass(frozen=True)
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def cache(self):
        return self.headers["X-Proxy-Cache"]

    @property
    def text(self):
        return self.body.decode()


def request(origin, path, *, method="GET", headers=None, source="127.0.0.1"):
    """One request, as raw as a reader's software sends it (no
    Accept-Encoding unless given), from the loopback address `source`."""
    connection = http.client.HTTPConnection(
        urlsplit(origin).netloc, timeout=10, source_address=(source, 0)
    )
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def purge(origin, keys):
    return request(origin, "/", method="PURGE", headers={"xkey-purge": keys})


def until(check, timeout=1.0):
    """The first truthy value of check() within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


@pytest.fixture(scope="module")
def app():
    server = FakeApp()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def varnish_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("varnish")


@pytest.fixture(scope="module")
def origin(app, varnish_dir):
    require_varnish()
    with run_varnish(app.server_address[1], varnish_dir) as origin:
        yield origin


def test_it_is_a_configuration_varnish_accepts(tmp_path):
    require_varnish()
    done = compile_vcl(VCL, tmp_path)
    assert done.returncode == 0, done.stderr


def test_it_keeps_public_pages_and_hides_their_surrogate_keys(app, origin):
    keys = {"xkey": "site a1 t1", "Surrogate-Key": "a1", "Cache-Tag": "a1"}
    app.serve("/story/1/", "Story one", headers=keys)
    first = request(origin, "/story/1/")
    second = request(origin, "/story/1/")
    assert (first.status, first.cache, first.text) == (200, "MISS", "Story one")
    assert (second.status, second.cache, second.text) == (200, "HIT", "Story one")
    assert app.count("/story/1/") == 1
    for answer in (first, second):
        assert not {"xkey", "Surrogate-Key", "Cache-Tag"} & set(answer.headers)
        assert answer.headers["Cache-Control"] == PUBLIC


def test_it_keeps_the_same_page_for_head_requests(app, origin):
    app.serve("/head/", "Headline")
    assert request(origin, "/head/").cache == "MISS"
    head = request(origin, "/head/", method="HEAD")
    assert (head.status, head.cache, head.body) == (200, "HIT", b"")
    assert app.count("/head/") == 1


def test_it_refreshes_pages_tagged_with_a_purged_key(app, origin):
    app.serve("/purge/k1/", "Old story", headers={"xkey": "pk1 shared"})
    app.serve("/purge/k2/", "Other story", headers={"xkey": "pk2 shared"})
    for path in ("/purge/k1/", "/purge/k2/"):
        request(origin, path)
    app.serve("/purge/k1/", "Corrected story", headers={"xkey": "pk1 shared"})

    purged = purge(origin, "pk1")

    assert (purged.status, purged.text) == (200, "1\n")
    # The next reader gets the stale copy at once while it is rendered again.
    first = request(origin, "/purge/k1/")
    assert (first.cache, first.text) == ("STALE", "Old story")
    fresh = until(lambda: request(origin, "/purge/k1/").text == "Corrected story")
    assert fresh, "the purged page was not refreshed within a second"
    assert request(origin, "/purge/k1/").cache == "HIT"
    assert app.count("/purge/k1/") == 2
    untouched = request(origin, "/purge/k2/")
    assert (untouched.cache, untouched.text) == ("HIT", "Other story")
    assert app.count("/purge/k2/") == 1


def test_it_purges_several_keys_in_one_request(app, origin):
    for name in ("ma", "mb", "mc", "md"):
        app.serve(f"/many/{name}/", f"Page {name}", headers={"xkey": f"m-{name}"})
        request(origin, f"/many/{name}/")

    # Spaces and commas separate keys; a key no page carries is no error.
    purged = purge(origin, "m-ma m-mb,m-mc  m-unknown")

    assert (purged.status, purged.text) == (200, "3\n")
    for name in ("ma", "mb", "mc"):
        assert request(origin, f"/many/{name}/").cache == "STALE"
    assert request(origin, "/many/md/").cache == "HIT"


def test_it_refuses_a_purge_without_keys(app, origin):
    app.serve("/nokeys/", "Kept", headers={"xkey": "nk"})
    request(origin, "/nokeys/")
    for headers in ({}, {"xkey-purge": ""}, {"xkey-purge": " , "}):
        refused = request(origin, "/", method="PURGE", headers=headers)
        assert refused.status == 400, headers
    assert request(origin, "/nokeys/").cache == "HIT"


def test_it_refuses_purges_from_addresses_not_in_the_acl(app, origin):
    app.serve("/acl/", "Kept", headers={"xkey": "acl"})
    request(origin, "/acl/")
    refused = request(
        origin, "/", method="PURGE", headers={"xkey-purge": "acl"}, source="127.0.0.2"
    )
    assert refused.status == 405
    assert request(origin, "/acl/").cache == "HIT"


def test_it_refuses_purges_through_the_tls_terminator(app, origin, varnish_dir):
    # There Varnish sees the terminator's own address, 127.0.0.1.
    app.serve("/tls-purge/", "Kept", headers={"xkey": "tp"})
    request(origin, "/tls-purge/")
    tls = listen_origins(varnish_dir)["tls"]
    refused = purge(tls, "tp")
    assert refused.status == 405
    assert request(origin, "/tls-purge/").cache == "HIT"


def test_it_tells_the_app_which_scheme_the_reader_used(app, origin, varnish_dir):
    app.serve("/scheme/", "Either")
    host = {"Host": "news.example.org"}
    spoofed = request(
        origin, "/scheme/", headers={**host, "X-Forwarded-Proto": "https"}
    )
    assert app.last_headers["/scheme/"]["X-Forwarded-Proto"] == "http"
    tls = listen_origins(varnish_dir)["tls"]
    secure = request(tls, "/scheme/", headers=host)
    assert app.last_headers["/scheme/"]["X-Forwarded-Proto"] == "https"
    # One copy per scheme: an http answer may be a redirect to https.
    assert (spoofed.cache, secure.cache) == ("MISS", "MISS")
    assert request(tls, "/scheme/", headers=host).cache == "HIT"
    assert request(origin, "/scheme/", headers=host).cache == "HIT"


def test_it_passes_signed_in_staff_to_the_app(app, origin):
    app.serve("/staff-view/", "Hello, editor")
    cookie = {"Cookie": "csrftoken=abc; sessionid=s3ss10n"}
    answers = [request(origin, "/staff-view/", headers=cookie) for _ in range(2)]
    assert [a.cache for a in answers] == ["PASS", "PASS"]
    assert app.count("/staff-view/") == 2
    assert app.last_headers["/staff-view/"]["Cookie"] == cookie["Cookie"]


def test_it_shares_reader_pages_whatever_other_cookies_come(app, origin):
    app.serve("/cookies/", "Reader page")
    cookies = ["_ga=GA1.2.3", "csrftoken=abc; theme=dark", "notsessionid=1"]
    answers = [request(origin, "/cookies/", headers={"Cookie": c}) for c in cookies]
    assert [a.cache for a in answers] == ["MISS", "HIT", "HIT"]
    assert "Cookie" not in app.last_headers["/cookies/"]


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/articles/article/",
        "/preview/" + quote("წინასწარი-ტოკენი") + "/",
        "/healthz",
        # An absolute URL in the request line reaches Django as its path.
        "http://news.example.org/admin/login/",
        "HTTPS://news.example.org/admin/login/?next=/admin/",
    ],
)
def test_it_always_passes_the_admin_previews_and_health(app, origin, path):
    app_path = urlsplit(path).path
    # Even if the app forgot to say so.
    app.serve(app_path, "Staff only")
    before = app.count(app_path)
    answers = [request(origin, path) for _ in range(2)]
    assert [a.cache for a in answers] == ["PASS", "PASS"]
    assert app.count(app_path) == before + 2


def test_it_passes_posts_with_their_cookies(app, origin):
    app.serve("/prompt-click/", "Counted")
    cookie = {"Cookie": "csrftoken=abc", "Content-Length": "0"}
    answers = [
        request(origin, "/prompt-click/", method="POST", headers=cookie)
        for _ in range(2)
    ]
    assert [a.cache for a in answers] == ["PASS", "PASS"]
    assert app.count("/prompt-click/") == 2
    assert app.last_headers["/prompt-click/"]["Cookie"] == "csrftoken=abc"


@pytest.mark.parametrize(
    "name, cache_control, headers",
    [
        ("private", "private, max-age=60", {}),
        ("no-store", "no-store", {}),
        ("no-cache", "no-cache, max-age=60", {}),
        ("max-age-0", "public, max-age=0", {}),
        ("no-lifetime", None, {}),
        ("set-cookie", PUBLIC, {"Set-Cookie": "csrftoken=abc; Path=/"}),
    ],
)
def test_it_never_keeps_what_the_app_says_is_not_for_sharing(
    app, origin, name, cache_control, headers
):
    path = f"/uncacheable/{name}/"
    app.serve(path, "Not shared", cache_control=cache_control, headers=headers)
    answers = [request(origin, path) for _ in range(3)]
    assert [a.cache for a in answers] == ["MISS", "PASS", "PASS"]
    assert app.count(path) == 3
    if "Set-Cookie" in headers:
        assert all(a.headers["Set-Cookie"] for a in answers)


def test_it_never_keeps_server_errors(app, origin):
    app.serve("/broken/", "Server error", status=500)
    answers = [request(origin, "/broken/") for _ in range(2)]
    assert [a.status for a in answers] == [500, 500]
    assert app.count("/broken/") == 2


def test_it_keeps_the_stale_copy_when_the_refresh_fails(app, origin):
    app.serve("/fragile/", "Last good copy", headers={"xkey": "fragile"})
    request(origin, "/fragile/")
    app.serve("/fragile/", "Server error", status=503, headers={"xkey": "fragile"})
    purge(origin, "fragile")
    first = request(origin, "/fragile/")
    assert until(lambda: app.count("/fragile/") == 2), "no background fetch"
    second = request(origin, "/fragile/")
    for answer in (first, second):
        assert (answer.status, answer.cache, answer.text) == (
            200,
            "STALE",
            "Last good copy",
        )


def test_it_answers_at_once_from_the_stale_copy_while_the_app_is_slow(app, origin):
    app.serve("/slow/", "Before", headers={"xkey": "slow"})
    request(origin, "/slow/")
    app.serve("/slow/", "After", headers={"xkey": "slow"}, delay=1)
    purge(origin, "slow")

    started = time.monotonic()
    stale = request(origin, "/slow/")
    waited = time.monotonic() - started

    assert (stale.cache, stale.text) == ("STALE", "Before")
    assert waited < 0.5
    # One background fetch renders the page; others meanwhile get the copy.
    assert request(origin, "/slow/").text == "Before"
    assert until(lambda: request(origin, "/slow/").text == "After", timeout=3)
    assert app.count("/slow/") == 2


def test_it_inflates_compressed_pages_for_readers_without_gzip(app, origin):
    app.serve("/zipped/", "Ежедневные новости " * 50, gzip=True)
    accepting = request(origin, "/zipped/", headers={"Accept-Encoding": "gzip"})
    plain = request(origin, "/zipped/")
    assert accepting.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(accepting.body).decode() == "Ежедневные новости " * 50
    assert "Content-Encoding" not in plain.headers
    assert (plain.cache, plain.text) == ("HIT", "Ежедневные новости " * 50)
    assert app.count("/zipped/") == 1


def test_it_compresses_text_the_app_sent_uncompressed(app, origin):
    app.serve("/feed.xml", "<rss>ახალი ამბები</rss>" * 40)
    zipped = request(origin, "/feed.xml", headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.body).decode() == "<rss>ახალი ამბები</rss>" * 40
    assert request(origin, "/feed.xml").text == "<rss>ახალი ამბები</rss>" * 40


def test_the_apps_old_copy_is_kept_a_second_not_passed_for_minutes(app, origin):
    # The app answers with its old copy while another of its workers renders
    # the page (X-Page-Cache: stale, max-age=0).
    app.serve(
        "/busy/",
        "Old copy",
        cache_control="public, max-age=0, stale-while-revalidate=30",
        headers={"X-Page-Cache": "stale", "xkey": "busy"},
    )
    assert request(origin, "/busy/").text == "Old copy"
    assert request(origin, "/busy/").cache == "HIT"
    app.serve("/busy/", "New page", headers={"X-Page-Cache": "miss", "xkey": "busy"})
    assert until(lambda: request(origin, "/busy/").text == "New page", timeout=3)
    assert request(origin, "/busy/").cache == "HIT"


def test_a_purged_cache_keeps_pages_as_long_as_surrogate_control_says(app, origin):
    app.serve(
        "/long/",
        "Kept",
        cache_control="public, max-age=1",
        headers={"Surrogate-Control": "max-age=3600", "xkey": "long"},
    )
    request(origin, "/long/")
    time.sleep(1.5)  # past the readers' max-age
    kept = request(origin, "/long/")
    assert (kept.cache, kept.text) == ("HIT", "Kept")
    assert "Surrogate-Control" not in kept.headers
    assert app.count("/long/") == 1
