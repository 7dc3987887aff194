"""Chromium pages that watch the app under gunicorn (tests/live.py).

Every page a test opens records its requests, console errors, uncaught
exceptions and Content-Security-Policy violations; `site_page` fails the test
if any of them went wrong, so each journey also proves the page loads nothing
from another host and breaks no rule of the policy.
"""

from contextlib import contextmanager
from pathlib import Path

import pytest

from tests import live
from tests.browser.site import assert_well_behaved, log_in, open_context, watch
from tests.live import DEMO_PASSWORD  # noqa: F401  (the demo accounts' password)

# The demo with generated stories in every edition (the browser tests' alone).
editions_site = live.editions_site

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"Chromium not found at {CHROMIUM}: apt-get install chromium"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@contextmanager
def _contexts_on(browser, origin):
    """A maker of browser contexts on `origin`, all closed at the end."""
    contexts = []

    def new(viewport="desktop", color_scheme="light", **options):
        context = open_context(browser, origin, viewport, color_scheme, **options)
        contexts.append(context)
        return context

    yield new
    for context in contexts:
        context.close()


@pytest.fixture
def new_context(live_site, browser):
    """Opens browser contexts on the live site (viewport, scheme, options); closes them."""
    with _contexts_on(browser, live_site.origin) as new:
        yield new


@pytest.fixture
def editions_context(editions_site, browser):
    """Opens browser contexts, as `new_context` does, on the site with stories
    in every language edition (tests/live.py)."""
    with _contexts_on(browser, editions_site.origin) as new:
        yield new


@pytest.fixture
def site_page(live_site, new_context):
    """A desktop page in the light scheme that must stay clean to the end."""
    context = new_context()
    page = context.new_page()
    seen = watch(page, live_site.origin)
    yield page
    context.close()
    assert_well_behaved(seen)


@pytest.fixture
def sign_in(live_site, new_context):
    """Signs a demo account in, in a browser of its own, and hands over the
    page on the admin's home; every page watched to the end of the test."""
    watches = []

    def sign_in(username, viewport="desktop"):
        page = new_context(viewport=viewport).new_page()
        page.set_default_timeout(15_000)
        watches.append(watch(page, live_site.origin))
        log_in(page, username)
        return page

    yield sign_in
    for seen in watches:
        assert_well_behaved(seen)
