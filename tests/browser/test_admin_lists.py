"""The story and prompt lists at 1280 px in Chromium: every column in view
without scrolling sideways; the prompt preview's banner readable."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.site import screenshot
from tests.browser.test_accessibility import assert_no_violations, axe_report
from tests.browser.test_editor import log_in

pytestmark = pytest.mark.browser


def overflow(page):
    """How far the list's table runs past its box (0 when it fits), and the
    headings of the columns a reader has to scroll to see."""
    return page.evaluate(
        """() => {
          const box = document.querySelector(".results").getBoundingClientRect();
          const hidden = [...document.querySelectorAll("#result_list thead th")]
            .filter((th) => th.getBoundingClientRect().right > box.right + 1)
            .map((th) => th.innerText.trim());
          const results = document.querySelector(".results");
          return [results.scrollWidth - results.clientWidth, hidden];
        }"""
    )


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/admin/articles/article/", ["STATE", "PUBLISHED", "UPDATED"]),
        (
            "/admin/articles/membershipprompt/",
            ["SEEN (30 DAYS)", "CLICKS", "CLICK-THROUGH"],
        ),
    ],
)
def test_it_fits_the_story_and_prompt_lists_at_1280_px(new_context, path, shown):
    page = log_in(new_context(), "editor")
    page.goto(path)
    assert overflow(page) == [0, []]
    headings = [
        " ".join(text.split())
        for text in page.locator("#result_list thead th").all_inner_texts()
    ]
    for heading in shown:
        assert heading in headings
    if "prompt" in path:
        row = page.locator("#result_list tbody tr").first
        assert row.get_by_role("link", name="Figures").is_visible()
        assert row.get_by_role("link", name="Preview").is_visible()
    screenshot(page, "admin/" + path.strip("/").split("/")[-1] + "-list-1280")


def test_the_prompt_preview_banner_is_readable(new_context):
    axe = Axe()
    page = log_in(new_context(), "editor")
    page.goto("/admin/articles/membershipprompt/")
    page.locator("#result_list tbody tr").first.get_by_role(
        "link", name="Preview"
    ).click()
    banner = page.locator(".preview-banner")
    story = banner.get_by_role("combobox", name="Story")
    colours = story.evaluate(
        "s => [getComputedStyle(s).color, getComputedStyle(s).backgroundColor]"
    )
    assert colours == ["rgb(22, 24, 29)", "rgb(255, 255, 255)"]
    back = banner.get_by_role("link", name="Back to the prompt")
    assert back.evaluate("a => getComputedStyle(a).color") == "rgb(255, 255, 255)"
    assert_no_violations({"prompt preview": axe_report(axe, page)})
