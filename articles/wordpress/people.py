"""WordPress authors, categories and tags made Authors, Sections and Tags.

A category becomes a section where a post files under it first (or as its
primary category), and a tag where it is one of a post's other categories; both
are made when first needed, so a category no post uses adds no section.
"""

import zlib
from html import unescape
from urllib.parse import unquote

from django.db.models import Q

from articles.html import plain_text
from articles.models import Author, Section, Tag
from articles.slugs import SLUG

from . import addresses
from .models import ImportedItem
from .wxr import Term

Kind = ImportedItem.Kind
UNCATEGORISED = "uncategorized"


def synthetic_id(text):
    """A stable negative id for a term or author the export names but does not
    declare (WordPress's own ids are positive)."""
    return -zlib.crc32(text.encode())


class People:
    """Authors and terms of one site, looked up by login and by slug, made
    (and remembered as ImportedItems) on first use."""

    def __init__(self, run):
        self.run = run
        self.authors = {}  # login: wxr.Author
        self.terms = {}  # (kind, slug): wxr.Term
        self.made = {}  # (Kind, wp_id): ImportedItem

    def declare(self, record):
        if hasattr(record, "login"):
            self.authors[record.login] = record
        else:
            self.terms[(record.kind, record.slug)] = record

    def _item(self, kind, wp_id, counted_as, field):
        """The ImportedItem, counted as unchanged the first time this run meets
        one made before."""
        key = (kind, wp_id)
        if key not in self.made:
            self.made[key], _created = ImportedItem.objects.get_or_create(
                site=self.run.channel.site, kind=kind, wp_id=wp_id
            )
            if getattr(self.made[key], field + "_id") is not None:
                self.run.summary.add(counted_as, "unchanged")
        return self.made[key]

    def author(self, login):
        """The Author for a post's dc:creator login, made on first use."""
        record = self.authors.get(login)
        wp_id = record.wp_id if record and record.wp_id else synthetic_id(login)
        item = self._item(Kind.AUTHOR, wp_id, "authors", "author")
        if item.author_id is None:
            item.author = self._new_author(login, record)
            item.save(update_fields=["author", "imported_at"])
            self.run.summary.add("authors", "created")
            if record is not None:
                self.run.remember(
                    item, addresses.author_paths(record, self.run.channel)
                )
        return item.author

    def _new_author(self, login, record):
        name = unescape(record.display_name if record else "") or login
        slug = addresses.author_nicename(login)
        found = Author.objects.filter(slug=slug, name=name).first()
        if found:
            return found
        return Author.objects.create(
            name=name[:120],
            slug=slug if SLUG.match(slug) and not _taken(Author, slug) else "",
            bio=plain_text(record.description) if record else "",
        )

    def section(self, slug, name=""):
        """The Section for a post's category, made on first use."""
        term = self._term("category", slug, name)
        item = self._item(Kind.CATEGORY, term.wp_id, "sections", "section")
        if item.section_id is None:
            item.section = _reused(Section, term) or Section.objects.create(
                name=_name(term)[:80],
                slug=_slug(Section, term),
                description=plain_text(term.description),
            )
            item.save(update_fields=["section", "imported_at"])
            self.run.summary.add("sections", "created")
            self._remember_category(item, term)
        return item.section

    def tag(self, kind, slug, name=""):
        """The Tag for a post's tag, or for one of its other categories."""
        term = self._term(kind, slug, name)
        item_kind = Kind.TAG if kind == "tag" else Kind.CATEGORY
        item = self._item(item_kind, term.wp_id, "tags", "tag")
        if item.tag_id is None:
            tag_name = _name(term)[:100]
            item.tag = Tag.objects.filter(
                Q(name=tag_name) | Q(slug=unquote(term.slug))
            ).first() or Tag.objects.create(name=tag_name, slug=_slug(Tag, term))
            item.save(update_fields=["tag", "imported_at"])
            self.run.summary.add("tags", "created")
            if kind == "tag":
                self.run.remember(item, addresses.tag_paths(term, self.run.channel))
            else:
                self._remember_category(item, term)
        return item.tag

    def _remember_category(self, item, term):
        channel = self.run.channel
        self.run.remember(
            item, addresses.category_paths(term, self.full_slug(term), channel)
        )

    def full_slug(self, term):
        """parent/child, as category addresses nest."""
        slugs, seen = [term.slug], {term.slug}
        parent = self.terms.get(("category", term.parent))
        while parent is not None and parent.slug not in seen:
            slugs.insert(0, parent.slug)
            seen.add(parent.slug)
            parent = self.terms.get(("category", parent.parent))
        return "/".join(slugs)

    def _term(self, kind, slug, name):
        slug = slug or UNCATEGORISED
        term = self.terms.get((kind, slug))
        if term is None:
            term = Term(kind=kind, wp_id=None, slug=slug, name=name or unquote(slug))
            self.terms[(kind, slug)] = term
        if not term.wp_id:
            term.wp_id = synthetic_id(f"{kind}:{slug}")
        return term


def _name(term):
    return unescape(term.name) or unquote(term.slug)


def _taken(model, slug):
    return model.objects.filter(slug=slug).exists()


def _reused(model, term):
    """A section of the same address already on the site: the outlet's own."""
    slug = unquote(term.slug)
    return model.objects.filter(slug=slug).first() if SLUG.match(slug) else None


def _slug(model, term):
    """WordPress's slug where it is Latin and free; else '' (the field makes
    one from the name, in Latin letters, numbered past those taken)."""
    slug = unquote(term.slug)
    return slug if SLUG.match(slug) and not _taken(model, slug) else ""
