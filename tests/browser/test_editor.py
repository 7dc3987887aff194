"""The newsroom's day in the admin: a reporter writes, an editor publishes, readers see it.

Each step is one function, so the journey reads as the newsroom works and a
step can change on its own when the admin's workflow does.
"""

import re

import pytest

from tests.browser.conftest import DEMO_PASSWORD
from tests.browser.site import open_context, screenshot
from tests.helpers import jpeg_bytes

pytestmark = pytest.mark.browser

HEADLINE = "Volunteers in Baku collect medicine for Ukraine"
PARAGRAPHS = [
    "Volunteers gathered donated medicine at a school in central Baku on Monday.",
    "The first lorry is to leave for the Ukrainian border on Friday, they said.",
]


def log_in(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def log_out(page):
    page.locator("#logout-form button").click()
    page.wait_for_url("**/admin/logout/")


def upload_image(page, tmp_path, title):
    picture = tmp_path / "volunteers.jpg"
    picture.write_bytes(jpeg_bytes(1200, 800, (60, 90, 120)))
    page.goto("/admin/articles/image/add/")
    page.set_input_files("#id_file", picture)
    page.fill("#id_title", title)
    page.fill("#id_alt_text", "Volunteers loading boxes of medicine into a lorry.")
    page.fill("#id_credit", "Newsroom photographer")
    page.click("input[name=_save]")
    page.locator(".messagelist .success").wait_for()


def choose(page, field, text):
    """Pick `text` in one of the admin's autocomplete (select2) widgets."""
    page.click(f"#id_{field} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", text)
    option = page.locator(".select2-results__option", has_text=text).first
    option.click()


def write_story(page, image_title):
    page.goto("/admin/articles/article/add/")
    page.fill("#id_headline", HEADLINE)
    page.fill("#id_standfirst", "A school gym became a depot for medicine.")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    for number, paragraph in enumerate(PARAGRAPHS):
        if number:
            page.keyboard.press("Enter")
        page.keyboard.type(paragraph)
    page.fill("#id_tags", "Baku, humanitarian aid")
    choose(page, "lead_image", image_title)
    choose(page, "section", "News")
    choose(page, "outlet", "OC Media")
    screenshot(page, "admin-story-desktop-light")


def submit_for_review(page):
    page.select_option("#id_status", "review")
    page.click("input[name=_save]")
    page.locator(".messagelist .success").wait_for()


def open_in_admin(page):
    page.goto("/admin/articles/article/?q=" + HEADLINE.split()[0])
    page.get_by_role("link", name=HEADLINE).click()


def publish(page):
    open_in_admin(page)
    page.select_option("#id_status", "published")
    page.locator(".field-published_at .datetimeshortcuts a", has_text="Today").click()
    page.locator(".field-published_at .datetimeshortcuts a", has_text="Now").click()
    page.click("input[name=_save]")
    page.locator(".messagelist .success").wait_for()


def take_down(page):
    """Delete the story again, so the other tests see the demo as it was."""
    open_in_admin(page)
    page.get_by_role("link", name="Delete", exact=True).click()
    page.wait_for_url(re.compile(r"/delete/"))
    page.get_by_role("button", name="Yes, I’m sure").click()
    page.locator(".messagelist .success").wait_for()


def test_it_takes_a_story_from_reporter_to_editor_to_the_home_page(
    live_site, browser, tmp_path
):
    context = open_context(browser)
    page = context.new_page()
    page.set_default_timeout(10_000)
    exceptions = []
    page.on("pageerror", lambda error: exceptions.append(error))

    log_in(page, "reporter")
    upload_image(page, tmp_path, "Medicine depot")
    write_story(page, "Medicine depot")
    submit_for_review(page)
    log_out(page)

    page.goto("/")
    assert page.get_by_role("link", name=HEADLINE).count() == 0

    log_in(page, "editor")
    publish(page)

    page.goto("/")
    page.locator(".card--lead").get_by_role("link", name=HEADLINE).click()
    assert page.locator("#story-headline").inner_text() == HEADLINE
    assert page.locator(".story__body p").all_inner_texts() == PARAGRAPHS
    lead_image = page.locator(".story__lead img")
    assert lead_image.get_attribute("alt").startswith("Volunteers loading")

    take_down(page)
    page.goto("/")
    assert page.get_by_role("link", name=HEADLINE).count() == 0
    context.close()
    assert exceptions == []
