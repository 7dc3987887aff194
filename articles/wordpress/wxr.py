"""Reading a WordPress export (WXR 1.1 and 1.2) as a stream of records.

The file is parsed with defusedxml: no DTD, so no external entities and no
entity expansion bombs. Each top-level element of the channel is read, turned
into a record and dropped, so memory stays flat however large the file. A file
that is not XML, is cut short or is not a WordPress export raises NotAnExport
with one line saying so.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

VERSIONS = ("1.1", "1.2")
_WP = re.compile(r"^http://wordpress\.org/export/(\d+\.\d+)/(excerpt/)?$")
_NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}
_NO_DATE = "0000-00-00 00:00:00"


class NotAnExport(ValueError):
    """The file cannot be imported; the message is one line for the editor."""


@dataclass
class Channel:
    title: str = ""
    link: str = ""
    language: str = ""
    version: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""

    @property
    def site(self):
        """The WordPress site, as imported items are keyed on it."""
        return (self.base_blog_url or self.link or self.base_site_url).rstrip("/")

    @property
    def base_path(self):
        """Where the blog sat on its host ('' at the root, '/news' below it)."""
        return unquote(urlsplit(self.site).path).rstrip("/")


@dataclass
class Author:
    wp_id: int | None
    login: str
    display_name: str
    first_name: str = ""
    last_name: str = ""
    description: str = ""


@dataclass
class Term:
    kind: str  # "category" or "tag"
    wp_id: int | None
    slug: str  # as WordPress keeps it: non-Latin letters percent-encoded
    name: str
    parent: str = ""  # the parent category's slug
    description: str = ""


@dataclass
class Item:
    """A post, page, attachment, menu item… (post_type says which)."""

    wp_id: int | None
    post_type: str
    status: str
    title: str = ""
    link: str = ""
    guid: str = ""
    content: str = ""
    excerpt: str = ""
    creator: str = ""
    post_name: str = ""
    date: datetime | None = None  # WordPress's local time, as naive
    date_gmt: datetime | None = None
    modified_gmt: datetime | None = None
    parent: int | None = None
    attachment_url: str = ""
    meta: dict = field(default_factory=dict)
    terms: list = field(default_factory=list)  # (domain, slug, name)
    comments: int = 0


def read(path):
    """Yield the export's records in file order: the Channel first (once its
    version is known), then Author, Term and Item records.

    Raises NotAnExport, possibly after some records: read the whole file once
    before acting on any of it.
    """
    try:
        yield from _records(path)
    except (ParseError, DefusedXmlException) as error:
        raise NotAnExport(_why(error)) from None
    except (OSError, UnicodeError) as error:
        raise NotAnExport(f"The file cannot be read: {error}.") from None


def _why(error):
    if isinstance(error, DefusedXmlException):
        return (
            "The file declares a DTD or entities, which a WordPress export never "
            "does; it was not read."
        )
    return f"The file is not well-formed XML ({error}); is it cut short?"


def _records(path):  # noqa: C901  (one loop over the stream, read top down)
    depth = 0
    channel = None
    info = Channel()
    announced = False
    for event, element in iterparse(path, events=("start", "end"), forbid_dtd=True):
        if event == "start":
            depth += 1
            if depth == 1 and element.tag != "rss":
                raise NotAnExport("The file is XML but not a WordPress export (WXR).")
            if depth == 2:
                channel = element
            continue
        depth -= 1
        if depth != 2 or channel is None:
            continue
        name = _name(element.tag)
        if name == "wp:wxr_version":
            info.version = _text(element)
            _check_version(info.version, element.tag)
        elif name in ("title", "link", "language") and not announced:
            setattr(info, name, _text(element))
        elif name in ("wp:base_site_url", "wp:base_blog_url"):
            setattr(info, name[3:], _text(element))
        elif name in ("wp:author", "wp:category", "wp:tag", "item"):
            if not info.version:
                raise NotAnExport(
                    "The file has no WXR version before its content: it is not "
                    "a WordPress export."
                )
            if not announced:
                announced = True
                yield info
            yield _READERS[name](element)
        channel.remove(element)
    if not info.version:
        raise NotAnExport("The file is XML but not a WordPress export (WXR).")
    if not announced:
        yield info


def _check_version(version, tag):
    found = _WP.match(tag[1:].partition("}")[0]) if tag.startswith("{") else None
    if version not in VERSIONS or not found:
        raise NotAnExport(
            f"WXR version {version[:20]!r} is not one this import reads "
            f"({', '.join(VERSIONS)})."
        )


def _name(tag):
    """'wp:post_id' for '{http://wordpress.org/export/1.2/}post_id', and so on."""
    if not tag.startswith("{"):
        return tag
    uri, _, local = tag[1:].partition("}")
    wordpress = _WP.match(uri)
    if wordpress:
        return ("excerpt:" if wordpress.group(2) else "wp:") + local
    prefix = _NAMESPACES.get(uri)
    return f"{prefix}:{local}" if prefix else local


def _text(element):
    return (element.text or "").strip()


def _children(element):
    return {_name(child.tag): child for child in element}


def _texts(element):
    """{name: text} of an element's children."""
    return {name: _text(child) for name, child in _children(element).items()}


