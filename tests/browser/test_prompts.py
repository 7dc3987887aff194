"""Membership prompts as a reader's browser runs them (static/articles/prompts.js).

The page is the same for everyone; what a reader dismissed, how often they
saw a prompt, which variant they got and whether they are a member live in
their own browser's storage. Every test also proves that none of it went into
a cookie and that no request left the site.
"""

import time
from urllib.parse import urlsplit

import pytest

from tests.browser.site import (
    assert_well_behaved,
    focused,
    tab_until,
    watch,
)

pytestmark = pytest.mark.browser

HOME = "/"
SUPPORT = "/support/"
# The demo's own story carries a membership appeal at its end; the partner's does not.
HOUSE_STORY = "/story/azerbaijanis-take-to-the-streets-against-russian-invasion/"
PARTNER_STORY = "/story/baku-rally-in-support-of-ukraine/"

HEADER = ".prompt--header"  # membership, "Not now" hides it for 7 days
INLINE = ".prompt--inline"  # membership, "Don't show this again"
HOME_APPEAL = ".prompt--home"  # membership
FUNDRAISER = ".prompt--article_end[data-kind=fundraiser]"  # at most 3 views a week
END_APPEAL = ".prompt--article_end[data-kind=membership]"  # cannot be dismissed

DAY = 24 * 60 * 60
STORE = "newsroom.prompts"
# A reader's desktop browser: the beacon does not count headless Chromium.
DESKTOP_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
# The first roll in a tab is high (the last version wins), every later one low
# (the first would): a variant that survives a reload was remembered, not rolled.
ROLL_HIGH_ONCE = """
Math.random = () => {
  if (sessionStorage.getItem("rolled")) return 0.01;
  sessionStorage.setItem("rolled", "yes");
  return 0.99;
};
"""
HEADER_IMPRESSIONS = """
from django.db.models import Sum
from articles.models import PromptDailyStat
figures = PromptDailyStat.objects.filter(prompt__placement="header")
print(figures.aggregate(total=Sum("impressions"))["total"] or 0)
"""


@pytest.fixture
def reader(live_site, new_context):
    """Opens a reader's page; afterwards no cookie may be set and no other host asked."""
    opened = []

    def open_page(**options):
        context = new_context(**options)
        page = context.new_page()
        opened.append((context, watch(page, live_site.origin)))
        return page

    yield open_page
    for context, seen in opened:
        assert context.cookies() == [], "prompts must not need cookies"
        assert_well_behaved(seen)


def later(page, days):
    """Move the reader's clock `days` ahead and load the page again."""
    page.clock.set_fixed_time(time.time() + days * DAY)
    page.reload()


def shown(page, selector):
    return page.locator(selector).is_visible()


def stored(page):
    return page.evaluate(f"JSON.parse(localStorage.getItem({STORE!r}) || '{{}}')")


def test_it_keeps_a_prompt_dismissed_by_keyboard_across_pages_and_reloads(reader):
    page = reader()
    page.goto(HOUSE_STORY)
    tab_until(page, f"{HEADER} [data-prompt-dismiss]")
    assert focused(page, "element.textContent") == "Not now"
    page.keyboard.press("Enter")

    assert not shown(page, HEADER)
    assert focused(page, "element.id") == "content", "focus is not lost"
    assert shown(page, INLINE) and shown(page, FUNDRAISER), "only that one is hidden"
    for path in (HOME, PARTNER_STORY, SUPPORT):
        page.goto(path)
        assert not shown(page, HEADER), path
    page.reload()
    assert not shown(page, HEADER)

    later(page, days=8)
    assert shown(page, HEADER), "dismissed for 7 days, back on the 8th"


def test_it_hides_a_prompt_dismissed_for_good(reader):
    page = reader()
    page.goto(HOUSE_STORY)
    page.locator(INLINE).get_by_role("button", name="Don’t show this again").click()
    assert not shown(page, INLINE)

    page.goto(PARTNER_STORY)
    assert not shown(page, INLINE)
    assert shown(page, HEADER)
    later(page, days=400)
    assert not shown(page, INLINE)


