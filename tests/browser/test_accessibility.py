"""WCAG 2.2 AA in Chromium: axe-core on every reader page, keyboard use, motion."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.site import focused, tab_until

pytestmark = pytest.mark.browser

AXE_PAGES = {
    "home": "/",
    "story-ocmedia": "/story/azerbaijanis-take-to-the-streets-against-russian-invasion/",
    "story-jamnews": "/story/baku-rally-in-support-of-ukraine/",
    "tag": "/tag/baku/",
    "search": "/search/?q=rally",
    "support": "/support/",
}
STORY = AXE_PAGES["story-jamnews"]
# The house story carries every kind of prompt control; each is pressed in turn.
HOUSE_STORY = AXE_PAGES["story-ocmedia"]
PROMPT_CONTROLS = [
    ".prompt--header [data-prompt-dismiss]",
    ".prompt--inline [data-prompt-dismiss]",
    ".prompt--article_end[data-kind=fundraiser] [data-prompt-dismiss]",
    ".prompt--article_end[data-kind=membership] [data-prompt-member]",
]


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_has_no_axe_violations(new_context, axe, scheme):
    context = new_context("desktop", scheme)
    page = context.new_page()
    reports = {}
    for name, path in AXE_PAGES.items():
        page.goto(path)
        reports[name] = axe_report(axe, page)
    context.close()
    assert_no_violations(reports)


def axe_report(axe, page):
    """axe-core's findings on the page as it stands now; '' when there are none."""
    results = axe.run(page)
    return results.generate_report() if results.violations_count else ""


def assert_no_violations(reports):
    found = {name: text for name, text in reports.items() if text}
    assert not found, "\n".join(f"{name}: {text}" for name, text in found.items())


def test_it_lets_a_keyboard_reader_skip_to_the_story(new_context):
    context = new_context()
    page = context.new_page()
    page.goto("/")
    page.keyboard.press("Tab")
    assert focused(page, "element.textContent") == "Skip to content"
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0, "the focused skip link is on screen"
    page.keyboard.press("Enter")
    assert focused(page, "element.id") == "content"
    passed = tab_until(page, ".card--lead .card__headline")
    assert len(passed) <= 1, "only the lead's section link comes before its headline"
    headline = focused(page, "element.textContent")
    page.keyboard.press("Enter")
    page.wait_for_url("**/story/**")
    assert page.locator("#story-headline").inner_text() == headline
    context.close()


def test_it_lets_a_keyboard_reader_reach_every_prompt(new_context):
    context = new_context()
    page = context.new_page()
    page.goto(STORY)
    for placement in ("header", "inline", "article_end"):
        tab_until(page, f".prompt--{placement}")
        assert focused(page, "element.matches('.prompt__button')")
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_lets_a_keyboard_reader_hide_prompts_and_bring_them_back(
    new_context, axe, scheme
):
    page = new_context("desktop", scheme).new_page()
    page.goto(HOUSE_STORY)
    assert page.locator(".prompt__control:visible").count() == 6
    reports = {"story, controls shown": axe_report(axe, page)}
    for control in PROMPT_CONTROLS:
        tab_until(page, control)
        assert focus_is_visible(page), control
        page.keyboard.press("Enter")
        prompt = control.split()[0]
        assert page.locator(prompt).is_hidden(), f"Enter on {control} hides it"
        assert focused(page, "element.id") == "content", "the focus stays in the page"
    reports["story, prompts hidden"] = axe_report(axe, page)

    page.goto("/support/")
    tab_until(page, "[data-prompt-reset] button")
    assert focused(page, "element.textContent") == "Show appeals again"
    assert focus_is_visible(page)
    reports["support, reset shown"] = axe_report(axe, page)
    page.keyboard.press("Enter")
    assert page.locator("[data-prompt-reset]").is_hidden()
    assert focused(page, "element.id") == "content", "the focus stays in the page"
    page.goto(HOUSE_STORY)
    assert page.locator(".prompt--header").is_visible()
    assert_no_violations(reports)


def focus_is_visible(page):
    return focused(
        page,
        """(() => {
          const style = getComputedStyle(element);
          return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
        })()""",
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_shows_where_the_keyboard_focus_is(new_context, scheme):
    context = new_context("desktop", scheme)
    page = context.new_page()
    page.goto(STORY)
    invisible, reached = [], 0
    while reached < 200:
        page.keyboard.press("Tab")
        reached += 1
        if focused(page, "element === document.body"):
            break
        if not focus_is_visible(page):
            invisible.append(focused(page, "element.outerHTML.slice(0, 80)"))
        if focused(
            page,
            "element.closest('.site-footer') !== null && "
            "element === [...document.querySelectorAll('a')].at(-1)",
        ):
            break
    context.close()
    assert reached > 20, "the walk went through the whole page"
    assert invisible == []


def test_it_marks_other_languages_in_the_tweet(new_context):
    context = new_context()
    page = context.new_page()
    page.goto(STORY)
    assert page.locator("html").get_attribute("lang") == "en"
    tweet = page.locator(".embed")
    assert "Бакинці" in tweet.locator('p[lang="uk"]').inner_text()
    assert "Bakılılar" in tweet.locator('p[lang="az"]').inner_text()
    context.close()


def test_it_gives_every_picture_a_text_alternative(new_context):
    context = new_context()
    page = context.new_page()
    missing = {}
    for name, path in AXE_PAGES.items():
        page.goto(path)
        without = page.evaluate(
            """[...document.images]
                 .filter((image) => !image.closest("[aria-hidden=true]"))
                 .filter((image) => !image.alt.trim())
                 .map((image) => image.src)"""
        )
        if without:
            missing[name] = without
    context.close()
    assert missing == {}


@pytest.mark.parametrize("name", list(AXE_PAGES))
def test_it_has_one_of_each_landmark_and_one_h1(new_context, name):
    context = new_context()
    page = context.new_page()
    page.goto(AXE_PAGES[name])
    counts = {
        role: page.get_by_role(role).count()
        for role in ("banner", "main", "contentinfo", "search")
    }
    assert counts == {"banner": 1, "main": 1, "contentinfo": 1, "search": 1}
    assert page.locator("h1").count() == 1
    context.close()


@pytest.mark.parametrize(
    ("motion", "scroll", "transition"),
    [("reduce", "auto", "0s"), ("no-preference", "smooth", "0.12s")],
)
def test_it_respects_reduced_motion(new_context, motion, scroll, transition):
    context = new_context(reduced_motion=motion)
    page = context.new_page()
    page.goto(STORY)
    assert (
        page.evaluate("getComputedStyle(document.documentElement).scrollBehavior")
        == scroll
    )
    button = page.locator(".prompt__button").first
    assert button.evaluate("b => getComputedStyle(b).transitionDuration") == transition
    context.close()
