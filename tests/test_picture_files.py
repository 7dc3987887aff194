"""What storage keeps of a picture: nothing written by a save that failed."""

import pytest
from django.db import transaction
from PIL import Image as PillowImage
from reversion.models import Revision

from articles.models import Image, Rendition
from articles.models.media import files_removed_on_error
from tests.helpers import make_article, make_author, make_image
from tests.picture_helpers import (
    LIST_URL,
    every_file_of,
    photo_with_metadata,
    picture_bytes,
    stored_files,
    upload,
)

# Failures leave nothing behind


def break_on_call(monkeypatch, owner, name, number=1):
    """Make owner.name raise on its number-th call, as a bug would; returns the
    stored files as they were when it broke."""
    working, calls, stored = getattr(owner, name), [], set()

    def breaking(*args, **kwargs):
        calls.append(name)
        if len(calls) == number:
            stored.update(stored_files())
            raise RuntimeError(f"{name} broke")
        return working(*args, **kwargs)

    monkeypatch.setattr(owner, name, breaking)
    return stored


BREAKS = {
    # The original and two renditions are stored by then.
    "the fourth encoding": (PillowImage.Image, "save", 4),
    # The original is stored and its row saved.
    "making the renditions": (Image, "make_renditions", 1),
}


@pytest.mark.parametrize(
    ("owner", "name", "number"),
    [*BREAKS.values(), (Revision, "save", 1)],
    ids=[*BREAKS, "the revision, after every file"],
)
def test_an_upload_that_breaks_leaves_no_file_and_no_row(
    editor_client, monkeypatch, owner, name, number
):
    content = photo_with_metadata()
    before, rows = stored_files(), Image.objects.count()
    stored_when_it_broke = break_on_call(monkeypatch, owner, name, number)
    with pytest.raises(RuntimeError, match="broke"):
        upload(editor_client, content)
    assert {n.split("/")[0] for n in stored_when_it_broke - before} >= {"images"}
    assert stored_files() == before
    assert Image.objects.count() == rows


@pytest.mark.parametrize(
    ("owner", "name", "number"), BREAKS.values(), ids=BREAKS.keys()
)
def test_image_create_that_breaks_leaves_no_file_and_no_row(
    db, monkeypatch, owner, name, number
):
    content = picture_bytes(size=(1400, 900))
    before = stored_files()
    stored_when_it_broke = break_on_call(monkeypatch, owner, name, number)
    with pytest.raises(RuntimeError, match="broke"):
        make_image(content=content)
    assert stored_when_it_broke - before
    assert stored_files() == before
    assert not Image.objects.exists()


def test_a_replacement_that_breaks_keeps_the_old_picture_and_no_new_file(
    editor_client, monkeypatch
):
    image = make_image(content=picture_bytes(size=(800, 600)))
    before = stored_files()
    content = picture_bytes(size=(800, 600), color=(9, 9, 9))
    stored_when_it_broke = break_on_call(monkeypatch, PillowImage.Image, "save", 4)
    with pytest.raises(RuntimeError, match="broke"):
        upload(
            editor_client,
            content,
            url=f"{LIST_URL}{image.pk}/change/",
            title=image.title,
            alt_text=image.alt_text,
        )
    assert len(stored_when_it_broke - before) == 3
    assert stored_files() == before
    assert Image.objects.get(pk=image.pk).digest == image.digest
    assert set(every_file_of(image)) <= before


def test_pictures_made_in_a_block_that_fails_later_leave_no_file(db):
    before = stored_files()
    with pytest.raises(RuntimeError), files_removed_on_error(), transaction.atomic():
        make_image(content=picture_bytes(size=(700, 500)))
        raise RuntimeError("the import failed after its first picture")
    assert stored_files() == before
    assert not Image.objects.exists()


def test_it_refuses_to_delete_a_picture_in_use(editor_client):
    image = make_image(title="Crowd")
    make_article(lead_image=image, headline="Rally in Baku")
    url = f"{LIST_URL}{image.pk}/delete/"
    page = editor_client.get(url).content.decode()
    assert "“Crowd” cannot be deleted while it is in use" in page
    assert "lead image of the story <a" in page
    response = editor_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert Image.objects.filter(pk=image.pk).exists()


def test_it_refuses_a_bulk_delete_that_includes_a_picture_in_use(editor_client):
    used = make_image(title="Crowd")
    unused = make_image(title="Spare")
    make_author(name="Ulviya Ali", photo=used)
    action = {"action": "delete_selected", "_selected_action": [used.pk, unused.pk]}
    page = editor_client.post(LIST_URL, action).content.decode()
    assert "Nothing was deleted" in page
    assert "“Crowd”, photo of the author <a" in page
    editor_client.post(LIST_URL, {**action, "post": "yes"})
    assert Image.objects.filter(pk__in=[used.pk, unused.pk]).count() == 2


def test_it_deletes_a_picture_nothing_uses(editor_client):
    image = make_image()
    response = editor_client.post(f"{LIST_URL}{image.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Image.objects.filter(pk=image.pk).exists()
    assert not Rendition.objects.filter(image_id=image.pk).exists()
