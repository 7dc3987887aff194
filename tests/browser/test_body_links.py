"""The body editor in Chromium: a full stop typed right after a link stays out
of it (the link mark is not inclusive, articles.html.BODY_EDITOR_EXTENSIONS)."""

import pytest

from tests.browser.test_editor import log_in
from tests.browser.test_story_tags import remove_stories

pytestmark = pytest.mark.browser

LINKED = "A story with a link in its body"
MAKE_LINKED_STORY = f"""
from articles.models import Article, Outlet, Section
story = Article.objects.create(
    headline={LINKED!r}, slug="a-story-with-a-link", section=Section.objects.first(),
    outlet=Outlet.objects.house(),
    body='<p>Read the <a href="https://example.org/report">report</a></p>',
)
print(story.pk)
"""


@pytest.fixture
def cleaned_up(live_site):
    yield
    remove_stories(live_site, LINKED)


def test_it_keeps_a_full_stop_typed_after_a_link_out_of_it(
    live_site, new_context, cleaned_up
):
    story = live_site.manage("shell", "--no-imports", "-c", MAKE_LINKED_STORY).strip()
    page = log_in(new_context(), "editor")
    page.goto(f"/admin/articles/article/{story}/change/")
    body = page.locator(".ProseMirror[contenteditable=true]")
    body.locator("a").click()
    page.keyboard.press("End")
    page.keyboard.type(". Then more")
    paragraph = body.locator("p").first
    assert paragraph.inner_text() == "Read the report. Then more"
    assert body.locator("a").inner_text() == "report"
