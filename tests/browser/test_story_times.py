"""Times on the story form in Chromium: each date field names the newsroom's
time zone, Django's "N hours behind server time" note is gone, and "Now" gives
the newsroom's time on a computer set to another zone."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.browser.test_editor import log_in

pytestmark = pytest.mark.browser


def test_it_names_the_newsrooms_time_zone_and_its_now_is_the_newsrooms(
    new_context,
):
    # A computer in UTC, four hours behind Tbilisi, as in the report.
    page = log_in(new_context(timezone_id="UTC"), "editor")
    page.goto("/admin/articles/article/add/")
    page.get_by_role("button", name="Add another correction").click()
    row = page.locator("#corrections-0")
    assert "Tbilisi time:" in row.inner_text()
    assert "server time" not in page.locator("body").inner_text()
    row.get_by_role("link", name="Now").click()
    typed = row.locator("input.vTimeField").input_value()
    in_tbilisi = datetime.now(ZoneInfo("Asia/Tbilisi"))
    assert typed[:2] == f"{in_tbilisi:%H}"
