"""The photo desk: safe uploads, metadata removal, renditions, crops and serving."""

import os
import re
import struct
import zlib
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from PIL import Image as PillowImage
from PIL import ImageCms, ImageDraw, ImageFile
from PIL.PngImagePlugin import PngInfo
from reversion.models import Revision

from articles import images
from articles.models import Image, Rendition, image_create
from articles.models.media import files_removed_on_error
from tests.colour_profiles import cmyk_profile, grey_profile, rgb_profile
from tests.helpers import make_article, make_author, make_image, make_outlet

ADD_URL = "/admin/articles/image/add/"
LIST_URL = "/admin/articles/image/"
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
SECRETS = [
    b"Exif\x00\x00",  # any EXIF block at all
    b"http://ns.adobe.com/xap/1.0/",  # XMP
    b"Photoshop 3.0",  # IPTC
    b"MAKER-NOTE-SERIAL-0042",
    b"Reporter Phone X",
    b"reporter's home",
]


def picture_bytes(fmt="JPEG", size=(64, 48), color=(120, 40, 40), mode=None, **options):
    if mode is None:
        mode = "RGBA" if fmt in ("PNG", "WEBP") and len(color) == 4 else "RGB"
    buffer = BytesIO()
    PillowImage.new(mode, size, color).save(buffer, fmt, **options)
    return buffer.getvalue()


def camera_exif(orientation=1, artist="Ulviya Ali", copyright=""):
    exif = PillowImage.Exif()
    exif[0x010F] = "Reporter Phone X"  # Make
    exif[0x0112] = orientation
    if artist:
        exif[0x013B] = artist
    if copyright:
        exif[0x8298] = copyright
    exif.get_ifd(0x8769)[0x927C] = b"MAKER-NOTE-SERIAL-0042"
    exif.get_ifd(0x8825).update(
        {1: "N", 2: (40.0, 24.0, 3.5), 3: "E", 4: (49.0, 51.0, 2.0)}
    )
    return exif


def photo_with_metadata(size=(1400, 900), orientation=1, **exif_fields):
    """A phone's JPEG: EXIF with GPS and maker notes, XMP, IPTC, a comment, sRGB."""
    buffer = BytesIO()
    PillowImage.new("RGB", size, (30, 90, 160)).save(
        buffer,
        "JPEG",
        exif=camera_exif(orientation, **exif_fields),
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf='
        b'"http://ns.adobe.com/xap/1.0/">reporter\'s home</rdf:RDF></x:xmpmeta>',
        comment=b"reporter's home",
        icc_profile=SRGB,
    )
    content = buffer.getvalue()
    iptc = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0creporter's home"
    app13 = b"\xff\xed" + struct.pack(">H", len(iptc) + 2) + iptc
    return content[:2] + app13 + content[2:]


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


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return {
        str(Path(folder, name).relative_to(root))
        for folder, _dirs, names in os.walk(root)
        for name in names
    }


def every_file_of(image):
    return [image.file.name, *image.renditions.values_list("file", flat=True)]


def reopen(name):
    with default_storage.open(name) as stored:
        content = stored.read()
    return content, PillowImage.open(BytesIO(content))


def upload(client, content, name="photo.jpg", url=ADD_URL, **fields):
    data = {
        "title": "Rally in Baku",
        "alt_text": "A crowd holding flags.",
        "caption": "",
        "credit": "",
        "focal_x": "0.5",
        "focal_y": "0.5",
        **fields,
    }
    data["file"] = ContentFile(content, name=name)
    return client.post(url, data)


def form_errors(response):
    return " ".join(str(e) for e in response.context["adminform"].form.errors.values())


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


# Metadata