def _int(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _date(text, aware):
    if not text or text.startswith(_NO_DATE[:4]):
        return None
    try:
        moment = datetime.strptime(text.strip()[:19], "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if aware else moment


def _author(element):
    found = _texts(element)
    return Author(
        wp_id=_int(found.get("wp:author_id")),
        login=found.get("wp:author_login", ""),
        display_name=found.get("wp:author_display_name", ""),
        first_name=found.get("wp:author_first_name", ""),
        last_name=found.get("wp:author_last_name", ""),
        description=found.get("wp:author_description", ""),
    )


def _category(element):
    found = _texts(element)
    return Term(
        kind="category",
        wp_id=_int(found.get("wp:term_id")),
        slug=found.get("wp:category_nicename", ""),
        name=found.get("wp:cat_name", ""),
        parent=found.get("wp:category_parent", ""),
        description=found.get("wp:category_description", ""),
    )


def _tag(element):
    found = _texts(element)
    return Term(
        kind="tag",
        wp_id=_int(found.get("wp:term_id")),
        slug=found.get("wp:tag_slug", ""),
        name=found.get("wp:tag_name", ""),
        description=found.get("wp:tag_description", ""),
    )


def _item(element):
    item = Item(wp_id=None, post_type="", status="")
    for child in element:
        name = _name(child.tag)
        if name == "wp:postmeta":
            meta = _children(child)
            key = meta.get("wp:meta_key")
            if key is not None:
                value = meta.get("wp:meta_value")
                item.meta[_text(key)] = (value.text or "") if value is not None else ""
        elif name == "category":
            item.terms.append(
                (child.get("domain", ""), child.get("nicename", ""), _text(child))
            )
        elif name == "wp:comment":
            item.comments += 1
        elif name in _ITEM_FIELDS:
            attribute, convert = _ITEM_FIELDS[name]
            setattr(item, attribute, convert(child.text or ""))
    return item


_ITEM_FIELDS = {
    "wp:post_id": ("wp_id", _int),
    "wp:post_type": ("post_type", str.strip),
    "wp:status": ("status", str.strip),
    "title": ("title", str.strip),
    "link": ("link", str.strip),
    "guid": ("guid", str.strip),
    "content:encoded": ("content", str),
    "excerpt:encoded": ("excerpt", str),
    "dc:creator": ("creator", str.strip),
    "wp:post_name": ("post_name", str.strip),
    "wp:post_date": ("date", lambda text: _date(text, aware=False)),
    "wp:post_date_gmt": ("date_gmt", lambda text: _date(text, aware=True)),
    "wp:post_modified_gmt": ("modified_gmt", lambda text: _date(text, aware=True)),
    "wp:post_parent": ("parent", _int),
    "wp:attachment_url": ("attachment_url", str.strip),
}

_READERS = {
    "wp:author": _author,
    "wp:category": _category,
    "wp:tag": _tag,
    "item": _item,
}
