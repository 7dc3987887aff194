"""Pictures in and out: checking uploads, removing metadata, encoding renditions.

The only module that imports Pillow. It knows bytes and pixels; which renditions
an image has and where they are stored is the Image model's business.
"""

import hashlib
import re
import warnings
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext
from PIL import Image as PillowImage
from PIL import ImageCms, ImageMath, ImageOps, UnidentifiedImageError

from articles.image_formats import jpeg_ends

ACCEPTED = ("JPEG", "PNG", "WEBP", "GIF")
# What each accepted kind is stored as: a GIF keeps only its first frame, as PNG;
# an MPO (a JPEG holding several pictures, from phones and 3D cameras, which
# Pillow's JPEG reader opens) its first picture, as JPEG.
STORED_AS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "PNG"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
ORIGINAL_QUALITY = 90
RENDITION_QUALITY = {"JPEG": 82, "WEBP": 80}
EXIF_ORIENTATION, EXIF_ARTIST, EXIF_COPYRIGHT = 0x0112, 0x013B, 0x8298
# Errors Pillow raises on files that are damaged or are not what they claim.
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError)
# The most pixels a WebP holds on either side; renditions must fit.
MAX_SIDE = 16383
# Modes stored as they are: 8 bits a channel, grey or colour, with or without alpha.
PLAIN_MODES = ("L", "LA", "RGB", "RGBA")
# Pillow opens 16-bit grey PNGs as I;16.
DEEP_GREY = ("I;16", "I;16B", "I;16L", "I;16N", "I")


class Refused(ValueError):
    """An upload that is not a picture we take; the message is for the editor."""


@dataclass(frozen=True)
class Picture:
    """A checked upload, re-encoded without metadata."""

    content: bytes
    format: str
    width: int
    height: int
    camera_credit: str

    @property
    def digest(self):
        return digest(self.content)

    @property
    def filename(self):
        return f"{self.digest}.{EXTENSIONS[self.format]}"


@dataclass(frozen=True)
class Spec:
    """One rendition to make: its storage name, size, format and optional crop."""

    name: str
    width: int
    height: int
    format: str  # "jpeg" or "webp"
    box: tuple[int, int, int, int] | None = None  # (left, top, right, bottom)
    crop: str = ""  # a crop's name, such as "1200x630"


def digest(content):
    return hashlib.sha256(content).hexdigest()[:16]


def clean(upload):
    """Check an uploaded file by its content and re-encode it in sRGB without
    metadata.

    Raises Refused, before any pixel is decoded, for empty, oversized and
    over-large (decompression bomb) files, and after decoding for damaged or
    cut ones and for pictures too thin for any rendition.
    """
    _check_file(upload)
    with _open(upload) as picture:
        max_pixels = settings.NEWSROOM_IMAGE_MAX_PIXELS
        if picture.width * picture.height > max_pixels:
            raise Refused(_too_many_pixels(picture.size, max_pixels))
        try:
            picture.load()  # Only the first frame of an animation.
            exif = picture.getexif()
            complete = _is_complete(upload, picture.format)
        except DECODE_ERRORS:
            complete = False
        if not complete:
            raise Refused(_damaged())
        stored_as = STORED_AS[picture.format]
        bare = _strip(picture, exif.get(EXIF_ORIENTATION))
        _check_shape(bare.size)
        content = _encode(bare, stored_as, ORIGINAL_QUALITY, for_readers=False)
    return Picture(
        content=content,
        format=stored_as,
        width=bare.width,
        height=bare.height,
        camera_credit=_camera_credit(exif),
    )


def _check_file(upload):
    max_bytes = settings.NEWSROOM_IMAGE_MAX_BYTES
    if not upload.size:
        raise Refused(gettext("The file is empty."))
    if upload.size > max_bytes:
        raise Refused(
            gettext(
                "The file is %(size)s MB; pictures up to %(limit)s MB are accepted."
            )
            % {"size": f"{upload.size / 1e6:.1f}", "limit": f"{max_bytes / 1e6:g}"}
        )
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise Refused(
            gettext(
                "This file is a document (SVG or HTML), not a photo. Upload a JPEG, "
                "PNG, WebP or GIF picture."
            )
        )


def _open(upload):
    """The picture with only its header read, or Refused."""
    try:
        with warnings.catch_warnings():
            # The pixel limit is ours, checked next; Pillow's warning would repeat it.
            warnings.simplefilter("ignore", PillowImage.DecompressionBombWarning)
            return PillowImage.open(upload, formats=ACCEPTED)
    except PillowImage.DecompressionBombError:
        raise Refused(
            _too_many_pixels(None, settings.NEWSROOM_IMAGE_MAX_PIXELS)
        ) from None
    except UnidentifiedImageError:
        raise Refused(
            gettext(
                "This file is not a picture we can use. Upload a JPEG, PNG, WebP or "
                "GIF picture (the file's content is checked, not its name)."
            )
        ) from None
    except DECODE_ERRORS:
        raise Refused(_damaged()) from None


