"""Tags on the story form in Chromium: typed as names, suggested from the tags in
use, and saved as taggit reads them, names with commas and quotes included."""

import pytest

from tests.browser.site import screenshot
from tests.browser.test_editor import choose, log_in

pytestmark = pytest.mark.browser

HEADLINE = "Tags typed in the story form"
TAGS = ["Азербайджан", "Baku, Azerbaijan", "O'Brien", "Baku"]

TAGS_OF = f"""
from articles.models import Article
story = Article.objects.get(headline={HEADLINE!r})
print("|".join(sorted(story.tags.names())))
"""
# Whatever a test does, the other tests see the demo as it was.
REMOVE_STORIES = """
from reversion.models import Version
from articles.models import Article
for story in Article.objects.filter(headline__in={headlines!r}):
    Version.objects.get_for_object(story).delete()
    story.delete()
"""


def remove_stories(live_site, *headlines):
    """Delete the stories a test made on the live site, and their revisions."""
    code = REMOVE_STORIES.format(headlines=list(headlines))
    live_site.manage("shell", "--no-imports", "-c", code)


@pytest.fixture
def cleaned_up(live_site):
    yield
    remove_stories(live_site, HEADLINE)


def chips(page):
    return page.locator(".tag-editor__chip span").all_inner_texts()


def test_it_takes_tags_as_names_and_suggests_those_in_use(
    live_site, new_context, cleaned_up
):
    page = log_in(new_context(), "reporter")
    page.goto("/admin/articles/article/add/")
    page.fill("#id_headline", HEADLINE)
    choose(page, "section", "News")
    choose(page, "outlet", "OC Media")
    tags = page.locator("#id_tags")
    tags.press_sequentially("bak")
    suggestion = page.get_by_role("option", name="Baku", exact=True)
    suggestion.wait_for()
    assert tags.get_attribute("aria-expanded") == "true"
    tags.press("ArrowDown")
    tags.press("Enter")
    assert chips(page) == ["Baku"]
    for typed in ["Азербайджан", '"Baku, Azerbaijan"', "O'Brien"]:
        tags.press_sequentially(typed)
        tags.press("Enter")
    assert chips(page) == ["Baku", "Азербайджан", "Baku, Azerbaijan", "O'Brien"]
    page.get_by_role("button", name="Remove the tag O'Brien").click()
    tags.press_sequentially("O'Brien,")
    assert chips(page)[-1] == "O'Brien"
    screenshot(page, "admin/story-tags")
    page.locator("#publishing-bar button[name=move][value=save]").click()
    page.locator(".messagelist .success").wait_for()

    saved = live_site.manage("shell", "--no-imports", "-c", TAGS_OF).strip()
    assert saved.split("|") == sorted(TAGS)
    page.reload()
    assert sorted(chips(page)) == sorted(TAGS)
    assert not any('"' in chip for chip in chips(page))
