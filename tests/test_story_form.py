"""The story form reads well: the byline near the top, our outlet chosen, times
that name their zone, a read-only story shown as readers see it, and "View on
site" that opens what the user may see."""

import pytest

from articles.models import Article, Correction, MembershipPrompt
from tests.admin_helpers import admin_url, as_user, form_data, make_staff
from tests.helpers import (
    house_outlet,
    make_article,
    make_draft,
    make_embed,
    make_outlet,
    make_section,
)
from tests.test_admin_words import page_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporter():
    return make_staff("Reporter")


# The form.


def test_it_puts_the_byline_under_the_headline_and_standfirst(client):
    _, page = page_of(as_user(client, make_staff("Editor")), admin_url(Article, "add"))
    order = [
        page.index(marker)
        for marker in (
            'id="id_headline"',
            'id="id_standfirst"',
            'id="bylines-group"',
            'id="id_body"',
            'id="corrections-group"',
        )
    ]
    assert order == sorted(order)


def test_it_chooses_our_outlet_for_a_new_story(client, reporter):
    ours = house_outlet()
    make_outlet(name="A partner")
    response, page = page_of(as_user(client, reporter), admin_url(Article, "add"))
    assert response.context["adminform"].form.initial["outlet"] == ours.pk
    assert f'<option value="{ours.pk}" selected>{ours.name}</option>' in page


def test_it_saves_a_new_story_the_first_time_without_a_choice_of_outlet(
    client, reporter
):
    ours = house_outlet()
    section = make_section()
    as_user(client, reporter)
    page = client.get(admin_url(Article, "add"))
    data = form_data(
        page,
        "article_form",
        headline="Тбилиси: a first draft",
        body="<p>Written in one go.</p>",
        section=section.pk,
    )
    response = client.post(admin_url(Article, "add"), data)
    assert response.status_code == 302
    story = Article.objects.get(headline="Тбилиси: a first draft")
    assert story.outlet == ours


def test_it_names_the_newsrooms_time_zone_beside_each_time(client, settings):
    story = make_article()
    Correction.objects.create(article=story, text="The rally was on Sunday.")
    as_user(client, make_staff("Editor"))
    _, page = page_of(client, admin_url(Article, "change", story.pk))
    # Each correction's date, the empty form for a new one included.
    assert page.count("Tbilisi time:") == 2
    assert 'aria-label="Tbilisi time"' in page
    assert 'for="id_corrections-0-date_0">Date:</label>' in page
    settings.TIME_ZONE = "America/New_York"
    _, page = page_of(client, admin_url(Article, "change", story.pk))
    assert "New York time:" in page


def test_it_names_the_time_zone_of_a_prompts_window_too(client):
    as_user(client, make_staff("Editor"))
    _, page = page_of(client, admin_url(MembershipPrompt, "add"))
    assert page.count("Tbilisi time:") == 2  # starts and ends


def test_it_links_the_style_that_hides_djangos_time_zone_note(client):
    _, page = page_of(as_user(client, make_staff("Editor")), admin_url(Article, "add"))
    assert "articles/admin-newsroom.css" in page


# Read-only stories.


def test_it_shows_a_reporter_a_live_story_as_readers_see_it(client, reporter):
    embed = make_embed(slug="rally-post", text="<p>Бакинці вийшли на мітинг.</p>")
    story = make_article(
        body="<p>Hundreds <strong>gathered</strong> in Baku.</p>"
        "<p>[embed:rally-post]</p><h2>Later</h2><p>Calm returned.</p>"
    )
    response, page = page_of(
        as_user(client, reporter), admin_url(Article, "change", story.pk)
    )
    assert not response.context["has_change_permission"]
    shown = page[page.index('class="story-as-readers-see"') :]
    assert "<p>Hundreds <strong>gathered</strong> in Baku.</p>" in shown
    assert "<h2>Later</h2>" in shown
    assert "Бакинці вийшли на мітинг." in shown and embed.url in shown
    assert "[embed:rally-post]" not in shown
    assert "&lt;p&gt;" not in page
    assert "Live: only editors change live stories." in page
    assert "edit it again" not in page