def _is_complete(upload, fmt):
    """Whether a PNG or JPEG runs to its end: Pillow decodes one that lacks only
    its last bytes (a PNG's final chunks, a JPEG's end marker) without a word."""
    upload.seek(0)
    if fmt == "PNG":
        with _open(upload) as fresh:
            fresh.verify()  # Every chunk and its checksum up to IEND.
        return True
    if fmt in ("JPEG", "MPO"):
        return jpeg_ends(upload.read())
    return True


def _check_shape(size):
    """Refuse a picture too thin for any rendition to fit WebP's limit."""
    width, height = size
    if height > MAX_SIDE * width:
        raise Refused(
            gettext(
                "The picture is too narrow for its height (%(width)s × %(height)s "
                "pixels): pages show pictures at most %(ratio)s times as tall as "
                "they are wide. Crop it, or cut it into several pictures, and upload "
                "them again."
            )
            % {"width": width, "height": height, "ratio": f"{MAX_SIDE:,}"}
        )


def _too_many_pixels(size, max_pixels):
    limit = {"limit": f"{max_pixels / 1e6:g}"}
    if not size:
        return (
            gettext(
                "The picture is too large (up to %(limit)s megapixels are accepted). "
                "Make it smaller and upload it again."
            )
            % limit
        )
    return gettext(
        "The picture is too large (%(width)s × %(height)s pixels; up to %(limit)s "
        "megapixels are accepted). Make it smaller and upload it again."
    ) % {**limit, "width": size[0], "height": size[1]}


def _damaged():
    return gettext(
        "The picture is damaged or incomplete (it could not be read to the end). "
        "Export it again and upload the new file."
    )


def _strip(picture, orientation):
    """The picture turned upright, in sRGB and a plain mode, carrying no metadata
    at all."""
    icc_profile = picture.info.get("icc_profile")
    if orientation in range(2, 9):
        picture = ImageOps.exif_transpose(picture)
    # Before info is emptied: a transparent colour is recorded there.
    picture = _plain(picture)
    # Everything Pillow read from the file (EXIF, XMP, comments, text chunks,
    # the colour profile) lives in info.
    picture.info = {}
    picture = _in_srgb(picture, icc_profile)
    if picture.mode == "CMYK":  # No profile to convert it through.
        picture = picture.convert("RGB")
    return picture


def _plain(picture):
    """The picture with 8 bits a channel, as L, LA, RGB, RGBA or CMYK; a
    transparent colour (palette, GIF and PNG transparency) becomes its alpha."""
    mode = picture.mode
    if mode in DEEP_GREY:
        return _grey_from_deep(picture)
    if "transparency" in picture.info and mode in ("1", "L", "P", "RGB"):
        return picture.convert("LA" if mode in ("1", "L") else "RGBA")
    if mode in PLAIN_MODES or mode == "CMYK":
        return picture
    if mode in ("1", "P"):
        return picture.convert("L" if mode == "1" else "RGB")
    return picture.convert("RGBA" if "A" in mode else "RGB")


def _grey_from_deep(picture):
    """16-bit grey (0 to 65535) as 8-bit grey with the same tones, where
    convert("L") would clip everything above 255 to white."""
    deep = picture if picture.mode in ("I;16", "I") else picture.convert("I")
    # Rounded: Pillow truncates what the function gives.
    grey = deep.point(lambda value: value / 257 + 0.5).convert("L")
    transparent = picture.info.get("transparency")
    if transparent is None:
        return grey
    # Only the exact 16-bit value is transparent, not all that share its 8 bits.
    alpha = ImageMath.lambda_eval(
        lambda args: args["convert"]((args["deep"] != transparent) * 255, "L"),
        deep=deep.convert("I"),
    )
    grey.putalpha(alpha)
    return grey


def _in_srgb(picture, icc_profile):
    """The picture's colours converted from its profile to sRGB by littleCMS;
    the picture as it is if it has no profile, or one that is broken or does not
    describe its pixels (a grey profile on colour pixels)."""
    if not icc_profile or picture.mode not in ("RGB", "RGBA", "L", "LA", "CMYK"):
        return picture
    alpha = picture.getchannel("A") if "A" in picture.mode else None
    colours = picture.convert(picture.mode.removesuffix("A")) if alpha else picture
    try:
        source = ImageCms.ImageCmsProfile(BytesIO(icc_profile))
        transform = ImageCms.buildTransform(source, _srgb(), colours.mode, "RGB")
        if colours.mode == "RGB":
            # In place: a photo's pixels are not held twice.
            ImageCms.applyTransform(colours, transform, inPlace=True)
            converted = colours
        else:
            converted = ImageCms.applyTransform(colours, transform)
    except (OSError, ImageCms.PyCMSError):
        return picture
    if colours.mode == "L":
        converted = converted.convert("L")  # Grey in, grey out.
    if alpha:
        converted.putalpha(alpha)
    return converted