def test_it_removes_every_kind_of_metadata_from_every_stored_file(db):
    image = make_image(content=photo_with_metadata())
    names = every_file_of(image)
    assert len(names) == 1 + 2 * 5 + 1  # original, 5 widths × 2 formats, social
    for name in names:
        content, stored = reopen(name)
        assert dict(stored.getexif()) == {}, name
        assert not {"exif", "xmp", "comment", "photoshop"} & set(stored.info), name
        for secret in SECRETS:
            assert secret not in content, (name, secret)
        assert "icc_profile" not in stored.info, name


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_it_removes_metadata_from_png_and_webp_uploads(db, fmt):
    options = {"exif": camera_exif(), "xmp": b"reporter's home"}
    if fmt == "PNG":
        text = PngInfo()
        text.add_text("Comment", "reporter's home")
        options["pnginfo"] = text
    image = make_image(content=picture_bytes(fmt, (700, 500), **options))
    for name in every_file_of(image):
        content, stored = reopen(name)
        assert dict(stored.getexif()) == {}, name
        for secret in SECRETS:
            assert secret not in content, (name, secret)


def test_it_offers_the_cameras_artist_and_copyright_as_credit(db):
    image = make_image(
        content=photo_with_metadata(artist="Ulviya Ali", copyright="(c) JAMnews")
    )
    assert image.credit == "Ulviya Ali / (c) JAMnews"
    own = make_image(content=photo_with_metadata(), credit="Aziz Karimov")
    assert own.credit == "Aziz Karimov"


@pytest.mark.parametrize(
    ("orientation", "size", "red_at"),
    [(1, (60, 40), (5, 20)), (6, (40, 60), (20, 5)), (8, (40, 60), (20, 55))],
)
def test_it_turns_the_picture_upright_before_removing_the_orientation(
    db, orientation, size, red_at
):
    # Red on the left as the sensor saw it; EXIF says how to turn it for display.
    picture = PillowImage.new("RGB", (60, 40), (0, 0, 255))
    ImageDraw.Draw(picture).rectangle((0, 0, 29, 39), fill=(255, 0, 0))
    buffer = BytesIO()
    picture.save(buffer, "JPEG", quality=95, exif=camera_exif(orientation))
    image = make_image(content=buffer.getvalue())
    _content, stored = reopen(image.file.name)
    assert (image.width, image.height) == stored.size == size
    red, _green, blue = stored.convert("RGB").getpixel(red_at)
    assert red > 200 and blue < 60
    assert 0x0112 not in stored.getexif()


# Colour profiles


def srgb_from(profile, mode, colour):
    """What littleCMS makes of one colour described by profile, in sRGB."""
    pixel = PillowImage.new(mode, (1, 1), colour)
    source = ImageCms.ImageCmsProfile(BytesIO(profile))
    srgb = ImageCms.createProfile("sRGB")
    return ImageCms.profileToProfile(pixel, source, srgb, outputMode="RGB").getpixel(
        (0, 0)
    )


def close_to(pixel, expected, tolerance):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True))


def assert_in_srgb_without_profile(image, expected, unconverted, secrets=()):
    """Every stored file: no profile, none of its text, the colour converted."""
    for name in every_file_of(image):
        content, stored = reopen(name)
        assert "icc_profile" not in stored.info, name
        for secret in secrets:
            assert secret not in content, (name, secret)
        pixel = stored.convert("RGB").getpixel((10, 10))
        assert close_to(pixel, expected, 6), (name, pixel, expected)
        assert not close_to(pixel, unconverted, 10), (name, pixel, unconverted)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_it_converts_a_wide_gamut_picture_to_srgb_and_keeps_no_profile_text(db, fmt):
    # Display P3 primaries; a person's name and a phone's serial in its text.
    profile = rgb_profile(
        description="Reporter Phone X",
        copyright="Copyright Ulviya Ali",
        device="MAKER-NOTE-SERIAL-0042",
    )
    # Inside both gamuts: a P3 primary would be clipped to the same numbers.
    green = (100, 180, 100)
    options = {"JPEG": {"quality": 95}, "WEBP": {"lossless": True}}.get(fmt, {})
    content = picture_bytes(fmt, (1400, 900), green, icc_profile=profile, **options)
    assert b"Ulviya Ali" in content or fmt == "PNG"  # PNG compresses its profile
    image = make_image(content=content)
    assert len(every_file_of(image)) == 1 + 2 * 5 + 1
    assert_in_srgb_without_profile(
        image,
        expected=srgb_from(profile, "RGB", green),  # (64, 184, 90)
        unconverted=green,
        secrets=[b"Reporter Phone X", b"Ulviya Ali", b"MAKER-NOTE-SERIAL-0042"],
    )


