"""A reader's way through the site, clicking as a reader would, on a phone and a desktop.

Every page on the way must load nothing from another host, log no error and
break no rule of the Content-Security-Policy.
"""

import re

import pytest

from tests.browser.site import assert_well_behaved, watch

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", ["mobile", "desktop"])
def test_it_takes_a_reader_from_home_to_story_tag_search_and_support(
    live_site, new_context, viewport
):
    context = new_context(viewport)
    page = context.new_page()
    seen = watch(page, live_site.origin)

    page.goto("/")
    lead = page.locator(".card--lead .card__headline a")
    headline = lead.inner_text()
    lead.click()
    page.wait_for_url("**/story/**")
    assert page.locator("#story-headline").inner_text() == headline
    assert page.locator(".story__body p").count() > 5

    page.locator(".story__tags").get_by_role("link", name="Baku").click()
    page.wait_for_url("**/tag/baku/")
    assert page.locator("h1").inner_text() == "Baku"
    assert page.locator(".grid .card").count() == 2

    page.get_by_role("searchbox", name="Search stories").first.fill("humanitarian")
    page.get_by_role("searchbox", name="Search stories").first.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=humanitarian"))
    assert "found" in page.locator(".result-count").inner_text()
    assert page.locator(".grid .card").count() >= 1

    page.get_by_role("navigation", name="Sections").get_by_role(
        "link", name="Support us"
    ).click()
    page.wait_for_url("**/support/")
    assert page.locator(".tier").count() == 3
    assert (
        page.locator(".tier .button").first.get_attribute("href").startswith("https://")
    )

    context.close()
    assert len(seen.requests) > 5
    assert_well_behaved(seen)


def test_it_reads_fine_without_javascript(live_site, new_context):
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    seen = watch(page, live_site.origin)
    page.goto("/story/baku-rally-in-support-of-ukraine/")
    assert page.locator("#story-headline").is_visible()
    assert page.locator(".story__lead img").evaluate("image => image.naturalWidth") > 0
    assert page.locator(".prompt--article_end").first.is_visible()
    context.close()
    assert_well_behaved(seen)