def _srgb():
    return ImageCms.createProfile("sRGB")


def _camera_credit(exif):
    """Who the camera says took the picture, built once from Artist then
    Copyright (each may hold several names between " / "), or ''.

    A name is given once: "(c) 2026 Aytan Reporter" after "Aytan Reporter"
    adds nothing, nor does an outlet both fields name. Pages print it after
    "Photo: ", so a "Photo:" the camera wrote is dropped.
    """
    kept = {}
    for tag in (EXIF_ARTIST, EXIF_COPYRIGHT):
        text = " ".join(_exif_text(exif.get(tag)).replace("\x00", " ").split())
        for part in text.split(" / "):
            part = _PHOTO_BY.sub("", part).strip(" /")
            kept.setdefault(_who(part), part)
    kept.pop("", None)
    return " / ".join(kept.values())[:200]


# "Photo: ", "Photo by ", "Фото: " before a name: the page says "Photo:" itself.
_PHOTO_BY = re.compile(r"^(?:photo(?:graph)?|фото)(?:\s*:|\s+by\b)\s*", re.IGNORECASE)
# What a copyright line adds to a name: ©, (c), "Copyright", years, "All rights
# reserved".
_NOT_A_NAME = re.compile(
    r"©|\(c\)|\bcopyright\b|\b(?:19|20)\d\d\b(?:\s*[-–]\s*(?:19|20)?\d\d)?"
    r"|\ball rights reserved\b",
    re.IGNORECASE,
)


def _exif_text(value):
    """An EXIF text field as written: cameras and editors write UTF-8, which
    Pillow reads as Latin-1 ("Â©" for "©")."""
    if isinstance(value, str):
        try:
            return value.encode("latin-1").decode("utf-8")
        except UnicodeError:
            return value  # Latin-1 after all, or already decoded
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return ""


def _who(part):
    """The name a credit part gives, to tell repeats apart: "(c) 2026 Aytan
    Reporter." and "Aytan Reporter" are one."""
    return " ".join(_NOT_A_NAME.sub(" ", part).strip(" .,;:-–").split()).casefold()


def _encode(picture, fmt, quality, for_readers=True):
    # No colour profile: the pixels are sRGB by now, which is what browsers take
    # a picture without one to be. A profile would add bytes to every file and
    # could carry text; None also stops PNG copying one from the picture's info.
    options = {"icc_profile": None}
    if fmt == "JPEG":
        if picture.mode in ("RGBA", "LA"):
            picture = _flatten(picture)
        # Readers get smaller, progressive files; the stored original, which
        # readers never download, is not worth the extra seconds.
        options.update(quality=quality, optimize=for_readers, progressive=for_readers)
    elif fmt == "PNG":
        options.update(compress_level=6 if for_readers else 3)
    elif fmt == "WEBP":
        if picture.mode in ("L", "LA"):
            picture = picture.convert("RGBA" if picture.mode == "LA" else "RGB")
        options.update(quality=quality, method=4)
    buffer = BytesIO()
    picture.save(buffer, fmt, **options)
    return buffer.getvalue()


def _flatten(picture):
    """A picture with transparency laid on white, for formats without an alpha channel."""
    rgba = picture.convert("RGBA")
    background = PillowImage.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def render(source, specs):
    """Encode each spec from one decoding of the source; yields (spec, bytes).

    A JPEG source is decoded at the smallest scale that still covers every
    rendition (JPEG draft mode), which is most of the speed.
    """
    if not specs:
        return
    with PillowImage.open(source) as original:
        full_width, full_height = original.size
        scale = max(_needed_scale(spec, full_width) for spec in specs)
        if original.format == "JPEG" and scale < 1:
            original.draft(
                original.mode,
                (round(full_width * scale + 0.5), round(full_height * scale + 0.5)),
            )
        original.load()
        base = _plain(original)
        # Originals stored before profiles were converted still carry theirs.
        base = _in_srgb(base, original.info.get("icc_profile"))
        factor = base.width / full_width
        last_key = rendition = None
        for spec in specs:
            box = spec.box or (0, 0, full_width, full_height)
            # Consecutive specs of one size (its WebP and JPEG) share the resize.
            if (key := (spec.width, spec.height, box)) != last_key:
                rendition = base.resize(
                    (spec.width, spec.height),
                    PillowImage.Resampling.LANCZOS,
                    box=tuple(round(edge * factor) for edge in box),
                    reducing_gap=3.0,
                )
                last_key = key
            fmt = spec.format.upper()
            yield spec, _encode(rendition, fmt, RENDITION_QUALITY[fmt])


def _needed_scale(spec, full_width):
    box_width = spec.box[2] - spec.box[0] if spec.box else full_width
    return min(1, spec.width / box_width)
