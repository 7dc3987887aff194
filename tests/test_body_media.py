"""Pictures and embeds placed in a story's body: [picture:id] becomes the
figure with its caption and credit on the page, the preview and the API, a
marker naming nothing is refused when the story is saved, and the pictures a
body places count as used."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.html import placed_media, plain_text, split_blocks
from articles.models import Article, Image
from tests.admin_helpers import admin_url, as_user, form_data, make_staff
from tests.helpers import (
    make_article,
    make_draft,
    make_embed,
    make_image,
    page_text,
)
from tests.picture_helpers import picture_bytes

pytestmark = pytest.mark.django_db


def picture(**fields):
    fields.setdefault("content", picture_bytes(size=(1200, 800)))
    return make_image(**fields)


def body_with(*markers):
    """A body that places each marker alone in a paragraph, between words."""
    paragraphs = [
        f"<p>{marker}</p><p>Paragraph {number} after it.</p>"
        for number, marker in enumerate(markers, start=1)
    ]
    return "<p>The story begins.</p>" + "".join(paragraphs)


# Reading markers


def test_it_reads_a_picture_marker_alone_in_its_paragraph():
    blocks = split_blocks(
        "<p>[picture:12]</p><p>See [picture:13] here</p><p>[picture:0]</p>"
    )
    assert [block.picture_id for block in blocks] == [12, None, None]
    assert placed_media(
        "<p>[embed:a-post]</p><p>[picture:7]</p><p>[picture:7]</p>"
    ) == (
        ["a-post"],
        [7],
    )


def test_markers_are_not_words_in_descriptions_feeds_or_search():
    assert plain_text("<p>Before.</p><p>[picture:12]</p><p>[embed:x]</p>") == "Before."


# Pages, preview, API and feeds


def test_the_story_page_shows_a_placed_picture_with_its_caption_and_credit(
    client, uncached_pages
):
    image = picture(caption="Volunteers load the lorry.", credit="Aytan Reporter")
    story = make_article(body=body_with(f"[picture:{image.pk}]"))
    content = client.get(story.get_absolute_url()).content.decode()
    figure = re.search(
        r'<figure class="figure story__picture">.*?</figure>', content, re.S
    )
    assert figure, "the body's figure"
    assert image.srcset("webp") in figure.group(0)
    assert f'alt="{image.alt_text}"' in figure.group(0)
    assert 'loading="lazy"' in figure.group(0)
    assert image.file.url not in content
    text = page_text(client.get(story.get_absolute_url()))
    assert "Volunteers load the lorry. Photo: Aytan Reporter" in text
    assert "[picture:" not in text
    assert text.index("The story begins.") < text.index("Volunteers load the lorry.")


def test_the_preview_shows_placed_pictures_and_embeds(client):
    image = picture(caption="ბათუმის ნავსადგური", credit="ფოტო: ნინო")
    embed = make_embed(slug="harbour-post", text="<p>Ships at dawn</p>")
    story = make_draft(body=body_with(f"[picture:{image.pk}]", f"[embed:{embed.slug}]"))
    text = page_text(client.get(story.get_preview_url()))
    assert "ბათუმის ნავსადგური Photo: ფოტო: ნინო" in text
    assert "Ships at dawn" in text
    assert "[picture:" not in text and "[embed:" not in text


def test_a_story_page_costs_one_query_for_all_its_pictures(client, uncached_pages):
    one = make_article(body=body_with(f"[picture:{picture().pk}]"))
    many = make_article(
        body=body_with(*(f"[picture:{picture().pk}]" for _ in range(4))),
        section=one.section,
    )
    none = make_article(section=one.section)
    counts = {}
    for name, story in (("none", none), ("one", one), ("many", many)):
        client.get(story.get_absolute_url())  # site-wide caches warm
        with CaptureQueriesContext(connection) as queries:
            assert client.get(story.get_absolute_url()).status_code == 200
        counts[name] = len(queries)
    assert counts["one"] == counts["many"] == counts["none"] + 1


def test_a_picture_deleted_later_is_left_out_of_the_page(client, uncached_pages):
    image = picture(caption="Gone soon")
    story = make_article(body=body_with(f"[picture:{image.pk}]"))
    Image.objects.filter(pk=image.pk).delete()
    text = page_text(client.get(story.get_absolute_url()))
    assert "Gone soon" not in text and "[picture:" not in text
    assert "The story begins. Paragraph 1 after it." in text


def test_the_api_body_holds_the_figure_with_addresses_other_sites_can_load(client):
    image = picture(caption="Тбилиси ночью", credit="Фото: Олена")
    story = make_article(body=body_with(f"[picture:{image.pk}]"))
    body = client.get(reverse("articles:api-article", args=[story.slug])).json()["body"]
    assert "<figcaption>" in body and "Тбилиси ночью" in body and "Фото: Олена" in body
    assert "[picture:" not in body
    sources = re.findall(r'(?:src|srcset)="([^"]*)"', body)
    assert sources
    for source in sources:
        for candidate in source.split(", "):
            assert candidate.startswith("http://testserver/media/renditions/")


def test_feeds_describe_the_story_without_its_markers(client):
    image = picture()
    make_article(body=f"<p>[picture:{image.pk}]</p><p>Words of the story.</p>")
    feed = client.get(reverse("articles:feed")).content.decode()
    assert "Words of the story." in feed
    assert "[picture:" not in feed


# Pictures a body places are in use


def test_a_picture_placed_in_a_body_is_in_use(db):
    image = picture()
    story = make_draft(body=body_with(f"[picture:{image.pk}]"))
    other = picture()
    make_draft(body=body_with(f"[picture:{other.pk}1]"))  # another number
    assert image.where_used() == [("picture in the story", story)]
    assert other.where_used() == []
    assert set(Image.objects.unused()) == {other}


def test_a_reporter_cannot_change_a_picture_a_live_story_places(client):
    reporter = make_staff("Reporter")
    browser = as_user(client, reporter)
    image = picture(caption="The rally", credit="Photo desk")
    make_article(body=body_with(f"[picture:{image.pk}]"))
    url = admin_url(Image, "change", image.pk)
    page = browser.get(url)
    assert 'name="_save"' not in page.content.decode()
    response = browser.post(url, form_data(page, "image_form", caption="Fake"))
    assert response.status_code == 403
    image.refresh_from_db()
    assert image.caption == "The rally"


def test_a_reporter_changes_a_picture_only_their_own_draft_places(client):
    reporter = make_staff("Reporter")
    browser = as_user(client, reporter)
    image = picture(caption="First words")
    make_draft(created_by=reporter, body=body_with(f"[picture:{image.pk}]"))
    url = admin_url(Image, "change", image.pk)
    response = browser.post(
        url, form_data(browser.get(url), "image_form", caption="Better")
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.caption == "Better"


def test_a_picture_a_body_places_cannot_be_deleted(client):
    editor = as_user(client, make_staff("Editor"))
    image = picture()
    story = make_article(body=body_with(f"[picture:{image.pk}]"))
    page = editor.get(admin_url(Image, "delete", image.pk)).content.decode()
    assert "picture in the story" in page and str(story) in page
    editor.post(admin_url(Image, "delete", image.pk), {"post": "yes"})
    assert Image.objects.filter(pk=image.pk).exists()


# Saving a story


def post_story(client, story, body):
    url = admin_url(Article, "change", story.pk)
    return client.post(url, form_data(client.get(url), "article_form", body=body))


def body_errors(response):
    return response.context["adminform"].form.errors.get("body", [])


def test_a_body_placing_what_does_not_exist_is_refused_naming_each(client):
    reporter = make_staff("Reporter")
    browser = as_user(client, reporter)
    story = make_draft(created_by=reporter, body="<p>As it was.</p>")
    response = post_story(
        browser, story, body_with("[embed:protest-vidoe]", "[picture:987654]")
    )
    assert response.status_code == 200
    assert body_errors(response) == [
        "The body places an embed “protest-vidoe” that does not exist: create it "
        "under Embeds or remove the marker.",
        "The body places a picture “987654” that does not exist: choose another "
        "with the toolbar's Picture button or remove the marker.",
    ]
    story.refresh_from_db()
    assert story.body == "<p>As it was.</p>"


def test_a_body_placing_existing_pictures_and_embeds_is_saved(client):
    reporter = make_staff("Reporter")
    browser = as_user(client, reporter)
    story = make_draft(created_by=reporter)
    image, embed = picture(), make_embed()
    body = body_with(f"[picture:{image.pk}]", f"[embed:{embed.slug}]")
    response = post_story(browser, story, body)
    assert response.status_code == 302
    story.refresh_from_db()
    assert f"<p>[picture:{image.pk}]</p>" in story.body
    assert f"<p>[embed:{embed.slug}]</p>" in story.body


def test_the_story_form_offers_the_toolbar_buttons_module(client):
    editor = as_user(client, make_staff("Editor"))
    page = editor.get(admin_url(Article, "add")).content.decode()
    assert "articles/admin-body-media.js" in page
    assert "&quot;BodyMedia&quot;:true" in page
