"""The site behind Varnish, as deployed: deploy/varnish.vcl in front of
gunicorn serving the demo, the app tagging pages with xkey and purging by key.

An edit saved through the app reaches readers through Varnish within a
second, and a story it does not touch stays in Varnish's cache.
"""

import http.client
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

from tests.live import _demo_build, _listening_socket, _serve
from tests.varnish import require_varnish, run_varnish

# Saves the first story's headline through the ORM, as the admin does, and
# prints the moment the transaction committed.
EDIT_HEADLINE = """
import time
from django.db import transaction
from articles.models import Article
story = Article.objects.get(slug={slug!r})
with transaction.atomic():
    story.headline = {headline!r}
    story.save()
print(time.time())
"""

# A story that shares nothing with the demo's two (which link each other).
ADD_UNRELATED_STORY = """
from datetime import timedelta
from django.utils import timezone
from articles.models import Article, Outlet, Section
Article.objects.create(
    headline="Tbilisi opera season opens", slug="opera-season",
    body="<p>The season opens with Paliashvili.</p>",
    section=Section.objects.create(name="Culture", slug="culture"),
    outlet=Outlet.objects.house(), status="published",
    published_at=timezone.now() - timedelta(days=3),
)
"""

STORY_PATHS = """
from articles.models import Article
print(Article.objects.published().exclude(slug="opera-season").first().get_absolute_url())
print(Article.objects.get(slug="opera-season").get_absolute_url())
"""


@pytest.fixture(scope="module")
def varnished_site(tmp_path_factory):
    """gunicorn serving a copy of the demo, with Varnish in front of it."""
    require_varnish()
    workdir = tmp_path_factory.mktemp("varnished")
    listener = _listening_socket()
    with run_varnish(listener.getsockname()[1], workdir / "varnish") as origin:
        site = _serve(
            tmp_path_factory.mktemp("varnished-site"),
            _demo_build(tmp_path_factory),
            ADD_UNRELATED_STORY,
            listener=listener,
            settings={
                "NEWSROOM_SURROGATE_HEADER": "xkey",
                "NEWSROOM_PURGE_URL": origin + "/",
                "NEWSROOM_CLOCK_SKEW_MS": "0",  # one machine: one clock
            },
        )
        live = next(site)
        try:
            yield live, origin
        finally:
            site.close()


@contextmanager
def connection_to(origin):
    connection = http.client.HTTPConnection(urlsplit(origin).netloc, timeout=10)
    try:
        yield connection
    finally:
        connection.close()


def get(origin, path):
    with connection_to(origin) as connection:
        connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        body = response.read()
        return response.status, dict(response.getheaders()), body


def text_of(headers, body):
    import gzip

    if headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return body.decode()


def test_an_edit_shows_through_varnish_within_a_second_and_nothing_else_is_purged(
    varnished_site,
):
    site, varnish = varnished_site
    edited, untouched = site.manage("shell", "-c", STORY_PATHS).split()[-2:]
    for path in (edited, untouched):
        get(varnish, path)
        status, headers, _ = get(varnish, path)
        assert (status, headers["X-Proxy-Cache"]) == (200, "HIT"), path
        assert "xkey" not in {name.lower() for name in headers}  # never to readers

    slug = edited.rstrip("/").rsplit("/", 1)[-1]
    headline = "Baku rally: the count, corrected"
    committed = float(
        site.manage(
            "shell", "-c", EDIT_HEADLINE.format(slug=slug, headline=headline)
        ).split()[-1]
    )
    while True:
        status, headers, body = get(varnish, edited)
        seen = time.time()
        if headline in text_of(headers, body) or seen - committed > 5:
            break
        time.sleep(0.02)
    assert headline in text_of(headers, body)
    assert seen - committed < 1.0

    status, headers, body = get(varnish, untouched)
    assert (status, headers["X-Proxy-Cache"]) == (200, "HIT")
    assert headline not in text_of(headers, body)


def test_staff_and_the_admin_pass_through_varnish(varnished_site):
    _, varnish = varnished_site
    for _ in range(2):
        status, headers, _ = get(varnish, "/admin/login/")
    assert status == 200
    assert headers["X-Proxy-Cache"] == "PASS"
