"""Pictures for the photo desk's tests: files as cameras, phones and editors
make them, the admin's upload form, and what storage holds afterwards."""

import os
import struct
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as PillowImage
from PIL import ImageCms

ADD_URL = "/admin/articles/image/add/"
LIST_URL = "/admin/articles/image/"
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


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
