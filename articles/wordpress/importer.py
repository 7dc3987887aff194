"""One import of a WordPress export: `import_export(path, …)` -> Summary.

The file is read twice as a stream (wxr.read). The first pass writes nothing:
it checks the whole file and keeps what the second needs (authors, categories,
tags, attachments), so a file that is not an export, or is cut short, stops
the run before anything is written. Then, in one transaction: pictures from
the media folder, and the posts as stories (with their authors, sections and
tags as they are first used), each remembering its old addresses.

Keyed on the WordPress site and item id (ImportedItem), a second run updates
what changed in WordPress and creates nothing twice; a story edited here since
it was imported is left alone and reported.

New stories are written a batch at a time (batches), with their bylines,
tags, search documents and old addresses; stories changed in WordPress are
saved one by one, as the admin saves them. At the end the sitemap's months
are worked out again and, once the run commits, every cached page is aged
once (an import changes most lists anyway).
"""

import hashlib
from dataclasses import astuple
from html import unescape
from urllib.parse import unquote, urlsplit

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles import images
from articles.html import excerpt, plain_text
from articles.models import Article, Outlet, SitemapMonth
from articles.models.files import files_removed_on_error
from articles.serving.invalidation import forget_pages
from articles.slugs import slugify

from . import addresses, content, pictures, wxr
from .batches import SLUG_LENGTH, Batch, Filed
from .models import ImportedItem
from .people import People
from .summary import Summary

Kind = ImportedItem.Kind
# WordPress post status: (story status, whether it keeps its publication time).
STATUSES = {
    "publish": (Article.Status.PUBLISHED, True),
    "future": (Article.Status.PUBLISHED, True),
    "draft": (Article.Status.DRAFT, False),
    "pending": (Article.Status.REVIEW, False),
    "private": (Article.Status.DRAFT, False),
}
SKIPPED_TYPES = {"page": "pages", "nav_menu_item": "menus"}

NOT_A_STORY_STATUS = _("status not imported (trash, auto-draft…)")
TWICE = _("in the export twice: imported once")
EDITED_HERE = _("edited here since the last import: left alone")
DELETED_HERE = _("deleted here since the last import: not brought back")
NO_MODEL = _("no model for them here")
MISSING_FILE = _("file missing from the media folder")
REFUSED_FILE = _("file refused")
NO_MEDIA = _("no media folder given")
NO_ALT = _("no alt text in WordPress: the title stands in, to be written")
PICTURE_NOT_FOUND = _("picture not found: left out of the story")
NOTES = {
    "shortcode removed": _("shortcode removed"),
    "frame removed": _("frame from another site removed"),
}


def import_export(
    path, *, media_dir=None, outlet=None, language, dry_run=False, progress=None
):
    """Import the export at `path`; returns the Summary.

    Raises wxr.NotAnExport, having written nothing, for a file that is not a
    WordPress export. With dry_run, everything is done and then rolled back.
    """
    run = Run(path, media_dir, outlet, language, dry_run, progress)
    run.scan()
    with files_removed_on_error(), transaction.atomic():
        run.write()
        if dry_run:
            transaction.set_rollback(True)
        else:
            transaction.on_commit(forget_pages)
    return run.summary