def test_it_converts_cmyk_through_its_profile(db):
    profile = cmyk_profile(paper=(1.0, 0.9, 0.6))  # newsprint: yellowish paper
    ink = (0, 80, 80, 0)
    image = make_image(
        content=picture_bytes("JPEG", (300, 200), ink, "CMYK", icc_profile=profile)
    )
    naive = PillowImage.new("CMYK", (1, 1), ink).convert("RGB").getpixel((0, 0))
    assert_in_srgb_without_profile(
        image,
        expected=srgb_from(profile, "CMYK", ink),  # (255, 206, 172)
        unconverted=naive,  # (255, 175, 175)
        secrets=[b"Reporter Phone X", b"Ulviya Ali"],
    )


UNUSABLE_PROFILES = {
    "cmyk pixels, broken profile": ("CMYK", (0, 80, 80, 0), b"a CMYK profile"),
    "rgb pixels, broken profile": ("RGB", (120, 40, 40), b"not a profile at all"),
    "rgb pixels, grey profile": ("RGB", (120, 40, 40), grey_profile()),
    "grey pixels, profile cut short": ("L", 90, rgb_profile()[:300]),
}


@pytest.mark.parametrize(
    ("mode", "colour", "profile"),
    UNUSABLE_PROFILES.values(),
    ids=UNUSABLE_PROFILES.keys(),
)
def test_it_drops_a_profile_it_cannot_use_and_keeps_the_picture(
    db, mode, colour, profile
):
    content = picture_bytes("JPEG", (300, 200), colour, mode, icc_profile=profile)
    image = make_image(content=content)
    plain = PillowImage.new(mode, (1, 1), colour).convert("RGB").getpixel((0, 0))
    for name in every_file_of(image):
        content, stored = reopen(name)
        assert "icc_profile" not in stored.info, name
        assert profile[:200] not in content, name
        assert close_to(stored.convert("RGB").getpixel((10, 10)), plain, 6), name


def on_white(picture):
    """The grey a reader sees of the picture's corner on a white page."""
    rgba = picture.convert("RGBA")
    white = PillowImage.new("RGBA", rgba.size, "white")
    return PillowImage.alpha_composite(white, rgba).convert("L").getpixel((0, 0))


@pytest.mark.parametrize("alpha", [None, 77], ids=["grey", "grey with alpha"])
def test_grey_pictures_stay_grey_once_converted(db, alpha):
    profile = grey_profile(gamma=1.0)  # linear light, as some scanners write
    mode, colour = ("L", 128) if alpha is None else ("LA", (128, alpha))
    image = make_image(
        content=picture_bytes("PNG", (300, 200), colour, mode, icc_profile=profile)
    )
    grey = srgb_from(profile, "L", 128)[0]  # 188
    expected = grey if alpha is None else (grey, alpha)
    _content, original = reopen(image.file.name)
    assert original.mode == mode
    assert original.getpixel((0, 0)) == expected
    seen = on_white(PillowImage.new(mode, (1, 1), expected))
    for name in every_file_of(image):
        _content, stored = reopen(name)
        assert "icc_profile" not in stored.info, name
        assert abs(on_white(stored) - seen) <= 6, name


