"""Pictures and embeds follow the stories that show them: a reporter cannot
change a live, scheduled or in-review story through its picture or embed."""

import pytest

from articles.models import Article, Embed, Image, Outlet
from tests.admin_helpers import admin_url, as_user, form_data, make_staff
from tests.helpers import (
    make_article,
    make_author,
    make_draft,
    make_embed,
    make_image,
    make_scheduled,
)

pytestmark = pytest.mark.django_db

STORY_STATES = {
    "live": make_article,
    "scheduled": make_scheduled,
    "in review": lambda **fields: make_article(status=Article.Status.REVIEW, **fields),
    "someone else's draft": make_draft,
}


@pytest.fixture
def reporter():
    return make_staff("Reporter")


def change(client, obj, **changes):
    url = admin_url(type(obj), "change", obj.pk)
    page = client.get(url)
    form_id = f"{type(obj)._meta.model_name}_form"
    return page, client.post(url, form_data(page, form_id, **changes))


def add_embed(client, **fields):
    data = {
        "slug": "new-embed",
        "kind": "post",
        "url": "https://social.example/post/1",
        "author_name": "Someone",
        "language": "en",
        "text": "<p>Words</p>",
        **fields,
    }
    return client.post(admin_url(Embed, "add"), data)


@pytest.mark.parametrize("state", STORY_STATES)
def test_a_reporter_cannot_change_the_picture_of_a_story_they_may_not_edit(
    client, reporter, state
):
    image = make_image(caption="The rally", credit="Photo desk")
    STORY_STATES[state](lead_image=image)
    page, response = change(
        as_user(client, reporter), image, caption="Fake", credit="Someone else"
    )
    assert page.status_code == 200  # they may still look
    assert 'name="_save"' not in page.content.decode()
    assert response.status_code == 403
    image.refresh_from_db()
    assert (image.caption, image.credit) == ("The rally", "Photo desk")


def test_a_reporter_cannot_replace_the_file_of_a_live_storys_picture(client, reporter):
    image = make_image()
    make_article(lead_image=image)
    before = image.file.name
    url = admin_url(Image, "change", image.pk)
    with open(image.file.path, "rb") as picture:
        data = form_data(client.get(url), "image_form", file=picture)
        response = as_user(client, reporter).post(url, data)
    assert response.status_code == 403
    image.refresh_from_db()
    assert image.file.name == before


@pytest.mark.parametrize("where", ["author", "outlet"])
def test_a_reporter_cannot_change_a_photo_or_logo_shown_across_the_site(
    client, reporter, where
):
    image = make_image(alt_text="A portrait")
    if where == "author":
        make_author(photo=image)
    else:
        Outlet.objects.create(name="Partner", slug="partner", logo=image)
    _page, response = change(as_user(client, reporter), image, alt_text="Changed")
    assert response.status_code == 403
    image.refresh_from_db()
    assert image.alt_text == "A portrait"


def test_a_reporter_changes_a_picture_only_their_own_drafts_show(client, reporter):
    shown = make_image(caption="First caption")
    unused = make_image(caption="Unused")
    make_draft(created_by=reporter, lead_image=shown)
    as_user(client, reporter)
    for image in (shown, unused):
        _page, response = change(client, image, caption="Better caption")
        assert response.status_code == 302
        image.refresh_from_db()
        assert image.caption == "Better caption"


def test_an_editor_changes_the_picture_of_a_live_story(client):
    image = make_image(caption="The rally")
    make_article(lead_image=image)
    _page, response = change(as_user(client, make_staff("Editor")), image, caption="A")
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.caption == "A"


@pytest.mark.parametrize("state", STORY_STATES)
def test_a_reporter_cannot_rewrite_an_embed_a_story_they_may_not_edit_shows(
    client, reporter, state
):
    embed = make_embed(slug="ambassador-post", text="<p>Glory to Ukraine</p>")
    STORY_STATES[state](body="<p>Before.</p><p>[embed:ambassador-post]</p>")
    page, response = change(
        as_user(client, reporter), embed, text="<p>Something else entirely</p>"
    )
    assert page.status_code == 200
    assert response.status_code == 403
    embed.refresh_from_db()
    assert embed.text == "<p>Glory to Ukraine</p>"


def test_a_reporter_changes_an_embed_only_their_own_draft_shows(client, reporter):
    embed = make_embed(slug="mine", text="<p>Old words</p>")
    make_draft(created_by=reporter, body="<p>[embed:mine]</p>")
    _page, response = change(as_user(client, reporter), embed, text="<p>New</p>")
    assert response.status_code == 302
    embed.refresh_from_db()
    assert embed.text == "<p>New</p>"


def test_a_reporter_cannot_fill_a_live_storys_empty_embed_place(client, reporter):
    # The story places an embed that was deleted: a new one with its name
    # would appear in the live story.
    story = make_article(body="<p>Text.</p><p>[embed:gone-post]</p>")
    response = add_embed(as_user(client, reporter), slug="gone-post")
    assert response.status_code == 200
    assert "A story you may not edit places an embed" in response.content.decode()
    assert not Embed.objects.filter(slug="gone-post").exists()
    assert "gone-post" in story.body


def test_a_reporter_cannot_rename_their_embed_into_a_live_story(client, reporter):
    make_article(body="<p>[embed:gone-post]</p>")
    embed = make_embed(slug="mine")
    _page, response = change(as_user(client, reporter), embed, slug="gone-post")
    assert response.status_code == 200
    embed.refresh_from_db()
    assert embed.slug == "mine"


def test_a_reporter_adds_an_embed_no_story_places_yet(client, reporter):
    response = add_embed(as_user(client, reporter), slug="fresh-post")
    assert response.status_code == 302
    assert Embed.objects.filter(slug="fresh-post").exists()


def test_an_editor_changes_an_embed_a_live_story_shows(client):
    embed = make_embed(slug="live-post", text="<p>Typo</p>")
    make_article(body="<p>[embed:live-post]</p>")
    _page, response = change(
        as_user(client, make_staff("Editor")), embed, text="<p>Fixed</p>"
    )
    assert response.status_code == 302
    embed.refresh_from_db()
    assert embed.text == "<p>Fixed</p>"
