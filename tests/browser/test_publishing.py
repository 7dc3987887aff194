"""The publishing bar and the review queue in a real browser, on the demo
under gunicorn: an editor publishes a draft from the bar; a reporter submits,
gets the story back with a comment, fixes it and submits it again, and the
editor publishes it. Only clicks and typing; screenshots go to
var/screenshots/admin/ for people to review."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.site import in_view, screenshot

pytestmark = pytest.mark.browser

EDITORS_DRAFT = "Tbilisi metro fares rise for the first time in six years"
REPORTERS_DRAFT = "Ganja farmers wait for water as the canal stays dry"
COMMENT = "Who says the canal was shut on purpose? Name them or cut the line."

# Two drafts as a newsroom would have them: the editor's, and the reporter's.
SET_UP = f"""
from django.contrib.auth.models import User
from articles.models import Article, Outlet, Section
news, house = Section.objects.get(slug="news"), Outlet.objects.get(slug="oc-media")
for headline, slug, writer in (
    ({EDITORS_DRAFT!r}, "metro-fares-rise", "editor"),
    ({REPORTERS_DRAFT!r}, "ganja-canal-dry", "reporter"),
):
    Article.objects.create(
        headline=headline, slug=slug, section=news, outlet=house, language="en",
        body="<p>The canal that feeds the district's fields has been dry since May.</p>"
        "<p>The ministry said the closure was planned.</p>",
        created_by=User.objects.get(username=writer),
    )
"""
CLEAN_UP = """
from reversion.models import Version
from articles.models import Article
for story in Article.objects.filter(slug__in=["metro-fares-rise", "ganja-canal-dry"]):
    Version.objects.get_for_object(story).delete()
    story.delete()
print(Article.objects.filter(slug__in=["metro-fares-rise", "ganja-canal-dry"]).count())
"""


@pytest.fixture
def drafts(live_site):
    live_site.manage("shell", "--no-imports", "-c", SET_UP)
    yield
    assert live_site.manage("shell", "--no-imports", "-c", CLEAN_UP).strip() == "0"


def said(page):
    return page.locator(".messagelist .success").first.inner_text()


def bar(page):
    return page.locator("#publishing-bar")


def assert_accessible(page, selector):
    """axe-core finds no WCAG problem in the part of the page `selector` names."""
    results = Axe().run(page, context=selector)
    assert not results.violations_count, results.generate_report()


def open_story(page, headline):
    """From the story list, by clicking the headline (searched by a word of it)."""
    page.goto("/admin/articles/article/")
    page.fill("#searchbar", headline.split()[0])
    page.press("#searchbar", "Enter")
    page.get_by_role("link", name=headline, exact=True).click()
    page.wait_for_selector("#publishing-bar")


def test_an_editor_publishes_a_draft_from_the_bar(sign_in, drafts, new_context):
    editor = sign_in("editor")
    open_story(editor, EDITORS_DRAFT)
    assert "Draft" in bar(editor).inner_text()
    in_view(editor, "bar-draft-editor")

    # The bar stays in view at the foot of a long form.
    editor.mouse.wheel(0, 4000)
    editor.wait_for_timeout(200)
    box = bar(editor).bounding_box()
    assert box is not None and 0 <= box["y"] <= 5
    in_view(editor, "bar-draft-editor-scrolled")

    editor.get_by_role("button", name="Publish now").click()
    assert said(editor) == f"Published: “{EDITORS_DRAFT}” is live."
    assert "Live since" in bar(editor).inner_text()
    assert editor.get_by_role("button", name="Publish now").count() == 0
    in_view(editor, "bar-live-editor")

    # Scheduling a live story asks first, on the page.
    editor.get_by_text("Schedule…").click()
    panel = editor.locator("details[data-panel=schedule]")
    assert "takes it off the site now" in panel.inner_text()
    assert panel.get_by_role("button", name="Schedule").is_disabled()
    in_view(editor, "bar-schedule-live-asks-first")
    assert_accessible(editor, "#publishing-bar")
    editor.keyboard.press("Escape")

    reader = new_context().new_page()
    reader.goto("/")
    assert EDITORS_DRAFT in reader.locator(".card__headline").all_inner_texts()


def test_a_reporter_submits_gets_a_comment_fixes_and_resubmits(sign_in, drafts):
    reporter = sign_in("reporter")
    open_story(reporter, REPORTERS_DRAFT)
    moves = reporter.locator("#publishing-bar button[name=move]").all_inner_texts()
    assert moves == ["Save draft", "Submit for review"]
    reporter.get_by_role("button", name="Submit for review").click()
    assert said(reporter).startswith("Submitted for review: the editors have been told")
    assert "In review since" in bar(reporter).inner_text()
    in_view(reporter, "bar-review-reporter")

    editor = sign_in("editor")
    queue = editor.locator(".review-queue__panel", has_text="Awaiting review")
    assert REPORTERS_DRAFT in queue.inner_text()
    screenshot(editor, "admin/home-editor")
    assert_accessible(editor, ".review-queue")
    queue.get_by_role("link", name=REPORTERS_DRAFT).click()
    editor.get_by_text("Return with comment…").click()
    editor.get_by_label("What needs changing").fill(COMMENT)
    in_view(editor, "bar-return-with-comment")
    editor.get_by_role("button", name="Return to the reporter").click()
    assert said(editor).startswith("Returned to the reporter with your comment")

    reporter.goto("/admin/")
    returned = reporter.locator(".review-queue__panel", has_text="Returned")
    assert COMMENT in returned.inner_text()
    screenshot(reporter, "admin/home-reporter-returned")
    assert_accessible(reporter, ".review-queue")
    returned.get_by_role("link", name=REPORTERS_DRAFT).click()
    assert COMMENT in bar(reporter).inner_text()
    in_view(reporter, "bar-returned-reporter")
    assert_accessible(reporter, "#publishing-bar")
    headline = reporter.locator("#id_headline")
    headline.click()
    headline.press("End")
    headline.type(", farmers say")
    reporter.get_by_role("button", name="Submit for review").click()
    assert said(reporter).startswith("Submitted for review")

    editor.goto("/admin/")
    fixed = REPORTERS_DRAFT + ", farmers say"
    queue = editor.locator(".review-queue__panel", has_text="Awaiting review")
    queue.get_by_role("link", name=fixed).click()
    editor.get_by_role("button", name="Publish now").click()
    assert said(editor) == f"Published: “{fixed}” is live."


def test_the_bar_fits_a_phone(sign_in, drafts):
    editor = sign_in("editor", viewport="mobile")
    open_story(editor, EDITORS_DRAFT)
    width = editor.evaluate("document.documentElement.scrollWidth")
    box = bar(editor).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    in_view(editor, "bar-draft-phone")
