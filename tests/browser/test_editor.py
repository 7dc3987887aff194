"""The newsroom's day in the admin: a reporter writes, an editor publishes, readers see it.

Each step is one function, so the journey reads as the newsroom works and a
step can change on its own when the admin's workflow does. Reporter and
editor each have their own browser. Every look at the home page is a new
anonymous reader with nothing in their browser's cache (browsers may keep a
page for a minute); the first of them fills the site's page cache before the
story goes live, so a page cache that publishing failed to empty would show
the later readers the old home page and fail the journey.
"""

import pytest

from tests.browser import site
from tests.browser.site import screenshot
from tests.helpers import jpeg_bytes

pytestmark = pytest.mark.browser

HEADLINE = "Volunteers in Baku collect medicine for Ukraine"
IMAGE_TITLE = "Medicine depot"
PARAGRAPHS = [
    "Volunteers gathered donated medicine at a school in central Baku on Monday.",
    "The first lorry is to leave for the Ukrainian border on Friday, they said.",
]

# Whatever happens in the journey, the other tests see the demo as it was.
CLEAN_UP = f"""
from reversion.models import Version
from articles.models import Article, Image
for model, query in ((Article, dict(headline={HEADLINE!r})),
                     (Image, dict(title={IMAGE_TITLE!r}))):
    for obj in model.objects.filter(**query):
        Version.objects.get_for_object(obj).delete()
        obj.delete()
print(Article.objects.filter(headline={HEADLINE!r}).count()
      + Image.objects.filter(title={IMAGE_TITLE!r}).count())
"""


@pytest.fixture
def journey_cleaned_up(live_site):
    yield
    assert live_site.manage("shell", "--no-imports", "-c", CLEAN_UP).strip() == "0"


def log_in(context, username):
    """A new page in `context`, signed in as `username`, on the admin's home."""
    page = context.new_page()
    page.set_default_timeout(10_000)
    site.log_in(page, username)
    return page


def saved(page):
    return page.locator(".messagelist .success").inner_text()


def upload_image(page, tmp_path):
    picture = tmp_path / "volunteers.jpg"
    picture.write_bytes(jpeg_bytes(1200, 800, (60, 90, 120)))
    page.goto("/admin/articles/image/add/")
    page.set_input_files("#id_file", picture)
    page.fill("#id_title", IMAGE_TITLE)
    page.fill("#id_alt_text", "Volunteers loading boxes of medicine into a lorry.")
    page.fill("#id_credit", "Newsroom photographer")
    page.click("input[name=_save]")
    assert "was added successfully" in saved(page)


def choose(page, field, text):
    """Pick `text` in one of the admin's autocomplete (select2) widgets."""
    page.click(f"#id_{field} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", text)
    option = page.locator(".select2-results__option", has_text=text).first
    option.click()


def choose_picture(page, title):
    """Pick the lead picture in the story form's chooser, found by its title."""
    page.get_by_role("button", name="Choose a picture…").click()
    search = page.locator("dialog.media-chooser").get_by_role("searchbox")
    search.fill(title)
    search.press("Enter")
    page.locator(".media-chooser__item", has_text=title).first.click()


def offered_moves(page):
    """The moves the story form's publishing bar offers, in its order."""
    return page.locator("#publishing-bar button[name=move]").evaluate_all(
        "buttons => buttons.map(button => button.value)"
    )


def write_story(page):
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
    choose_picture(page, IMAGE_TITLE)
    choose(page, "section", "News")
    choose(page, "outlet", "OC Media")
    screenshot(page, "admin-story-desktop-light")


def save_draft(page):
    page.get_by_role("button", name="Save draft").click()
    assert "Draft saved" in saved(page)


def offered_actions(page):
    return page.locator("select[name=action] option").evaluate_all(
        "options => options.map(option => option.value).filter(Boolean)"
    )


def run_action(page, action, state=None):
    """Tick the story in the admin's list and run one of the list's actions on it."""
    query = f"?state={state}" if state else "?q=" + HEADLINE.split()[0]
    page.goto("/admin/articles/article/" + query)
    row = page.locator("#result_list tbody tr").filter(
        has=page.get_by_role("link", name=HEADLINE, exact=True)
    )
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", action)
    page.locator("#changelist-form button[name=index]").click()
    return saved(page)


def state_in_list(page):
    page.goto("/admin/articles/article/?q=" + HEADLINE.split()[0])
    row = page.locator("#result_list tbody tr").filter(
        has=page.get_by_role("link", name=HEADLINE, exact=True)
    )
    return row.locator(".field-state").inner_text()


def new_reader_on_home(new_context, exceptions):
    reader = new_context().new_page()
    reader.on("pageerror", lambda error: exceptions.append(error))
    reader.goto("/")
    return reader


def headlines(reader):
    return reader.locator(".card__headline").all_inner_texts()


def test_it_takes_a_story_from_reporter_to_editor_to_the_home_page(
    new_context, tmp_path, journey_cleaned_up
):
    exceptions = []
    demo_lead, *others = headlines(new_reader_on_home(new_context, exceptions))
    assert HEADLINE not in others

    reporter = log_in(new_context(), "reporter")
    reporter.on("pageerror", lambda error: exceptions.append(error))
    upload_image(reporter, tmp_path)
    write_story(reporter)
    assert offered_moves(reporter) == ["save", "submit"]
    save_draft(reporter)
    assert "publish_now" not in offered_actions(reporter)
    assert "Submitted for review" in run_action(reporter, "submit_for_review")
    assert state_in_list(reporter) == "In review"
    assert HEADLINE not in headlines(new_reader_on_home(new_context, exceptions))

    editor = log_in(new_context(), "editor")
    editor.on("pageerror", lambda error: exceptions.append(error))
    assert "Published" in run_action(editor, "publish_now", state="review")
    assert state_in_list(editor) == "Live"

    reader = new_reader_on_home(new_context, exceptions)
    assert headlines(reader)[0] == HEADLINE
    reader.locator(".card--lead").get_by_role("link", name=HEADLINE).click()
    reader.wait_for_url("**/story/**")
    assert reader.locator("#story-headline").inner_text() == HEADLINE
    assert reader.locator(".story__body p").all_inner_texts() == PARAGRAPHS
    lead_image = reader.locator(".story__lead img")
    assert lead_image.get_attribute("alt").startswith("Volunteers loading")
    assert lead_image.evaluate("image => image.naturalWidth") > 0

    assert "Unpublished" in run_action(editor, "unpublish")
    lead, *others = headlines(new_reader_on_home(new_context, exceptions))
    assert lead == demo_lead and HEADLINE not in others
    assert exceptions == []
