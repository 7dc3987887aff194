"""What storage keeps of a picture: nothing written by a save that failed,
nothing of a file replaced or a picture deleted once that is committed."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image as PillowImage
from reversion.models import Revision, Version

from articles import images
from articles.models import Image, Rendition
from articles.models.media import files_removed_on_error
from tests.admin_helpers import form_data
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


# Replaced and deleted pictures leave storage once the change is committed


def files_of(image):
    """What storage holds of a picture's file: the original and the renditions
    named by its digest."""
    renditions = f"renditions/{image.pk}/{image.digest}-"
    return {
        name
        for name in stored_files()
        if name == image.file.name or name.startswith(renditions)
    }


def renditions_folder(pk):
    return {name for name in stored_files() if name.startswith(f"renditions/{pk}/")}


def replace_in_admin(client, image, content):
    return upload(
        client,
        content,
        url=f"{LIST_URL}{image.pk}/change/",
        title=image.title,
        alt_text=image.alt_text,
    )


def test_a_replaced_file_leaves_storage_once_the_change_is_committed(
    editor_client, django_capture_on_commit_callbacks
):
    image = make_image(content=picture_bytes(size=(800, 600)))
    old = files_of(image)
    assert len(old) == 1 + 2 * 3 + 1
    with django_capture_on_commit_callbacks() as callbacks:
        response = replace_in_admin(
            editor_client, image, picture_bytes(size=(900, 600), color=(9, 9, 9))
        )
        assert response.status_code == 302
        assert old <= stored_files()  # nothing is deleted before the commit
    for callback in callbacks:
        callback()
    image.refresh_from_db()
    new = files_of(image)
    assert not old & stored_files()
    assert new == {image.file.name, *image.renditions.values_list("file", flat=True)}
    assert len(new) == 1 + 2 * 3 + 1


def test_a_replacement_that_breaks_deletes_nothing_even_after_the_commit(
    editor_client, monkeypatch, django_capture_on_commit_callbacks
):
    image = make_image(content=picture_bytes(size=(800, 600)))
    before = stored_files()
    break_on_call(monkeypatch, PillowImage.Image, "save", 4)
    with (
        pytest.raises(RuntimeError, match="broke"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        replace_in_admin(
            editor_client, image, picture_bytes(size=(800, 600), color=(9, 9, 9))
        )
    assert stored_files() == before
    assert set(every_file_of(image)) <= before


def test_a_file_replaced_through_the_model_leaves_storage_after_the_commit(
    db, django_capture_on_commit_callbacks
):
    image = make_image(content=picture_bytes(size=(700, 500)))
    old = files_of(image)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        image.file = ContentFile(
            picture_bytes(size=(700, 500), color=(9, 9, 9)), "new.jpg"
        )
        image.store_file()
        image.save()
        image.make_renditions()
        assert old <= stored_files()
    assert not old & stored_files()
    assert len(files_of(image)) == 1 + 2 * 3 + 1


def test_the_same_file_again_keeps_its_renditions(
    db, django_capture_on_commit_callbacks
):
    content = picture_bytes(size=(700, 500))
    image = make_image(content=content)
    old_original, renditions = image.file.name, files_of(image) - {image.file.name}
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        image.file = ContentFile(images.clean(ContentFile(content)).content, "x.jpg")
        image.store_file()
        image.save()
        assert image.make_renditions() == 0
    assert image.file.name != old_original
    assert not default_storage.exists(old_original)
    assert files_of(image) == {image.file.name, *renditions}


def test_deleting_a_picture_in_the_admin_deletes_its_files_after_the_commit(
    editor_client, django_capture_on_commit_callbacks
):
    image, other = make_image(), make_image()
    doomed, kept = files_of(image), files_of(other)
    with django_capture_on_commit_callbacks() as callbacks:
        response = editor_client.post(f"{LIST_URL}{image.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302
        assert doomed <= stored_files()
    for callback in callbacks:
        callback()
    assert not doomed & stored_files()
    assert kept <= stored_files()


def test_a_bulk_delete_in_the_admin_deletes_every_pictures_files(
    editor_client, django_capture_on_commit_callbacks
):
    pictures, other = [make_image(), make_image()], make_image()
    doomed = set().union(*(files_of(image) for image in pictures))
    action = {
        "action": "delete_selected",
        "_selected_action": [image.pk for image in pictures],
        "post": "yes",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(LIST_URL, action)
    assert response.status_code == 302
    assert not Image.objects.filter(pk__in=[image.pk for image in pictures]).exists()
    assert len(doomed) == 2 * (1 + 2 + 1)
    assert not doomed & stored_files()
    assert files_of(other) == {
        other.file.name,
        *other.renditions.values_list("file", flat=True),
    }


@pytest.mark.parametrize("how", ["instance", "queryset"])
def test_deleting_a_picture_through_the_model_deletes_its_files(
    db, django_capture_on_commit_callbacks, how
):
    image = make_image(content=picture_bytes(size=(700, 500)))
    pk, doomed = image.pk, files_of(image)
    with django_capture_on_commit_callbacks(execute=True):
        if how == "instance":
            image.delete()
        else:
            Image.objects.filter(pk=pk).delete()
    assert not doomed & stored_files()
    assert not renditions_folder(pk)


def test_a_deletion_rolled_back_keeps_the_files(db, django_capture_on_commit_callbacks):
    image = make_image()
    pk, kept = image.pk, files_of(image)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        image.delete()
        raise RuntimeError("the import failed after deleting a picture")
    assert Image.objects.filter(pk=pk).exists()
    assert kept <= stored_files()


def versions_of(image):
    return list(Version.objects.get_for_object(image).order_by("pk"))


def test_a_version_whose_file_was_replaced_cannot_be_restored(
    editor_client, django_capture_on_commit_callbacks
):
    assert upload(editor_client, picture_bytes(size=(800, 600))).status_code == 302
    image = Image.objects.get(title="Rally in Baku")
    with django_capture_on_commit_callbacks(execute=True):
        replace_in_admin(editor_client, image, picture_bytes(color=(9, 9, 9)))
    image.refresh_from_db()
    kept = files_of(image)
    url = f"{LIST_URL}{image.pk}/history/{versions_of(image)[0].pk}/"
    for response in (editor_client.get(url), editor_client.post(url, {})):
        assert response.status_code == 302
        assert response["Location"] == f"{LIST_URL}{image.pk}/history/"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("file was deleted when the picture was replaced" in m for m in messages)
    assert Image.objects.get(pk=image.pk).file.name == image.file.name
    assert files_of(image) == kept


def test_a_version_with_the_same_file_is_restored(editor_client):
    assert upload(editor_client, picture_bytes(size=(800, 600))).status_code == 302
    image = Image.objects.get(title="Rally in Baku")
    change = f"{LIST_URL}{image.pk}/change/"
    edited = form_data(editor_client.get(change), "image_form", caption="Later")
    assert editor_client.post(change, edited).status_code == 302
    url = f"{LIST_URL}{image.pk}/history/{versions_of(image)[0].pk}/"
    restored = form_data(editor_client.get(url), "image_form")
    assert editor_client.post(url, restored).status_code == 302
    assert Image.objects.get(pk=image.pk).caption == ""


def test_a_deleted_picture_cannot_be_recovered_without_its_file(
    editor_client, django_capture_on_commit_callbacks
):
    assert upload(editor_client, picture_bytes(size=(800, 600))).status_code == 302
    image = Image.objects.get(title="Rally in Baku")
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(f"{LIST_URL}{image.pk}/delete/", {"post": "yes"})
    url = f"{LIST_URL}recover/{versions_of(image)[-1].pk}/"
    response = editor_client.post(url, {})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}recover/"
    assert not Image.objects.filter(pk=image.pk).exists()
    assert not renditions_folder(image.pk)
