"""Print the compressed size of the CSS and JavaScript a page makes the reader fetch.

    python bench/static_size.py [page URL ...]

Without arguments it measures both demo stories on `make demo`'s server. The
figure is gzip at level 9 (what whitenoise precompresses); brotli, which
browsers prefer, comes out smaller still. The budget for a story is 30 kB.
"""

import gzip
import re
import sys
import urllib.request
from urllib.parse import urljoin

BUDGET = 30_000
DEMO_STORIES = [
    "http://127.0.0.1:8000/story/azerbaijanis-take-to-the-streets-against-russian-invasion/",
    "http://127.0.0.1:8000/story/baku-rally-in-support-of-ukraine/",
]
# Stylesheets and scripts: the files that block or run on every page view.
ASSET = re.compile(
    r"""<link\b[^>]*\brel=["']?stylesheet["']?[^>]*\bhref=["']([^"']+)["']"""
    r"""|<script\b[^>]*\bsrc=["']([^"']+)["']""",
    re.IGNORECASE,
)


def asset_urls(html):
    """The stylesheets and scripts a page references, in order, without repeats."""
    found = [href or src for href, src in ASSET.findall(html)]
    return list(dict.fromkeys(found))


def gzip_size(content):
    return len(gzip.compress(content, compresslevel=9))


def _fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
        return response.read()


def measure(page_url):
    html = _fetch(page_url).decode()
    sizes = {url: gzip_size(_fetch(urljoin(page_url, url))) for url in asset_urls(html)}
    return sizes


def main(urls):
    over = False
    for page_url in urls or DEMO_STORIES:
        sizes = measure(page_url)
        total = sum(sizes.values())
        over |= total > BUDGET
        print(page_url)
        for url, size in sizes.items():
            print(f"  {size:>7,} B  {url}")
        print(f"  {total:>7,} B  total (gzip -9), budget {BUDGET:,} B")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
