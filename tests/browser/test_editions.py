"""The language editions in Chromium: the switcher, each edition's pages, axe.

The reader's trip between editions runs on the shared demo (`live_site`),
which has stories in English only; the pages of the other editions are
checked and pictured on `editions_site`, a copy of the demo with eight
generated stories in each of Russian, Georgian and Azerbaijani.
The interface's own words may still be English in any edition (the
catalogues are translated apart from the code), so nothing here reads them:
only addresses, `lang` attributes, the switcher and the stories' own text.
"""

import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.site import assert_well_behaved, screenshot, watch
from tests.browser.test_accessibility import (
    HOUSE_STORY,
    assert_no_violations,
    axe_report,
)

pytestmark = pytest.mark.browser

HOUSE_HEADLINE = "Azerbaijanis take to the streets against Russian invasion"
# Each edition: its home page, the name the switcher gives it, and what its
# stories' headlines are written in.
EDITIONS = {
    "en": ("/", "English", re.compile(r"[A-Za-z]")),
    "ru": ("/ru/", "Русский", re.compile(r"[А-яЁё]")),
    "ka": ("/ka/", "ქართული", re.compile(r"[\u10d0-\u10ff]")),
    "az": ("/az/", "Azərbaycanca", re.compile(r"[A-Za-zƏəĞğİıŞşÇçÖöÜü]")),
}
NAMES = [name for _home, name, _script in EDITIONS.values()]
GENERATED = ["ru", "ka", "az"]
# Letters of other scripts than the edition's, which its headlines never have.
FOREIGN = {
    "en": re.compile(r"[А-яЁё\u10a0-\u10ff]"),
    "ru": re.compile(r"[A-Za-z\u10a0-\u10ff]"),
    "ka": re.compile(r"[A-Za-zА-яЁё]"),
    "az": re.compile(r"[А-яЁё\u10a0-\u10ff]"),
}
GENERATED_PER_EDITION = 8  # tests/live.py, GENERATE_EDITIONS


@pytest.fixture(scope="module")
def axe():
    return Axe()


def path_of(page):
    return urlsplit(page.url).path


def html_lang(page):
    return page.locator("html").get_attribute("lang")


def switcher_state(page):
    """The switcher's entries in order, and the one marked as this page's."""
    switcher = page.locator("nav.editions")
    assert switcher.count() == 1, "one language switcher on the page"
    names = [name.strip() for name in switcher.locator("li").all_inner_texts()]
    current = switcher.locator("[aria-current=page]").inner_text()
    return names, current


def test_it_takes_a_reader_from_a_story_to_another_edition_and_back(site_page):
    page = site_page
    page.goto(HOUSE_STORY)
    assert page.locator("#story-headline").inner_text() == HOUSE_HEADLINE
    assert html_lang(page) == "en"
    assert switcher_state(page) == (NAMES, "English")

    # The story has no Russian version: the switcher offers the edition's home.
    switcher = page.locator("nav.editions")
    russian = switcher.get_by_role("link", name="Русский", exact=True)
    assert russian.get_attribute("hreflang") == "ru"
    russian.click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/ru/")
    assert html_lang(page) == "ru"
    assert switcher_state(page) == (NAMES, "Русский")

    switcher.get_by_role("link", name="English", exact=True).click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
    assert html_lang(page) == "en"
    assert switcher_state(page) == (NAMES, "English")

    page.go_back()
    assert path_of(page) == "/ru/"
    assert html_lang(page) == "ru"
    page.go_back()
    assert path_of(page) == HOUSE_STORY
    assert page.locator("#story-headline").inner_text() == HOUSE_HEADLINE
    assert html_lang(page) == "en"
    # site_page checks, when the test ends, that no page on the way logged an
    # error, broke the Content-Security-Policy or asked another host for anything.


def assert_edition_home(page, code):
    """The edition's home, in its language, listing its stories: the generated
    ones, or the demo's two in English."""
    home, name, script = EDITIONS[code]
    assert path_of(page) == home
    assert html_lang(page) == code
    assert switcher_state(page) == (NAMES, name)
    headlines = page.locator(".card__headline a")
    texts = headlines.all_inner_texts()
    assert len(texts) >= (GENERATED_PER_EDITION if code in GENERATED else 2), texts
    assert all(script.search(text) for text in texts), texts
    assert not any(FOREIGN[code].search(text) for text in texts), texts
    langs = {headlines.nth(n).get_attribute("lang") for n in range(len(texts))}
    assert langs <= {code, None}, langs


def open_lead_story(page, code):
    """Clicks the home page's lead story; checks it is one of the edition's."""
    _home, name, script = EDITIONS[code]
    lead = page.locator(".card--lead .card__headline a")
    headline = lead.inner_text()
    lead.click()
    page.wait_for_url(f"**/{code}/story/**")
    assert page.locator("#story-headline").inner_text() == headline
    assert script.search(headline) and not FOREIGN[code].search(headline), headline
    assert html_lang(page) == code
    # No translations: the other editions are offered by their home pages.
    assert switcher_state(page) == (NAMES, name)
    links = page.locator("nav.editions a")
    offered = {
        links.nth(n).get_attribute("hreflang"): links.nth(n).get_attribute("href")
        for n in range(links.count())
    }
    assert offered == {other: EDITIONS[other][0] for other in EDITIONS if other != code}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_has_no_axe_violations_in_the_russian_and_georgian_editions(
    editions_site, editions_context, axe, scheme
):
    page = editions_context("desktop", scheme).new_page()
    seen = watch(page, editions_site.origin)
    reports = {}
    for code in ("ru", "ka"):
        page.goto(EDITIONS[code][0])
        assert_edition_home(page, code)
        reports[f"home-{code}"] = axe_report(axe, page)
        open_lead_story(page, code)
        reports[f"story-{code}"] = axe_report(axe, page)
    assert_no_violations(reports)
    assert_well_behaved(seen)


def picture(page, name, overflowing):
    """A full-page screenshot; notes the page if it scrolls sideways."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        overflowing[name] = overflow
    screenshot(page, name)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_pictures_every_edition(editions_site, editions_context, scheme):
    page = editions_context("desktop", scheme).new_page()
    seen = watch(page, editions_site.origin)
    overflowing = {}
    for code, (home, _name, _script) in EDITIONS.items():
        page.goto(home)
        assert_edition_home(page, code)
        picture(page, f"edition-home-{code}-desktop-{scheme}", overflowing)
        if code in GENERATED:
            open_lead_story(page, code)
            picture(page, f"edition-story-{code}-desktop-{scheme}", overflowing)
    assert overflowing == {}, "pages that scroll sideways (by pixels)"
    assert_well_behaved(seen)
