"""A story page's CSS and JavaScript stay small enough for a cheap phone on a slow line."""

from django.contrib.staticfiles import finders
from django.templatetags.static import static

from bench.static_size import BUDGET, asset_urls, gzip_size

STORIES = [
    "/story/azerbaijanis-take-to-the-streets-against-russian-invasion/",
    "/story/baku-rally-in-support-of-ukraine/",
]


def static_file(url):
    path = finders.find(url.removeprefix(static("")))
    assert path, f"{url} is not one of our static files"
    with open(path, "rb") as handle:
        return handle.read()


def test_it_keeps_a_story_page_under_30_kb_of_compressed_css_and_js(client, demo):
    for story in STORIES:
        response = client.get(story)
        assert response.status_code == 200
        urls = asset_urls(response.content.decode())
        assert urls, "the page references its stylesheet"
        total = sum(gzip_size(static_file(url)) for url in urls)
        assert total < BUDGET, f"{story}: {total} bytes compressed"


def test_it_loads_static_files_only_from_this_site(client, demo):
    for story in STORIES:
        response = client.get(story)
        for url in asset_urls(response.content.decode()):
            assert url.startswith(static("")), url
