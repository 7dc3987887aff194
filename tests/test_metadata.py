"""Metadata and colour: no stored file keeps EXIF, GPS, XMP, IPTC, comments or
a colour profile, pictures are turned upright, and colours described by a
profile are converted to sRGB."""

import struct
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as PillowImage
from PIL import ImageCms, ImageDraw
from PIL.PngImagePlugin import PngInfo

from articles.image_formats import holds_only_pixels
from articles.models import Image
from tests.colour_profiles import cmyk_profile, grey_profile, rgb_profile
from tests.helpers import make_image
from tests.picture_helpers import (
    camera_exif,
    every_file_of,
    photo_with_metadata,
    picture_bytes,
    reopen,
)

SECRETS = [
    b"Exif\x00\x00",  # any EXIF block at all
    b"http://ns.adobe.com/xap/1.0/",  # XMP
    b"Photoshop 3.0",  # IPTC
    b"MAKER-NOTE-SERIAL-0042",
    b"Reporter Phone X",
    b"reporter's home",
]


# Metadata


def test_it_removes_every_kind_of_metadata_from_every_stored_file(db):
    image = make_image(content=photo_with_metadata())
    names = every_file_of(image)
    # The original, 5 widths × 2 formats, the social card, and the 16:9 and 4:3
    # crops for search results (1400 × 900 is too short for the 1:1 one).
    assert len(names) == 1 + 2 * 5 + 1 + 2
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
    assert len(every_file_of(image)) == 1 + 2 * 5 + 1 + 2
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


# Depths and transparency


def grey_gradient_16_bit(width=640, height=40):
    """A 16-bit grey PNG from black on the left to white on the right, in steps
    finer than 8 bits hold."""
    row = [round(x * 65535 / (width - 1)) for x in range(width)]
    picture = PillowImage.frombytes(
        "I;16", (width, height), struct.pack(f"<{width}H", *row) * height
    )
    buffer = BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def test_a_16_bit_grey_picture_keeps_its_tones(db):
    content = grey_gradient_16_bit()
    assert PillowImage.open(BytesIO(content)).mode == "I;16"
    image = make_image(content=content)
    _content, original = reopen(image.file.name)
    assert original.mode == "L"  # grey in, grey out, 8 bits
    row = [original.getpixel((x, 20)) for x in range(640)]
    assert all(abs(grey - x * 255 / 639) <= 1 for x, grey in enumerate(row)), row
    for fmt in ("webp", "jpeg"):
        _content, rendition = reopen(image.rendition_name(320, fmt))
        row = [rendition.convert("L").getpixel((x, 10)) for x in range(320)]
        expected = [(2 * x + 0.5) * 255 / 639 for x in range(320)]
        assert all(abs(a - b) <= 4 for a, b in zip(row, expected, strict=True)), fmt


def two_halves(mode, left, right, fmt="PNG", **options):
    """A 200 × 100 picture: the left half one colour, the right half another."""
    picture = PillowImage.new(mode, (200, 100), left)
    picture.paste(right, (100, 0, 200, 100))
    if mode == "P":
        picture.putpalette([200, 30, 30, 30, 30, 200])
    buffer = BytesIO()
    picture.save(buffer, fmt, **options)
    return buffer.getvalue()


TRANSPARENT_LEFT = {
    "palette png": two_halves("P", 0, 1, transparency=0),
    "palette gif": two_halves("P", 0, 1, "GIF", transparency=0),
    "grey png": two_halves("L", 10, 200, transparency=10),
    "colour png": two_halves("RGB", (9, 9, 9), (30, 30, 200), transparency=(9, 9, 9)),
    "16-bit grey png": two_halves("I;16", 2570, 51400, transparency=2570),
}


@pytest.mark.parametrize(
    "content", TRANSPARENT_LEFT.values(), ids=TRANSPARENT_LEFT.keys()
)
def test_a_transparent_colour_stays_transparent(db, content):
    image = make_image(content=content)
    _content, original = reopen(image.file.name)
    left, right = (original.convert("RGBA").getpixel((x, 50)) for x in (20, 180))
    assert left[3] == 0
    assert right[3] == 255
    # JPEG renditions lay the transparent half on white, as the page shows it.
    _content, jpeg = reopen(image.rendition_name(200, "jpeg"))
    assert close_to(jpeg.convert("RGB").getpixel((20, 50)), (255, 255, 255), 3)
    assert not close_to(jpeg.convert("RGB").getpixel((180, 50)), (255, 255, 255), 30)


def test_a_black_and_white_picture_is_stored_as_grey(db):
    image = make_image(content=two_halves("1", 0, 1))
    _content, original = reopen(image.file.name)
    assert original.mode == "L"
    assert [original.getpixel((x, 50)) for x in (20, 180)] == [0, 255]


# Files that hold their pixels and nothing else


@pytest.mark.parametrize(
    ("fmt", "mode"),
    [
        ("JPEG", "RGB"),
        ("JPEG", "L"),
        ("PNG", "RGBA"),
        ("PNG", "LA"),
        ("WEBP", "RGB"),
        ("WEBP", "RGBA"),
    ],
)
def test_every_file_stored_holds_only_its_pixels(db, fmt, mode):
    colour = {"L": 90, "LA": (90, 200), "RGB": (30, 90, 160)}.get(mode, (1, 2, 3, 4))
    options = {"exif": camera_exif(), "icc_profile": rgb_profile()}
    if mode in ("L", "LA"):
        options["icc_profile"] = grey_profile()
    image = make_image(content=picture_bytes(fmt, (700, 500), colour, mode, **options))
    for name in every_file_of(image):
        content, _stored = reopen(name)
        assert holds_only_pixels(content), name


def png_with_text():
    text = PngInfo()
    text.add_text("Comment", "reporter's home")
    return picture_bytes("PNG", pnginfo=text)


def jpeg_with_text_between_segments():
    content = picture_bytes()
    return content[:20] + b"reporter's home" + content[20:]  # after JFIF's APP0


MORE_THAN_PIXELS = {
    "jpeg with exif, xmp and iptc": photo_with_metadata(),
    "jpeg with a colour profile": picture_bytes(icc_profile=rgb_profile()),
    "jpeg with a comment": picture_bytes(comment=b"reporter's home"),
    "jpeg with text between segments": jpeg_with_text_between_segments(),
    "jpeg with data after its end": picture_bytes() + b"PHONE-TRAILER",
    "png with a text chunk": png_with_text(),
    "png with a colour profile": picture_bytes("PNG", icc_profile=rgb_profile()),
    "png with data after its end": picture_bytes("PNG") + b"PHONE-TRAILER",
    "webp with exif": picture_bytes("WEBP", exif=camera_exif()),
    "webp with xmp": picture_bytes("WEBP", xmp=b"reporter's home"),
    "webp with a colour profile": picture_bytes("WEBP", icc_profile=rgb_profile()),
    "gif, never stored": picture_bytes("GIF"),
    "not a picture": b"GPS 40.4093 49.8671",
}


@pytest.mark.parametrize(
    "content", MORE_THAN_PIXELS.values(), ids=MORE_THAN_PIXELS.keys()
)
def test_a_file_with_more_than_its_pixels_is_told_apart(content):
    assert not holds_only_pixels(content)