def test_renditions_of_an_original_stored_with_its_profile_carry_none(db):
    image = make_image(content=picture_bytes("PNG", (700, 500)))
    # How uploads were stored before their profiles were converted.
    profile, green = rgb_profile(), (100, 180, 100)
    kept = picture_bytes("PNG", (700, 500), green, icc_profile=profile)
    name = default_storage.save("images/kept-profile.png", ContentFile(kept))
    Image.objects.filter(pk=image.pk).update(file=name)
    image.refresh_from_db()
    assert image.make_renditions() == 2 * 3 + 1
    for rendition in image.renditions.all():
        _content, stored = reopen(rendition.file.name)
        assert "icc_profile" not in stored.info, rendition
        pixel = stored.convert("RGB").getpixel((10, 10))
        assert close_to(pixel, srgb_from(profile, "RGB", green), 6), rendition


# Renditions


def test_it_makes_webp_and_jpeg_renditions_at_every_width(db):
    image = make_image(content=picture_bytes(size=(2400, 1600)))
    assert image.rendition_widths() == [320, 640, 960, 1280, 1920]
    widths = image.renditions.filter(crop="")
    assert widths.count() == 10
    for rendition in widths:
        _content, stored = reopen(rendition.file.name)
        assert stored.format == {"webp": "WEBP", "jpeg": "JPEG"}[rendition.format]
        assert stored.size == (rendition.width, round(1600 * rendition.width / 2400))
        assert rendition.file.name == image.rendition_name(
            rendition.width, rendition.format
        )


def test_it_never_makes_a_rendition_wider_than_the_original(db):
    image = make_image(content=picture_bytes(size=(500, 300)))
    assert image.rendition_widths() == [320, 500]
    assert set(image.renditions.values_list("width", flat=True)) == {320, 500}
    _content, widest = reopen(image.rendition_name(500, "webp"))
    assert widest.size == (500, 300)


def test_it_makes_renditions_once_and_reuses_them(db, monkeypatch):
    image = make_image(content=picture_bytes(size=(1000, 700)))
    saved = []
    monkeypatch.setattr(
        default_storage, "save", lambda name, content: saved.append(name)
    )
    assert image.make_renditions() == 0
    assert saved == []
    assert image.renditions.count() == 2 * 4 + 1


