"""The story form keeps the editor's typing and shows it as readers will see it.

An editor types a headline and a body, then clicks away: the browser asks
first. The typing is kept on the server as they go, so a reload offers it
back. A refused save keeps every input and puts the first error in front of
them. Beside the form, the unsaved story renders as readers will see it, at
desktop and phone widths.
"""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser import site
from tests.browser.site import assert_well_behaved, screenshot, watch

pytestmark = pytest.mark.browser

HEADLINE = "Flood waters reach the old town of Gori"
BODY = "Residents carried furniture upstairs as the Mtkvari rose overnight."
KEPT = 15_000  # ms: an autosave follows a pause of a few seconds

CLEAN_UP = f"""
from reversion.models import Version
from articles.models import Article, Autosave
Autosave.objects.all().delete()
for story in Article.objects.filter(headline={HEADLINE!r}):
    Version.objects.get_for_object(story).delete()
    story.delete()
print(Autosave.objects.count() + Article.objects.filter(headline={HEADLINE!r}).count())
"""


@pytest.fixture
def cleaned_up(live_site):
    """No autosave before the test or after it: each would be offered to the next.

    Asked for before the page, so it runs after the page is closed, when the
    page's last autosave (sent as it closes) has landed.
    """
    live_site.manage("shell", "--no-imports", "-c", CLEAN_UP)
    yield
    time.sleep(1)
    assert live_site.manage("shell", "--no-imports", "-c", CLEAN_UP).strip() == "0"


def log_in(page, username="editor"):
    page.set_default_timeout(10_000)
    site.log_in(page, username)


def type_story(page):
    page.fill("#id_headline", HEADLINE)
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.type(BODY)


def body_editor(page):
    return page.locator(".field-body .ProseMirror[contenteditable]")


def open_a_demo_story(page):
    page.goto("/admin/articles/article/")
    page.locator("#result_list tbody th a").first.click()
    page.wait_for_url("**/change/")


def preview_frame(page):
    return page.frame_locator(".desk-preview__frame:not(.desk-preview__frame--next)")


def test_it_asks_before_leaving_a_changed_form(cleaned_up, site_page):
    log_in(site_page)
    site_page.goto("/admin/articles/article/add/")
    type_story(site_page)
    asked = []
    site_page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    site_page.locator("#nav-sidebar").get_by_role("link", name="Images").click()
    site_page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert site_page.url.endswith("/admin/articles/article/add/")
    expect(site_page.locator("#id_headline")).to_have_value(HEADLINE)
    expect(body_editor(site_page)).to_contain_text(BODY)


def test_it_does_not_ask_when_the_form_is_saved(cleaned_up, site_page):
    log_in(site_page)
    site_page.goto("/admin/articles/article/add/")
    type_story(site_page)
    site_page.click("#id_section + .select2 .select2-selection")
    site_page.locator(".select2-results__option", has_text="News").first.click()
    asked = []
    site_page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    site_page.locator("#publishing-bar button[type=submit]").first.click()
    site_page.wait_for_url(re.compile(r".*/admin/articles/article/\d+/change/"))
    site_page.locator("#nav-sidebar").get_by_role("link", name="Images").click()
    site_page.wait_for_url("**/admin/articles/image/")
    assert asked == []


def test_a_reload_offers_the_typing_back(cleaned_up, site_page):
    log_in(site_page)
    site_page.goto("/admin/articles/article/add/")
    type_story(site_page)
    expect(site_page.locator(".desk-status")).to_contain_text(
        "Changes kept at", timeout=KEPT
    )
    site_page.on("dialog", lambda dialog: dialog.accept())
    site_page.reload()
    offer = site_page.locator(".desk-offer")
    expect(offer).to_contain_text(
        re.compile(r"You have unsaved changes from \d\d:\d\d\.")
    )
    expect(site_page.locator("#id_headline")).to_have_value("")
    site_page.evaluate("window.scrollTo(0, 0)")
    screenshot(site_page, "admin/desk-restore-offer")
    offer.get_by_role("button", name="Restore them").click()
    expect(site_page.locator("#id_headline")).to_have_value(HEADLINE)
    expect(body_editor(site_page)).to_contain_text(BODY)
    expect(offer).to_have_count(0)


def test_a_refused_save_keeps_the_typing_and_focuses_the_first_error(
    cleaned_up, site_page
):
    log_in(site_page)
    site_page.goto("/admin/articles/article/add/")
    type_story(site_page)  # no section: the save is refused
    site_page.on("dialog", lambda dialog: dialog.dismiss())
    site_page.locator("#publishing-bar button[type=submit]").first.click()
    expect(site_page.locator(".errornote")).to_be_visible()
    site_page.wait_for_load_state("load")
    expect(site_page.locator("#id_headline")).to_have_value(HEADLINE)
    expect(body_editor(site_page)).to_contain_text(BODY)
    focused_row = site_page.evaluate(
        "document.activeElement.closest('.form-row')?.className || ''"
    )
    assert "field-section" in focused_row and "errors" in focused_row


def test_the_preview_follows_the_typing_at_desktop_and_phone_widths(
    cleaned_up, site_page
):
    log_in(site_page)
    open_a_demo_story(site_page)
    # At 1280 px the form keeps its width until the editor asks for the preview.
    expect(site_page.locator(".desk-preview")).to_be_hidden()
    site_page.get_by_role("button", name="Show preview").click()
    site_page.fill("#id_headline", HEADLINE)
    frame = preview_frame(site_page)
    expect(frame.locator("#story-headline")).to_have_text(HEADLINE, timeout=5_000)
    expect(frame.locator(".preview-banner")).to_contain_text("Unsaved preview")
    site_page.evaluate("window.scrollTo(0, 0)")
    screenshot(site_page, "admin/desk-preview-desktop")
    site_page.locator(".desk-preview").get_by_role("button", name="Phone").click()
    width = site_page.locator(
        ".desk-preview__frame:not(.desk-preview__frame--next)"
    ).evaluate("frame => frame.contentWindow.innerWidth")
    assert width == 375
    site_page.fill("#id_headline", HEADLINE + " overnight")
    expect(frame.locator("#story-headline")).to_have_text(
        HEADLINE + " overnight", timeout=5_000
    )
    site_page.evaluate("window.scrollTo(0, 0)")
    screenshot(site_page, "admin/desk-preview-phone")


def test_the_preview_opens_below_its_toggle_on_a_phone(
    cleaned_up, live_site, new_context
):
    page = new_context(viewport="mobile").new_page()
    seen = watch(page, live_site.origin)
    log_in(page)
    open_a_demo_story(page)
    panel = page.locator(".desk-preview")
    expect(panel).to_be_hidden()
    page.get_by_role("button", name="Show preview").click()
    page.fill("#id_headline", HEADLINE)
    expect(preview_frame(page).locator("#story-headline")).to_have_text(
        HEADLINE, timeout=5_000
    )
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "admin/desk-preview-narrow")
    assert_well_behaved(seen)


def test_the_preview_opens_by_itself_on_a_wide_screen_until_hidden(
    cleaned_up, site_page
):
    site_page.set_viewport_size({"width": 1600, "height": 900})
    log_in(site_page)
    open_a_demo_story(site_page)
    panel = site_page.locator(".desk-preview")
    expect(panel).to_be_visible()
    expect(preview_frame(site_page).locator("#story-headline")).not_to_be_empty()
    site_page.get_by_role("button", name="Hide preview").click()
    expect(panel).to_be_hidden()
    site_page.reload()  # nothing typed: no question
    expect(site_page.get_by_role("button", name="Show preview")).to_be_visible()
    expect(panel).to_be_hidden()
