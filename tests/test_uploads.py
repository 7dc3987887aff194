"""Checking uploads: files that are not usable pictures are refused and leave
nothing; MPO, GIF, phone trailers and long screenshots are accepted; an
editor's upload through the admin form."""

import re
import struct
import zlib
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from PIL import Image as PillowImage
from PIL import ImageFile

from articles import images
from articles.models import Image, image_create
from tests.helpers import make_article, make_author, make_image, make_outlet
from tests.picture_helpers import (
    LIST_URL,
    form_errors,
    photo_with_metadata,
    picture_bytes,
    reopen,
    stored_files,
    upload,
)


def mpo_bytes(size=(900, 600)):
    """What phones and 3D cameras write: two JPEG pictures (red, then green) in
    one file, with an index of both."""
    first, second = (
        PillowImage.new("RGB", size, c) for c in ((200, 30, 30), (30, 200, 30))
    )
    buffer = BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    return buffer.getvalue()


def png_bomb(width=9000, height=9000):
    """A PNG that claims width × height pixels but holds a few bytes of data."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )


# Refusals


REFUSED = {
    "svg named as a jpeg": (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
        b"<script>alert(1)</script></svg>",
        "photo.jpg",
        "document (SVG or HTML)",
    ),
    "html named as a png": (
        b"\xef\xbb\xbf  <!doctype html><html><body>hello</body></html>",
        "photo.png",
        "document (SVG or HTML)",
    ),
    "plain text": (b"GPS 40.4093 49.8671", "photo.jpg", "not a picture we can use"),
    "tiff": (picture_bytes("TIFF"), "photo.jpg", "not a picture we can use"),
    "truncated jpeg": (
        picture_bytes(size=(600, 400), quality=95)[:1500],
        "photo.jpg",
        "damaged or incomplete",
    ),
    "corrupt png": (
        png_bomb(400, 400),  # data far shorter than the header promises
        "photo.png",
        "damaged or incomplete",
    ),
    "jpeg without its end marker": (
        picture_bytes(size=(600, 400))[:-2],
        "photo.jpg",
        "damaged or incomplete",
    ),
    "png cut short": (
        # IEND and the end of the last data chunk are missing; every pixel is there.
        picture_bytes("PNG", (600, 400))[:-20],
        "photo.png",
        "damaged or incomplete",
    ),
    "too thin for any rendition": (
        picture_bytes("PNG", (1, 30000)),
        "thread.png",
        "too narrow for its height (1 × 30000 pixels)",
    ),
    "empty file": (b"", "photo.jpg", "The submitted file is empty"),
    "decompression bomb": (png_bomb(), "photo.png", "up to 60 megapixels"),
}


@pytest.mark.parametrize(
    ("content", "name", "message"), REFUSED.values(), ids=REFUSED.keys()
)
def test_it_refuses_what_is_not_a_usable_picture_and_keeps_nothing(
    editor_client, content, name, message
):
    before = stored_files()
    response = upload(editor_client, content, name)
    assert response.status_code == 200
    assert message in form_errors(response)
    assert not Image.objects.filter(title="Rally in Baku").exists()
    assert stored_files() == before


def test_it_refuses_files_over_the_size_limit(editor_client, settings):
    settings.NEWSROOM_IMAGE_MAX_BYTES = 2_000_000
    content = picture_bytes(size=(1200, 800), quality=100, subsampling=0)
    content += b"\x00" * (2_000_001 - len(content))  # padding after the image
    before = stored_files()
    response = upload(editor_client, content)
    assert "The file is 2.0 MB; pictures up to 2 MB are accepted." in form_errors(
        response
    )
    assert stored_files() == before


def test_it_checks_the_pixel_limit_before_decoding(settings, monkeypatch):
    settings.NEWSROOM_IMAGE_MAX_PIXELS = 1000
    content = picture_bytes()
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(1))
    with pytest.raises(images.Refused, match="64 × 48 pixels; up to 0.001 megapixels"):
        images.clean(ContentFile(content))
    assert decoded == []


def test_image_create_refuses_too_and_leaves_nothing(db):
    before = stored_files()
    with pytest.raises(images.Refused, match="SVG or HTML"):
        image_create(
            upload=ContentFile(b"<svg/>", name="x.png"), title="x", alt_text="x"
        )
    assert stored_files() == before
    assert not Image.objects.exists()


def test_it_takes_the_first_frame_of_a_gif_and_keeps_it_as_png(db):
    frames = [PillowImage.new("P", (80, 40), i) for i in (3, 9)]
    buffer = BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    image = make_image(content=buffer.getvalue())
    _content, stored = reopen(image.file.name)
    assert stored.format == "PNG"
    assert (image.width, image.height) == (80, 40)
    assert getattr(stored, "n_frames", 1) == 1


def test_an_editor_uploads_an_mpo_and_keeps_its_first_picture_as_jpeg(
    editor_client,
):
    response = upload(editor_client, mpo_bytes(), "DSCF0042.MPO")
    assert response.status_code == 302
    image = Image.objects.get(title="Rally in Baku")
    content, stored = reopen(image.file.name)
    assert stored.format == "JPEG" and image.file.name.endswith(".jpg")
    assert b"MPF\x00" not in content  # the index of the two pictures is gone
    red, green, _blue = stored.getpixel((10, 10))
    assert red > 180 and green < 60  # the first picture
    assert (image.width, image.height) == (900, 600)
    assert image.renditions.count() == 2 * 3 + 1


def test_it_accepts_a_jpeg_with_data_after_its_end(db):
    content = picture_bytes(size=(400, 300)) + b"PHONE-TRAILER" * 100
    image = make_image(content=content)
    stored_content, stored = reopen(image.file.name)
    assert stored.size == (400, 300)
    assert b"PHONE-TRAILER" not in stored_content


def test_a_long_screenshot_gets_renditions_webp_can_hold(editor_client):
    content = picture_bytes("PNG", (1080, 20000), (240, 240, 250))
    response = upload(editor_client, content, "thread.png")
    assert response.status_code == 302
    image = Image.objects.get(title="Rally in Baku")
    # WebP holds 16,383 pixels a side: 884 × 16,370 is as wide as it gets.
    assert image.rendition_widths() == [320, 640, 884]
    assert image.renditions.count() == 2 * 3 + 1
    for rendition in image.renditions.all():
        _content, stored = reopen(rendition.file.name)
        assert stored.size == (rendition.width, rendition.height)
        assert max(stored.size) <= 16383
    assert image.social_rendition_size() == (1080, 567)


# Admin


def test_an_editor_uploads_a_phone_photo(editor_client):
    response = upload(editor_client, photo_with_metadata(orientation=6))
    assert response.status_code == 302
    image = Image.objects.get(title="Rally in Baku")
    assert (image.width, image.height) == (900, 1400)
    assert image.credit == "Ulviya Ali"
    assert image.rendition_widths() == [320, 640, 900]
    assert image.renditions.count() == 2 * 3 + 1
    assert re.fullmatch(r"images/\d{4}/\d{2}/[0-9a-f]{16}\.jpg", image.file.name)
    content, _stored = reopen(image.file.name)
    assert b"Exif" not in content
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("taken from the camera" in m for m in messages)


def test_alt_text_is_required(editor_client):
    before = stored_files()
    response = upload(editor_client, picture_bytes(), alt_text="  ")
    assert "This field is required." in form_errors(response)
    assert stored_files() == before


def test_the_list_shows_small_renditions_as_thumbnails(editor_client):
    image = make_image(content=picture_bytes(size=(1200, 800)))
    page = editor_client.get(LIST_URL).content.decode()
    assert (
        f'<img src="{image.rendition_url(320)}" alt="" width="80" height="53"' in page
    )
    assert image.file.url not in page


def test_the_form_shows_a_preview_with_a_focal_point_picker(editor_client):
    image = make_image(content=picture_bytes(size=(1200, 800)))
    page = editor_client.get(f"{LIST_URL}{image.pk}/change/").content.decode()
    assert "data-focal-picker" in page
    assert f'<img src="{image.rendition_url(960)}"' in page
    assert "articles/admin-focal-point" in page
    # Content-Security-Policy friendly: no inline script or style of ours.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
    assert 'style="' not in page[page.index("data-focal-picker") - 200 :][:1000]


def test_the_form_lists_where_the_picture_is_used(editor_client):
    image = make_image()
    story = make_article(lead_image=image, headline="Rally in Baku")
    author = make_author(name="Ulviya Ali", photo=image)
    outlet = make_outlet(name="JAMnews", logo=image)
    page = editor_client.get(f"{LIST_URL}{image.pk}/change/").content.decode()
    assert (
        f'lead image of the story <a href="/admin/articles/article/{story.pk}/change/">'
        "Rally in Baku</a>" in page
    )
    assert f'photo of the author <a href="/admin/articles/author/{author.pk}/' in page
    assert f'logo of the outlet <a href="/admin/articles/outlet/{outlet.pk}/' in page
