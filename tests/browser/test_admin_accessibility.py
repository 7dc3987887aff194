"""WCAG 2.2 AA in the admin: axe-core finds nothing on the pages editors and
reporters use most, in the light and the dark colour scheme."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.site import screenshot
from tests.browser.test_accessibility import assert_no_violations, axe_report
from tests.browser.test_editor import log_in

pytestmark = pytest.mark.browser

LIVE_STORY = "Azerbaijanis take to the streets against Russian invasion"
EDITOR_PAGES = {
    "home": "/admin/",
    "story-list": "/admin/articles/article/",
    "story-add": "/admin/articles/article/add/",
    "story-change": "story",
    "picture-add": "/admin/articles/image/add/",
    "prompt-list": "/admin/articles/membershipprompt/",
    "sign-in-security": "/admin/account/security/",
    "authenticator-app": "/admin/account/app/",
}
REPORTER_PAGES = {
    "reporter-home": "/admin/",
    "reporter-story-add": "/admin/articles/article/add/",
    # A live story: read-only to a reporter, its body shown as readers see it.
    "reporter-story-live": "story",
}


@pytest.fixture(scope="module")
def axe():
    return Axe()


def signed_in(new_context, username, scheme):
    return log_in(new_context("desktop", scheme), username)


def story_url(page):
    page.goto("/admin/articles/article/")
    return page.get_by_role("link", name=LIVE_STORY, exact=True).get_attribute("href")


def axe_reports(page, axe, pages, scheme):
    reports = {}
    for name, path in pages.items():
        page.goto(story_url(page) if path == "story" else path)
        # The body editor and the tag picker build their parts after loading.
        page.wait_for_load_state("networkidle")
        reports[name] = axe_report(axe, page)
        screenshot(page, f"admin/{name}-{scheme}")
    return reports


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_has_no_axe_violations_on_the_editors_pages(new_context, axe, scheme):
    page = signed_in(new_context, "editor", scheme)
    assert_no_violations(axe_reports(page, axe, EDITOR_PAGES, scheme))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_has_no_axe_violations_on_the_reporters_pages(new_context, axe, scheme):
    page = signed_in(new_context, "reporter", scheme)
    assert_no_violations(axe_reports(page, axe, REPORTER_PAGES, scheme))