def test_it_stops_membership_appeals_for_a_member_but_not_fundraisers(reader):
    page = reader()
    page.goto(HOUSE_STORY)
    page.locator(END_APPEAL).get_by_role("button", name="I’m already a member").click()
    for appeal in (END_APPEAL, HEADER, INLINE):
        assert not shown(page, appeal), appeal
    assert shown(page, FUNDRAISER)

    page.goto(HOME)
    assert not shown(page, HEADER) and not shown(page, HOME_APPEAL)
    page.goto(PARTNER_STORY)
    assert not shown(page, HEADER) and not shown(page, INLINE)
    assert shown(page, FUNDRAISER)

    page.goto(SUPPORT)
    page.get_by_role("button", name="Show appeals again").click()
    page.goto(HOME)
    assert shown(page, HEADER) and shown(page, HOME_APPEAL)


def test_it_stops_showing_a_prompt_after_its_weekly_views(reader):
    page = reader()
    for view in range(1, 4):
        page.goto(PARTNER_STORY)
        fundraiser = page.locator(FUNDRAISER)
        fundraiser.scroll_into_view_if_needed()
        page.wait_for_function(
            """([store, id, views]) =>
                 (JSON.parse(localStorage.getItem(store)).views[id] || []).length
                   === views""",
            arg=[STORE, fundraiser.get_attribute("data-prompt"), view],
        )
    page.goto(PARTNER_STORY)
    assert not shown(page, FUNDRAISER), "three views a week, and no more"
    assert shown(page, HEADER)

    later(page, days=8)
    assert shown(page, FUNDRAISER)


def visible_variant(page):
    return page.locator(f"{HEADER} [data-variant]:visible").get_attribute(
        "data-variant"
    )


def test_it_keeps_the_variant_a_reader_was_given(reader):
    first_time = reader()
    first_time.add_init_script("Math.random = () => 0.01;")
    first_time.goto(HOME)
    assert visible_variant(first_time) == "0", "a low roll gives the prompt's own text"

    page = reader()
    page.add_init_script(ROLL_HIGH_ONCE)
    page.goto(HOME)
    given = visible_variant(page)
    assert given != "0"
    page.reload()
    assert visible_variant(page) == given
    for path in (HOUSE_STORY, SUPPORT):
        page.goto(path)
        assert visible_variant(page) == given, path
    assert stored(page)["variants"] == {
        page.locator(HEADER).get_attribute("data-prompt"): given
    }


def test_it_shows_the_default_text_and_no_controls_without_javascript(reader):
    page = reader(java_script_enabled=False)
    page.goto(HOUSE_STORY)
    prompts = page.locator("aside[data-prompt]")
    assert prompts.count() == 4
    for prompt in prompts.all():
        assert prompt.is_visible()
        versions = prompt.locator("[data-variant]:visible")
        assert versions.count() == 1
        assert versions.get_attribute("data-variant") == "0"
    assert page.locator("[data-prompt-controls]:visible").count() == 0
    assert page.locator(".prompt__control:visible").count() == 0
    page.goto(SUPPORT)
    assert page.locator("[data-prompt-reset]").is_hidden()


def header_impressions(live_site):
    return int(live_site.manage("shell", "--no-imports", "-c", HEADER_IMPRESSIONS))


def seen_beacon(page, prompt_id, path):
    """Load `path` and wait for the answer to the beacon that reports `prompt_id`."""

    def reports_it(response):
        body = response.request.post_data or ""
        return response.url.endswith("/support/seen/") and (
            f"prompt={prompt_id}&" in body
        )

    with page.expect_response(reports_it) as beacon:
        page.goto(path)
    return beacon.value


def test_it_counts_a_view_through_the_sites_own_beacon(live_site, reader):
    before = header_impressions(live_site)

    robot = reader()
    robot.goto(SUPPORT)
    header = robot.locator(HEADER).get_attribute("data-prompt")
    assert seen_beacon(robot, header, HOME).status == 204
    assert header_impressions(live_site) == before, "headless Chromium is no reader"

    beacon = seen_beacon(reader(user_agent=DESKTOP_AGENT), header, HOME)
    assert beacon.request.method == "POST"
    assert urlsplit(beacon.url).netloc == urlsplit(live_site.origin).netloc
    assert beacon.status == 204
    assert header_impressions(live_site) == before + 1