class Run:
    def __init__(self, path, media_dir, outlet, language, dry_run, progress):
        self.path = path
        self.media_dir = media_dir
        self.outlet = outlet
        self.language = language
        self.dry_run = dry_run
        self.progress = progress or (lambda done, total: None)
        self.summary = Summary()
        self.batch = Batch(self.summary)
        self.seen = set()  # post wp_ids met in this run
        self.channel = wxr.Channel()
        self.people = People(self)
        self.attachments = {}  # wp_id: pictures.Attachment
        self.attached = {}  # post wp_id: [attachment wp_id, …]
        self.posts = 0
        self.pictures = {}  # attachment wp_id: Image id
        self.uploads = {}  # upload path: Image id

    # The first pass: read everything, write nothing.

    def scan(self):
        for record in wxr.read(self.path):
            if isinstance(record, wxr.Channel):
                self.channel = record
            elif isinstance(record, wxr.Item):
                self._scan_item(record)
            else:
                self.people.declare(record)

    def _scan_item(self, item):
        if item.post_type == "attachment" and item.wp_id:
            attachment = pictures.attachment_from(item)
            self.attachments[item.wp_id] = attachment
            if item.parent:
                self.attached.setdefault(item.parent, []).append(item.wp_id)
        elif item.post_type == "post":
            self.posts += 1

    # The second pass, in the transaction.

    def write(self):
        self.outlet = self.outlet or _house_outlet(self.channel)
        # What a story is like now, to tell an edit here without reading it.
        self.known = {
            item.wp_id: item
            for item in ImportedItem.objects.filter(
                site=self.channel.site, kind=Kind.POST
            ).annotate(
                story_updated_at=F("article__updated_at"),
                story_headline=F("article__headline"),
            )
        }
        self.import_pictures()
        done = 0
        for record in wxr.read(self.path):
            if not isinstance(record, wxr.Item):
                continue
            if record.comments:
                self.summary.skip("comments", NO_MODEL, n=record.comments)
            if record.post_type == "post":
                self.import_post(record)
                done += 1
                self.progress(done, self.posts)
            elif record.post_type != "attachment":
                kind = SKIPPED_TYPES.get(record.post_type, "other")
                self.summary.skip(kind, NO_MODEL, record.post_type)
        self.batch.flush()
        if self.batch.created:  # bulk writes send no signals to keep it
            SitemapMonth.objects.rebuild()

    def remember(self, item, paths):
        self.summary.add("addresses", "created", addresses.remember(item, paths))

    # Pictures.

    def import_pictures(self):
        known = {
            item.wp_id: item
            for item in ImportedItem.objects.filter(
                site=self.channel.site, kind=Kind.ATTACHMENT
            )
        }
        for attachment in self.attachments.values():
            item = known.get(attachment.wp_id)
            if item is not None and item.image_id:
                self.summary.add("pictures", "unchanged")
                self._found(attachment, item.image_id)
            elif item is not None:
                self.summary.skip("pictures", DELETED_HERE, attachment.upload_path)
            else:
                self.import_picture(attachment)

    def import_picture(self, attachment):
        if not self.media_dir:
            self.summary.skip("pictures", NO_MEDIA)
            return
        try:
            image = pictures.picture_from(
                attachment, self.media_dir, dry_run=self.dry_run
            )
        except LookupError as missing:
            self.summary.skip("pictures", MISSING_FILE, str(missing))
            return
        except images.Refused as refused:
            detail = f"{attachment.upload_path}: {refused}"
            self.summary.skip("pictures", REFUSED_FILE, detail)
            return
        self.summary.add("pictures", "created")
        if not attachment.alt:
            self.summary.note("pictures", NO_ALT, attachment.upload_path)
        if image is not None:
            ImportedItem.objects.update_or_create(
                site=self.channel.site,
                kind=Kind.ATTACHMENT,
                wp_id=attachment.wp_id,
                defaults={"image": image},
            )
            self._found(attachment, image.pk)

    def _found(self, attachment, image_id):
        self.pictures[attachment.wp_id] = image_id
        if attachment.upload_path:
            self.uploads[attachment.upload_path] = image_id

    # What content.convert asks for.

    def picture(self, attachment_id, url):
        found = self.pictures.get(attachment_id) if attachment_id else None
        found = found or self.uploads.get(pictures.upload_path_of(url))
        if found is None and not self.dry_run:
            self.note(PICTURE_NOT_FOUND, unquote(url) or f"#{attachment_id}")
        return found

    def attached_to(self, post_id):
        return self.attached.get(post_id, [])

    def embed(self, url, text="", author="", handle=""):
        if len(url) > 500 or not url.startswith(("http://", "https://")):
            return None
        slug = "wp-" + hashlib.sha256(url.encode()).hexdigest()[:16]
        link = f'<p><a href="{_attribute(url)}">{_text(url)}</a></p>'
        provider = content.provider(url) or urlsplit(url).netloc
        self.batch.embed(
            slug,
            url=url,
            author_name=(unescape(author) or provider)[:120],
            author_handle=handle[:80],
            language=self.language,
            text=text or link,
        )
        return slug

    def note(self, reason, detail=""):
        self.summary.note("stories", NOTES.get(reason, reason), detail)

    # Posts.

    def import_post(self, item):
        if not item.wp_id:
            self.summary.skip("stories", _("no post id"), item.title)
            return
        if item.status not in STATUSES:
            self.summary.skip("stories", NOT_A_STORY_STATUS, item.status)
            return
        if item.wp_id in self.seen:
            self.summary.skip("stories", TWICE, item.title)
            return
        self.seen.add(item.wp_id)
        record = self.known.get(item.wp_id)
        digest = _digest(item)
        if record is None:
            story = Article(outlet=self.outlet)
            text = unquote(item.post_name) or _headline(item)
            story.slug = slugify(text, SLUG_LENGTH, "story")  # numbered as written
            record = ImportedItem(
                site=self.channel.site, kind=Kind.POST, wp_id=item.wp_id
            )
            self.summary.add("stories", "created")
        elif record.article_id is None:
            self.summary.skip("stories", DELETED_HERE, item.title)
            return
        elif record.written_at and record.story_updated_at != record.written_at:
            self.summary.skip("stories", EDITED_HERE, record.story_headline)
            return
        elif record.digest == digest:
            self.summary.add("stories", "unchanged")
            return
        else:
            story = Article.objects.get(pk=record.article_id)
            self.summary.add("stories", "updated")
        record.digest = digest
        self.batch.add(self.filed(story, record, item))

    def filed(self, story, record, item):
        """The story as WordPress has it now, with its people, tags and
        addresses, for the batch to write."""
        status, timed = STATUSES[item.status]
        categories = [t for t in item.terms if t[0] == "category"]
        primary = self._primary(item, categories)
        story.headline = _headline(item)
        story.standfirst = plain_text(item.excerpt)
        story.body = content.convert(item.content, self, item.wp_id)
        story.status = status
        story.published_at = _published_at(item) if timed else None
        if status == Article.Status.PUBLISHED and story.published_at is None:
            story.published_at = timezone.now()
        story.section = self.people.section(*primary[1:])
        story.language = self.language
        story.seo_title = _seo(item.meta.get("_yoast_wpseo_title", ""), 200)
        story.seo_description = _seo(item.meta.get("_yoast_wpseo_metadesc", ""), 300)
        story.lead_image_id = self._lead_image(item)
        return Filed(
            story=story,
            record=record,
            authors=self._authors(item),
            tags=self._tags(item, categories, primary),
            paths=addresses.post_paths(item, self.channel),
            created_at=item.date_gmt or _aware(item.date),
            updated_at=item.modified_gmt,
            changed=story.pk is not None,
        )

    def _primary(self, item, categories):
        """The post's primary category (Yoast's or Rank Math's choice, by term
        id), else its first; 'uncategorized' for a post with none."""
        chosen = wxr._int(
            item.meta.get("_yoast_wpseo_primary_category")
            or item.meta.get("rank_math_primary_category")
        )
        for category in categories:
            term = self.people.terms.get(("category", category[1]))
            if chosen and term is not None and term.wp_id == chosen:
                return category
        return categories[0] if categories else ("category", "", "")

    def _lead_image(self, item):
        thumbnail = wxr._int(item.meta.get("_thumbnail_id"))
        if not thumbnail:
            return None
        return self.picture(thumbnail, "")

    def _authors(self, item):
        logins = [item.creator] if item.creator else []
        logins += [
            unquote(t[1]).removeprefix("cap-") for t in item.terms if t[0] == "author"
        ]
        return list(dict.fromkeys(self.people.author(login) for login in logins))

    def _tags(self, item, categories, primary):
        """The post's tags, and its categories but the one it is filed under."""
        tags = [
            self.people.tag("tag", t[1], t[2]) for t in item.terms if t[0] == "post_tag"
        ]
        tags += [
            self.people.tag("category", t[1], t[2]) for t in categories if t != primary
        ]
        return list(dict.fromkeys(tags))


def _house_outlet(channel):
    found = Outlet.objects.house()
    if found is None:
        found = Outlet.objects.create(
            name=(channel.title or channel.site)[:120],
            url=channel.link[:200],
            is_house=True,
        )
    return found


def _digest(item):
    """A fingerprint of everything the import reads of a post."""
    fields = astuple(item)
    return hashlib.sha256(repr(fields).encode("utf-8", "surrogatepass")).hexdigest()


def _aware(moment):
    if moment is None:
        return None
    return timezone.make_aware(moment, timezone.get_default_timezone())


def _published_at(item):
    return item.date_gmt or _aware(item.date)


def _headline(item):
    title = " ".join(unescape(item.title).split())
    if not title:
        title = excerpt(plain_text(item.content), 80) or f"WordPress {item.wp_id}"
    return title[:200]


def _seo(value, length):
    value = " ".join(unescape(value).split())
    return "" if "%%" in value else value[:length]


def _attribute(text):
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _text(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
