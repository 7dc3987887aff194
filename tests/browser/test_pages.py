"""Every reader page at phone and desktop widths, in both colour schemes."""

import pytest

from tests.browser.site import (
    assert_well_behaved,
    screenshot,
    watch,
)

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "story-ocmedia": "/story/azerbaijanis-take-to-the-streets-against-russian-invasion/",
    "story-jamnews": "/story/baku-rally-in-support-of-ukraine/",
    "tag": "/tag/baku/",
    "section": "/section/news/",
    "search": "/search/?q=Baku",
    "support": "/support/",
    "not-found": "/story/no-such-story/",
}


@pytest.mark.parametrize("viewport", ["mobile", "desktop"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_fits_every_page_to_the_screen(live_site, new_context, viewport, scheme):
    context = new_context(viewport, scheme)
    page = context.new_page()
    seen = watch(page, live_site.origin)
    overflowing = {}
    for name, path in PAGES.items():
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            overflowing[name] = overflow
        screenshot(page, f"{name}-{viewport}-{scheme}")
    context.close()
    assert overflowing == {}, "pages that scroll sideways (by pixels)"
    # The 404 page logs its status as a console error; nothing else may.
    seen.errors = [e for e in seen.errors if "404" not in e]
    assert_well_behaved(seen)


def test_it_prints_a_story_without_the_site_around_it(new_context):
    context = new_context()
    page = context.new_page()
    page.emulate_media(media="print")
    page.goto(PAGES["story-jamnews"])
    for hidden in (".site-header", ".site-footer", ".prompt", ".story__tags"):
        assert page.locator(hidden).first.is_hidden(), hidden
    assert page.locator("#story-headline").is_visible()
    assert page.locator(".story__body").is_visible()
    original = page.locator(".story__attribution a[href^='http']").last
    spelled_out = original.evaluate("a => getComputedStyle(a, '::after').content")
    assert "jam-news.net" in spelled_out
    screenshot(page, "story-jamnews-print")
    context.close()


def test_it_sets_the_home_appeal_beside_its_button_on_wide_screens(new_context):
    page = new_context("desktop").new_page()
    page.goto(PAGES["home"])
    appeal = page.locator(".prompt--home")
    heading = appeal.locator("[data-variant]:visible .prompt__heading").bounding_box()
    button = appeal.locator("[data-variant]:visible .prompt__button").bounding_box()
    assert button["x"] > heading["x"] + heading["width"]
    assert button["y"] < heading["y"] + heading["height"] * 2


@pytest.mark.parametrize("viewport", ["mobile", "desktop"])
def test_it_lines_up_the_search_filters(new_context, viewport):
    page = new_context(viewport).new_page()
    page.goto(PAGES["search"])
    heights = page.locator(
        ".filters select, .filters input:not([name=q])"
    ).evaluate_all(
        "fields => fields.map(field => field.getBoundingClientRect().height)"
    )
    assert len(set(heights)) == 1, f"filter fields of different heights: {heights}"