def test_a_new_file_gets_new_rendition_names(editor_client):
    image = make_image(content=picture_bytes(size=(800, 600)))
    old_url = image.rendition_url(320)
    response = upload(
        editor_client,
        picture_bytes(size=(800, 600), color=(9, 9, 9)),
        url=f"{LIST_URL}{image.pk}/change/",
        title=image.title,
        alt_text=image.alt_text,
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.rendition_url(320) != old_url
    assert default_storage.exists(image.rendition_name(320, "webp"))
    names = image.renditions.values_list("file", flat=True)
    assert len(names) == 2 * 3 + 1
    assert all(f"/{image.digest}-" in name for name in names)


def test_the_command_makes_what_is_missing_and_nothing_twice(db):
    image = make_image(content=picture_bytes(size=(800, 600)))
    default_storage.delete(image.rendition_name(640, "webp"))
    Image.objects.filter(pk=image.pk).update(digest="")
    out = StringIO()
    call_command("make_renditions", stdout=out)
    assert "1 rendition(s) made for 1 picture(s)." in out.getvalue()
    image.refresh_from_db()
    assert image.has_renditions()
    assert default_storage.exists(image.rendition_name(640, "webp"))
    call_command("make_renditions", stdout=out)
    assert "0 rendition(s) made for 1 picture(s)." in out.getvalue()


# Focal-point crops


def picture_with_a_white_square():
    picture = PillowImage.new("RGB", (2400, 1000), (0, 0, 0))
    ImageDraw.Draw(picture).rectangle((2100, 400, 2300, 600), fill=(255, 255, 255))
    buffer = BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def test_the_social_crop_keeps_the_focal_point_in_view(db):
    image = make_image(content=picture_with_a_white_square(), focal_x=0.92)
    content, crop = reopen(image.crop(1200, 630)[2])
    assert crop.size == (1200, 630) == image.social_rendition_size()
    assert image.social_rendition_url().endswith("-1200x630-92-50.jpg")
    # The box runs from x=495 to the right edge: the square lands near x=1074.
    assert crop.convert("L").getpixel((1074, 315)) > 240

    image.focal_x = 0.1
    image.save()
    image.make_renditions()
    _content, crop = reopen(image.crop(1200, 630)[2])
    assert crop.convert("L").getextrema()[1] < 20  # the square is cropped out
    assert image.renditions.filter(crop="1200x630").count() == 1


def test_a_small_picture_is_cropped_but_not_enlarged(db):
    image = make_image(content=picture_bytes(size=(600, 400)))
    assert image.social_rendition_size() == (600, 315)
    _content, crop = reopen(image.crop(1200, 630)[2])
    assert crop.size == (600, 315)


# Pages


def picture_tags(page):
    return re.findall(r"<picture>.*?</picture>", page, flags=re.S)


def test_the_story_page_offers_webp_first_then_jpeg_at_several_widths(client, db):
    lead = make_image(content=picture_bytes(size=(2000, 1333)), alt_text="Flags")
    story = make_article(lead_image=lead)
    page = client.get(story.get_absolute_url()).content.decode()
    [picture] = picture_tags(page)
    sources = re.findall(
        r'<source type="([^"]+)" srcset="([^"]+)" sizes="[^"]+">', picture
    )
    assert [kind for kind, _srcset in sources] == ["image/webp", "image/jpeg"]
    for kind, srcset in sources:
        widths = re.findall(r"\.(?:webp|jpg) (\d+)w", srcset)
        assert len(widths) >= 3
        assert widths == ["320", "640", "960", "1280", "1920"]
        assert (".webp" in srcset) == (kind == "image/webp")
    assert 'width="2000" height="1333" alt="Flags" loading="eager"' in picture
    assert lead.file.url not in page  # never the original


def test_listings_load_their_pictures_lazily(client, db):
    make_article(lead_image=make_image(content=picture_bytes(size=(900, 600))))
    make_article(lead_image=make_image(content=picture_bytes(size=(900, 600))))
    page = client.get("/").content.decode()
    assert any('loading="lazy"' in tag for tag in picture_tags(page))


def test_the_picture_tag_costs_no_query(django_assert_num_queries, db):
    pictures = [make_image() for _ in range(5)]
    template = Template(
        "{% load newsroom %}{% for image in pictures %}{% picture image %}{% endfor %}"
    )
    pictures = list(Image.objects.filter(pk__in=[p.pk for p in pictures]))
    with django_assert_num_queries(0):
        html = template.render(Context({"pictures": pictures}))
    assert html.count("<picture>") == 5


def test_the_home_page_costs_the_same_queries_with_more_pictures(
    client, db, uncached_pages
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    for _ in range(2):
        make_article(lead_image=make_image())
    queries()  # the membership prompts are cached after the first page
    two = queries()
    for _ in range(4):
        make_article(lead_image=make_image())
    queries()  # site-wide caches refill after the change
    assert queries() == two


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


# Serving and the demo


def test_renditions_are_served_with_a_years_cache_and_nosniff(client, db):
    image = make_image()
    response = client.get(image.rendition_url(64, "webp"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    original = client.get(image.file.url)
    assert original["Cache-Control"] == "public, max-age=3600"
    assert client.get("/media/renditions/nothing.webp").status_code == 404


def test_the_demo_pictures_go_through_the_pipeline(client, demo):
    for image in Image.objects.all():
        assert image.has_renditions()
        assert image.renditions.count() == 2 * 5 + 1
        for name in every_file_of(image):
            content, _stored = reopen(name)
            assert b"Exif" not in content
    page = client.get("/story/baku-rally-in-support-of-ukraine/").content.decode()
    assert "1920w" in picture_tags(page)[0]
