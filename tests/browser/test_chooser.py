"""The picture chooser in the story form, as an editor uses it: pictures
uploaded in the dialog (picked and dropped), the lead picture chosen there, a
picture and an embed put in the body from the editor's toolbar, and all of it
on the story's preview. No popup window, no page left."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.site import drop_files, in_view, screenshot, watch
from tests.browser.test_editor import log_in
from tests.helpers import jpeg_bytes

pytestmark = pytest.mark.browser

HEADLINE = "Batumi dockers stop work over unsafe cranes"
EMBED = "kanevskyi-baku-rally-tweet"
PICTURES = {
    "Cranes over Batumi harbour": {
        "alt": "Three cranes above containers on the quay.",
        "caption": "The cranes the dockers say are unsafe.",
        "credit": "Nino Beridze",
        "color": (40, 90, 140),
    },
    "Dockers meet at the gate": {
        "alt": "Dockers in orange vests listening to a speaker at the gate.",
        "caption": "The morning meeting at the harbour gate.",
        "credit": "ნინო ბერიძე",
        "color": (150, 80, 30),
    },
}
LEAD, PLACED = PICTURES

CLEAN_UP = f"""
from reversion.models import Version
from articles.models import Article, Image
for model, query in ((Article, dict(headline={HEADLINE!r})),
                     (Image, dict(title__in={list(PICTURES)!r}))):
    for obj in model.objects.filter(**query):
        Version.objects.get_for_object(obj).delete()
        obj.delete()
print(Article.objects.filter(headline={HEADLINE!r}).count()
      + Image.objects.filter(title__in={list(PICTURES)!r}).count())
"""
PREVIEW_URL = f"""
from articles.models import Article
print(Article.objects.get(headline={HEADLINE!r}).get_preview_url())
"""


@pytest.fixture
def cleaned_up(live_site):
    yield
    assert live_site.manage("shell", "--no-imports", "-c", CLEAN_UP).strip() == "0"


def axe_findings(page, selector):
    """axe-core's findings inside `selector` as the page stands; '' if none."""
    results = Axe().run(page, context=selector)
    return results.generate_report() if results.violations_count else ""


def picture_files(tmp_path):
    files = {}
    for title, picture in PICTURES.items():
        path = tmp_path / f"{title.lower().replace(' ', '-')}.jpg"
        path.write_bytes(jpeg_bytes(1200, 800, picture["color"]))
        files[title] = path
    return files


def upload_in_dialog(page, dialog, files):
    """Two pictures picked with the file input, described, uploaded; a copy of
    the first dropped on the tab is answered with the picture already there."""
    dialog.get_by_role("tab", name="Upload").click()
    dialog.locator("input[type=file]").set_input_files(list(files.values()))
    rows = dialog.locator(".media-upload")
    expect(rows).to_have_count(2)
    upload = dialog.get_by_role("button", name="Upload", exact=True)
    upload.click()  # nothing described yet: refused in the dialog
    expect(rows.first.locator(".media-upload__message")).to_contain_text("alt text")
    for row, (title, picture) in zip(rows.all(), PICTURES.items(), strict=True):
        row.get_by_label("Title").fill(title)
        row.get_by_label("Alt text: what the picture shows").fill(picture["alt"])
        row.get_by_label("Caption (optional)").fill(picture["caption"])
        row.get_by_label("Credit (optional)").fill(picture["credit"])
    upload.click()
    for row in rows.all():
        expect(row.locator(".media-upload__message")).to_have_text("Uploaded.")
    drop_files(page, "[data-chooser-drop]", {"copy.jpg": files[LEAD].read_bytes()})
    expect(rows).to_have_count(3)
    rows.nth(2).get_by_label("Alt text: what the picture shows").fill("A copy.")
    # One picture waiting: the button would use it too, but a copy is not used.
    dialog.get_by_role("button", name="Upload and use").click()
    expect(rows.nth(2).locator(".media-upload__message")).to_have_text(
        f"This picture is already in the library as “{LEAD}”."
    )
    in_view(page, "chooser-upload")
    assert axe_findings(page, "dialog.media-chooser") == ""
    return rows


def insert_from_toolbar(page, button, search, result, shot=None):
    """Put the cursor at the end of the body and insert from the toolbar."""
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.press("Control+End")
    page.get_by_role("button", name=button).click()
    dialog = page.locator("dialog.media-chooser")
    expect(dialog).to_be_visible()
    dialog.get_by_role("searchbox").fill(search)
    dialog.get_by_role("searchbox").press("Enter")
    item = dialog.locator(".media-chooser__item", has_text=result).first
    expect(item).to_be_visible()
    if shot:
        in_view(page, shot)
        assert axe_findings(page, "dialog.media-chooser") == ""
    item.click()
    expect(dialog).to_be_hidden()


