"""The picture chooser inside the story form: the library searched a page at a
time, uploads through the image form's checks, duplicates found by content,
embeds searched, and the lead picture's widget."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Image
from tests.admin_helpers import admin_url, as_user, form_data, make_staff
from tests.helpers import make_article, make_draft, make_embed, make_image
from tests.picture_helpers import (
    form_errors,
    photo_with_metadata,
    picture_bytes,
    stored_files,
    upload,
)

pytestmark = pytest.mark.django_db

PICTURES = reverse("admin:articles_image_chooser")
UPLOAD = reverse("admin:articles_image_chooser_upload")
EMBEDS = reverse("admin:articles_embed_chooser")


@pytest.fixture
def editor(client):
    return as_user(client, make_staff("Editor"))


@pytest.fixture
def reporter(client):
    return as_user(client, make_staff("Reporter"))


def found(client, url=PICTURES, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def titles(answer):
    return [picture["title"] for picture in answer["results"]]


def send(client, content, name="rally.jpg", **fields):
    data = {"title": "Rally in Baku", "alt_text": "A crowd holding flags.", **fields}
    data["file"] = ContentFile(content, name=name)
    return client.post(UPLOAD, data)


# Searching the library


def test_it_finds_pictures_by_title_alt_text_caption_and_credit(editor):
    make_image(title="Митинг в Баку")
    make_image(title="Harbour", alt_text="ნავსადგური ბათუმში")
    make_image(title="Square", caption="Protesters on Azadlıq square")
    make_image(title="Market", credit="Aytan Reporter")
    make_image(title="Unrelated")
    assert titles(found(editor, q="Баку")) == ["Митинг в Баку"]
    assert titles(found(editor, q="ბათუმ")) == ["Harbour"]
    assert titles(found(editor, q="Azadlıq")) == ["Square"]
    assert titles(found(editor, q="Aytan")) == ["Market"]
    assert len(found(editor)["results"]) == 5


def test_it_pages_the_library_newest_first(editor):
    pictures = [make_image(title=f"Picture {n}") for n in range(5)]
    first = found(editor, page_size=2)
    assert (first["count"], first["pages"], first["page"]) == (5, 3, 1)
    assert titles(first) == ["Picture 4", "Picture 3"]
    last = found(editor, page_size=2, page=3)
    assert [p["id"] for p in last["results"]] == [pictures[0].pk]


def test_it_finds_one_picture_by_its_number(editor):
    wanted, _other = make_image(title="Wanted"), make_image(title="Other")
    assert titles(found(editor, id=str(wanted.pk))) == ["Wanted"]
    assert found(editor, id="999999")["results"] == []


@pytest.mark.parametrize(
    "params, status",
    [
        ({"id": "twelve"}, 400),
        ({"id": "0"}, 400),
        ({"id": "١٢"}, 400),
        ({"id": "1 OR 1=1"}, 400),
        ({"page_size": "61"}, 400),
        ({"page_size": "0"}, 400),
        ({"page": "two"}, 400),
        ({"page": "-1"}, 400),
        ({"page": "99999999999999999999"}, 400),
        ({"page": "9"}, 404),
        ({"q": "x" * 5000}, 200),
    ],
)
def test_it_answers_bad_paging_with_a_clear_refusal(editor, params, status):
    make_image()
    response = editor.get(PICTURES, params)
    assert response.status_code == status
    if status != 200:
        assert response.json()["error"]


def test_it_describes_a_picture_with_a_rendition_never_the_original(editor):
    image = make_image(
        content=picture_bytes(size=(1600, 1200)), credit="Photo desk", caption="Dusk"
    )
    (picture,) = found(editor)["results"]
    assert picture["thumbnail"]["url"].startswith(f"/media/renditions/{image.pk}/")
    assert picture["thumbnail"]["url"] != image.file.url
    assert (picture["thumbnail"]["width"], picture["thumbnail"]["height"]) == (160, 120)
    assert picture["credit"] == "Photo desk" and picture["caption"] == "Dusk"
    assert picture["marker"] == f"[picture:{image.pk}]"


def test_it_shows_the_library_only_to_staff_who_may_see_pictures(client):
    make_image()
    assert client.get(PICTURES).status_code == 302  # to the sign-in page
    nobody = User.objects.create_user("nobody", password="pw", is_staff=True)
    assert as_user(client, nobody).get(PICTURES).status_code == 403
    assert as_user(client, nobody).get(EMBEDS).status_code == 403


def test_it_searches_embeds_by_name_author_and_text(reporter):
    make_embed(slug="baku-rally-post", author_name="Aytan")
    make_embed(slug="kyiv-post", author_name="Олена Коваль")
    make_embed(slug="tbilisi-post", text="<p>ხალხი ქუჩაში</p>")
    slugs = lambda answer: [e["slug"] for e in answer["results"]]  # noqa: E731
    assert slugs(found(reporter, EMBEDS, q="baku")) == ["baku-rally-post"]
    assert slugs(found(reporter, EMBEDS, q="Олена")) == ["kyiv-post"]
    (embed,) = found(reporter, EMBEDS, q="ქუჩაში")["results"]
    assert embed["marker"] == "[embed:tbilisi-post]"
    assert embed["text"] == "ხალხი ქუჩაში"


# Uploading


def test_it_uploads_a_picture_stripped_of_its_metadata(reporter):
    response = send(reporter, photo_with_metadata(), credit="")
    assert response.status_code == 201, response.content
    answer = response.json()
    image = Image.objects.get(pk=answer["picture"]["id"])
    assert (image.title, image.alt_text) == ("Rally in Baku", "A crowd holding flags.")
    assert image.credit == "Ulviya Ali"
    assert "taken from the camera" in answer["message"]
    assert image.renditions.count() > 0
    with image.file.open("rb") as stored:
        assert b"Exif" not in stored.read()
    assert answer["picture"]["thumbnail"]["url"].startswith("/media/renditions/")
    assert Version.objects.get_for_object(image).count() == 1
    assert LogEntry.objects.get(object_id=str(image.pk)).is_addition()


def test_it_uploads_several_pictures_one_request_each(reporter):
    for number, color in enumerate([(200, 0, 0), (0, 200, 0), (0, 0, 200)]):
        response = send(reporter, picture_bytes(color=color), title=f"Picture {number}")
        assert response.status_code == 201
    assert Image.objects.count() == 3


def test_it_refuses_a_file_that_is_not_a_picture_and_keeps_nothing(reporter):
    before = stored_files()
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    response = send(reporter, svg, name="photo.jpg")
    assert response.status_code == 400
    answer = response.json()
    assert answer["error"] == answer["errors"]["file"][0]
    assert "SVG" in answer["error"] or "picture" in answer["error"]
    assert not Image.objects.exists()
    assert stored_files() == before


def test_it_refuses_a_picture_without_alt_text(reporter):
    response = send(reporter, picture_bytes(), alt_text="   ")
    assert response.status_code == 400
    assert response.json()["error"].startswith("Describe what the picture shows")
    assert not Image.objects.exists()


def test_it_refuses_uploads_from_people_who_may_not_add_pictures(client):
    viewer = make_staff("Reporter")
    viewer.groups.clear()
    response = send(as_user(client, viewer), picture_bytes())
    assert response.status_code == 403
    assert not Image.objects.exists()


def test_it_takes_uploads_only_by_post(reporter):
    response = reporter.get(UPLOAD)
    assert response.status_code == 405
    assert response["Allow"] == "POST"


# Duplicates


def test_a_duplicate_upload_answers_with_the_picture_already_in_the_library(
    reporter,
):
    content = photo_with_metadata()
    first = send(reporter, content, title="Rally, first upload").json()["picture"]
    files = stored_files()
    response = send(reporter, content, name="copy.jpg", title="Rally again")
    assert response.status_code == 200
    answer = response.json()
    assert answer["duplicate"] is True
    assert answer["picture"]["id"] == first["id"]
    assert answer["message"] == (
        "This picture is already in the library as “Rally, first upload”."
    )
    assert Image.objects.count() == 1
    assert stored_files() == files


def test_the_image_form_refuses_a_duplicate_with_a_link_to_the_picture(client):
    editor = as_user(client, make_staff("Editor"))
    existing = make_image(title="Harbour at dusk", content=picture_bytes())
    files = stored_files()
    response = upload(editor, picture_bytes(), name="again.jpg")
    assert response.status_code == 200
    link = admin_url(Image, "change", existing.pk)
    assert (
        f'This picture is already in the library as “<a href="{link}">'
        "Harbour at dusk</a>”" in form_errors(response)
    )
    assert f'href="{link}"' in response.content.decode()
    assert Image.objects.count() == 1
    assert stored_files() == files


def test_a_different_picture_is_no_duplicate(reporter):
    send(reporter, picture_bytes(color=(200, 10, 10)))
    response = send(reporter, picture_bytes(color=(10, 200, 10)))
    assert response.status_code == 201
    assert Image.objects.count() == 2


def test_a_picture_given_its_own_file_again_is_no_duplicate(client):
    editor = as_user(client, make_staff("Editor"))
    image = make_image(content=picture_bytes(size=(300, 200)))
    url = admin_url(Image, "change", image.pk)
    with image.file.open("rb") as picture:
        data = form_data(editor.get(url), "image_form", file=picture)
        response = editor.post(url, data)
    assert response.status_code == 302
    assert Image.objects.count() == 1


# The lead picture's widget


def test_the_story_form_shows_the_lead_pictures_thumbnail_and_details(client):
    editor = as_user(client, make_staff("Editor"))
    image = make_image(
        title="Volunteers",
        credit="Photo desk",
        alt_text="Boxes in a gym",
        content=picture_bytes(size=(1600, 1200)),
    )
    story = make_draft(lead_image=image)
    page = editor.get(admin_url(Article, "change", story.pk)).content.decode()
    assert f'src="{image.rendition_url(320)}"' in page
    assert image.file.url not in page
    for detail in ("Volunteers", "Photo desk", "Boxes in a gym"):
        assert f"<dd>{detail}</dd>" in page
    assert f'name="lead_image" value="{image.pk}"' in page
    assert 'id="media-chooser-template"' in page
    # No popup windows and no drop-down of every picture.
    assert "add_id_lead_image" not in page
    assert 'data-model-ref="image"' not in page
    assert "articles/admin-chooser.js" in page


def test_the_story_form_saves_the_lead_picture_typed_or_chosen(client):
    reporter = make_staff("Reporter")
    browser = as_user(client, reporter)
    story = make_draft(created_by=reporter)
    image = make_image()
    url = admin_url(Article, "change", story.pk)
    response = browser.post(
        url, form_data(browser.get(url), "article_form", lead_image=str(image.pk))
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.lead_image == image


@pytest.mark.parametrize("typed", ["999999", "two", "1" * 25])
def test_the_story_form_refuses_a_picture_number_that_names_none(client, typed):
    reporter = make_staff("Reporter")
    browser = as_user(client, reporter)
    story = make_draft(created_by=reporter)
    url = admin_url(Article, "change", story.pk)
    response = browser.post(
        url, form_data(browser.get(url), "article_form", lead_image=typed)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["lead_image"]
    assert errors == [
        "There is no picture with this number. Choose one with “Choose a "
        "picture…”, or find its number under Images."
    ]
    story.refresh_from_db()
    assert story.lead_image is None


def test_a_reporter_choosing_a_live_storys_picture_changes_nothing_of_it(client):
    reporter = make_staff("Reporter")
    browser = as_user(client, reporter)
    image = make_image(caption="The rally")
    make_article(lead_image=image)
    story = make_draft(created_by=reporter)
    url = admin_url(Article, "change", story.pk)
    data = form_data(browser.get(url), "article_form", lead_image=str(image.pk))
    assert browser.post(url, data).status_code == 302
    story.refresh_from_db()
    assert story.lead_image == image
    change = browser.get(admin_url(Image, "change", image.pk)).content.decode()
    assert 'name="_save"' not in change  # still read-only to the reporter