def test_it_gives_tags_typing_help_only_where_tags_can_be_typed(client, reporter):
    story = make_article(tags=["Baku"])
    _, read_only = page_of(
        as_user(client, reporter), admin_url(Article, "change", story.pk)
    )
    tags = read_only[read_only.index("field-tags") :]
    tags = tags[: tags.index("</fieldset>")]
    assert '<div class="readonly">Baku</div>' in tags
    assert 'class="help"' not in tags and "comma" not in tags
    _, editable = page_of(
        as_user(client, make_staff("Editor")), admin_url(Article, "change", story.pk)
    )
    tags = editable[editable.index("field-tags") :]
    assert "press Enter" in tags[: tags.index("</fieldset>")]


def test_it_says_why_a_story_in_review_cannot_be_changed(client, reporter):
    story = make_article(status=Article.Status.REVIEW, created_by=reporter)
    _, page = page_of(as_user(client, reporter), admin_url(Article, "change", story.pk))
    assert "In review: an editor decides now." in page


def test_it_never_offers_to_edit_again_a_story_just_sent_for_review(client, reporter):
    story = make_draft(created_by=reporter)
    as_user(client, reporter)
    page = client.get(admin_url(Article, "change", story.pk))
    data = form_data(page, "article_form", status="review", _continue="yes")
    response = client.post(admin_url(Article, "change", story.pk), data, follow=True)
    assert response.status_code == 200
    said = [str(message) for message in response.context["messages"]]
    assert not any("edit it again" in message for message in said)
    assert "In review: an editor decides now." in said
    story.refresh_from_db()
    assert story.status == Article.Status.REVIEW


def test_it_lets_the_writer_of_a_draft_edit_it_with_the_body_editor(client, reporter):
    story = make_draft(created_by=reporter)
    response, page = page_of(
        as_user(client, reporter), admin_url(Article, "change", story.pk)
    )
    assert response.context["has_change_permission"]
    assert 'name="body"' in page and "story-as-readers-see" not in page


# "View on site".


def view_on_site(client, story):
    response = client.get(admin_url(Article, "change", story.pk))
    return response.context["has_absolute_url"], response.context["absolute_url"]


def previewed(client, url):
    """The story a preview link shows (links are signed anew each time)."""
    return Article.from_preview_token(url.split("/")[-2])


def test_it_opens_the_preview_for_an_unpublished_story_someone_may_edit(
    client, reporter
):
    editor = make_staff("Editor")
    draft = make_draft(created_by=reporter)
    shown, url = view_on_site(as_user(client, reporter), draft)
    assert shown and previewed(client, url) == draft
    in_review = make_article(status=Article.Status.REVIEW)
    shown, url = view_on_site(as_user(client, editor), in_review)
    assert shown and previewed(client, url) == in_review
    page = client.get(admin_url(Article, "change", in_review.pk)).content.decode()
    assert 'class="viewsitelink"' in page and 'href="/preview/' in page
    preview = client.get(url)
    assert preview.status_code == 200
    assert in_review.headline in preview.content.decode()


def test_it_offers_no_view_on_site_to_who_may_not_edit_an_unpublished_story(
    client, reporter
):
    theirs = make_article(status=Article.Status.REVIEW)
    as_user(client, reporter)
    assert view_on_site(client, theirs) == (False, None)
    page = client.get(admin_url(Article, "change", theirs.pk)).content.decode()
    assert "viewsitelink" not in page
    assert theirs.get_preview_url() not in page


def test_it_sends_view_on_site_for_a_live_story_to_its_page(client, reporter):
    story = make_article()
    shown, url = view_on_site(as_user(client, reporter), story)
    assert shown
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].endswith(story.get_absolute_url())