def choose(page, field, text):
    """Pick `text` in one of the admin's autocomplete (select2) widgets."""
    page.click(f"#id_{field} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_it_chooses_uploads_and_places_pictures_in_the_story_form(
    live_site, new_context, tmp_path, cleaned_up
):
    page = log_in(new_context(), "editor")
    seen = watch(page, live_site.origin)
    page.goto("/admin/articles/article/add/")
    page.fill("#id_headline", HEADLINE)
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.type("Dockers in Batumi stopped work at dawn.")

    page.get_by_role("button", name="Choose a picture…").click()
    dialog = page.locator("dialog.media-chooser")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".media-chooser__item").first).to_be_visible()
    in_view(page, "chooser-library")
    assert axe_findings(page, "dialog.media-chooser") == ""
    rows = upload_in_dialog(page, dialog, picture_files(tmp_path))
    rows.first.get_by_role("button", name="Use this picture").click()
    expect(dialog).to_be_hidden()
    card = page.locator("[data-chooser-card]")
    expect(card).to_contain_text(LEAD)
    expect(card).to_contain_text(PICTURES[LEAD]["alt"])
    expect(card.locator("img")).to_have_attribute(
        "src", re.compile("^/media/renditions/")
    )
    assert page.input_value("#id_lead_image").isdigit()
    assert axe_findings(page, ".picture-chooser") == ""

    insert_from_toolbar(page, "Insert a picture", PLACED, PLACED)
    insert_from_toolbar(page, "Insert an embed", "Kanevskyi", EMBED, "chooser-embeds")
    body = page.locator(".ProseMirror[contenteditable=true]")
    expect(body).to_contain_text("[picture:")
    expect(body).to_contain_text(f"[embed:{EMBED}]")
    choose(page, "section", "News")
    choose(page, "outlet", "OC Media")
    page.eval_on_selector(
        ".field-lead_image", "row => row.scrollIntoView({ block: 'center' })"
    )
    in_view(page, "chooser-story-form")
    page.locator("#article_form [type=submit]").first.click()
    page.wait_for_load_state()
    expect(page.locator(".messagelist .success")).to_be_visible()

    page.goto(live_site.manage("shell", "--no-imports", "-c", PREVIEW_URL).strip())
    lead = page.locator(".story__lead img")
    expect(lead).to_have_attribute("alt", PICTURES[LEAD]["alt"])
    placed = page.locator(".story__body .story__picture")
    expect(placed.locator("img")).to_have_attribute("alt", PICTURES[PLACED]["alt"])
    expect(placed.locator("figcaption")).to_have_text(
        f"{PICTURES[PLACED]['caption']} Photo: {PICTURES[PLACED]['credit']}"
    )
    assert placed.locator("img").evaluate("image => image.naturalWidth") > 0
    expect(page.locator(".story__body .embed")).to_be_visible()
    expect(page.locator(".story__body")).not_to_contain_text("[picture:")
    screenshot(page, "admin/chooser-preview")
    assert_clean(seen)


def assert_clean(seen):
    """No request elsewhere, no script error, no policy violation, no failed
    response. Chromium's bare "Failed to load resource" console line is left
    out: its only source not also recorded with its address is the browser's
    own request for /favicon.ico, which the admin does not name."""
    assert not seen.foreign_requests()
    quiet = "console: Failed to load resource"
    assert [error for error in seen.errors if not error.startswith(quiet)] == []


PICTURES_IN_USE = """
from articles.models import Article
for story in Article.objects.filter(lead_image__isnull=False).order_by("pk")[:2]:
    print(story.pk, story.lead_image_id, story.lead_image.title)
"""


def test_the_card_follows_a_number_typed_or_restored(live_site, new_context):
    """A number put in the box (typed, or by an autosave's Restore, which sends
    the same change event) shows that picture's card."""
    (story, _, _), (_, other, title) = (
        line.split(" ", 2)
        for line in live_site.manage(
            "shell", "--no-imports", "-c", PICTURES_IN_USE
        ).splitlines()
    )
    page = log_in(new_context(), "editor")
    seen = watch(page, live_site.origin)
    page.goto(f"/admin/articles/article/{story}/change/")
    number = page.locator("#id_lead_image")
    number.fill(other)
    number.press("Tab")
    card = page.locator("[data-chooser-card]")
    expect(card).to_contain_text(title)
    number.fill("999999")
    number.press("Tab")
    expect(card).to_contain_text("No picture numbered “999999” in the library")
    number.fill("")
    number.press("Tab")
    expect(card).to_have_text("No picture chosen.")
    expect(page.locator("[data-chooser-clear]")).to_be_hidden()
    page.on("dialog", lambda dialog: dialog.accept())
    assert_clean(seen)
