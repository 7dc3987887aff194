"""Attachments made pictures: found in a copy of wp-content/uploads by their
upload path, and checked, stripped and rendered as any upload is
(articles.models.image_create)."""

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.files import File

from articles import images
from articles.html import plain_text
from articles.models import image_create

UPLOADS = "/wp-content/uploads/"
# WordPress's resized copies: photo-1024x683.jpg, photo-scaled.jpg.
_SIZED = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.[A-Za-z0-9]+$)")
# Credit in the metadata WordPress read from the file (a PHP-serialised array).
_CREDIT = re.compile(r's:6:"credit";s:\d+:"([^"]*)";')


@dataclass
class Attachment:
    """What the import keeps of an attachment between its two passes."""

    wp_id: int
    upload_path: str  # 2022/03/photo.jpg
    title: str
    caption: str
    alt: str
    credit: str
    parent: int | None


def attachment_from(item):
    meta = item.meta
    upload_path = meta.get("_wp_attached_file") or upload_path_of(item.attachment_url)
    return Attachment(
        wp_id=item.wp_id,
        upload_path=(upload_path or "").lstrip("/"),
        title=item.title,
        caption=plain_text(item.excerpt),
        alt=meta.get("_wp_attachment_image_alt", "").strip(),
        credit=_credit(meta.get("_wp_attachment_metadata", "")),
        parent=item.parent,
    )


def _credit(metadata):
    found = _CREDIT.search(metadata)
    return found.group(1).strip() if found else ""


def upload_path_of(url):
    """'2022/03/photo.jpg' for any address of an upload or of one of its
    resized copies; '' for other addresses."""
    path = unquote(urlsplit(url or "").path)
    if UPLOADS not in path:
        return ""
    return _SIZED.sub("", path.split(UPLOADS, 1)[1])


def file_in(media_dir, upload_path):
    """The file for an upload path inside the media folder, or None: never a
    path that leads out of it."""
    if not media_dir or not upload_path:
        return None
    root = Path(media_dir).resolve()
    candidate = (root / upload_path).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


def picture_from(attachment, media_dir, *, dry_run=False):
    """A new Image for the attachment (None in a dry run, once checked).

    Raises LookupError for a file not in the media folder and images.Refused
    for one that is no picture we take.
    """
    found = file_in(media_dir, attachment.upload_path)
    if found is None:
        raise LookupError(attachment.upload_path or f"attachment {attachment.wp_id}")
    name = Path(attachment.upload_path).stem
    with found.open("rb") as handle:
        upload = File(handle, name=found.name)
        if dry_run:
            images.clean(upload)
            return None
        return image_create(
            upload=upload,
            title=(attachment.title or name)[:200],
            alt_text=(attachment.alt or attachment.title or name)[:300],
            caption=attachment.caption,
            credit=attachment.credit[:200],
        )
