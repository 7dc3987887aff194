"""Sanitising story bodies and splitting them into blocks (paragraphs, embeds,
pictures)."""

import logging
import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import urljoin, urlsplit

import nh3
from django_prose_editor.config import DEFAULT_MENU_GROUPS

logger = logging.getLogger(__name__)

# What the editor offers is what survives sanitising and what the templates
# style: keep the two lists in step. The one addition is figure/figcaption, for
# embeds and quoted posts kept as static HTML in imported stories.
BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3, 4]},
    "Blockquote": True,
    "BulletList": True,
    "ListItem": True,
    "OrderedList": True,
    "HardBreak": True,
    # Without autolink, tiptap's link mark is not inclusive: a full stop typed
    # right after a link stays out of it (tiptap sets inclusive = autolink).
    "Link": {
        "enableTarget": False,
        "protocols": ["http", "https", "mailto"],
        "autolink": False,
    },
    # "Insert picture" and "Insert embed": they put a marker paragraph at the
    # cursor (articles/static/articles/admin-body-media.js, loaded through
    # DJANGO_PROSE_EDITOR_EXTENSIONS in the settings). No new markup: a marker
    # is a paragraph of text.
    "BodyMedia": True,
    "Menu": {"groups": [*DEFAULT_MENU_GROUPS, {"group": "bodyMedia"}]},
}

BODY_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "strong",
    "em",
    "figure",
    "figcaption",
}
BODY_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "*": {"lang", "dir"}}
URL_SCHEMES = {"http", "https", "mailto"}

_body_cleaner = nh3.Cleaner(
    tags=BODY_TAGS,
    attributes=BODY_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    # Every link opens without giving the target a handle on our page. Styles,
    # scripts, event handlers, frames, forms, SVG and MathML are not on the list,
    # so they go, and href keeps http(s)/mailto only, whatever the letter case.
    link_rel="noopener",
    strip_comments=True,
)
_embed_cleaner = nh3.Cleaner(
    tags={"p", "br", "a"},
    attributes={"p": {"lang", "dir"}, "a": {"href"}},
    url_schemes={"http", "https"},
    link_rel="noopener",
)

_EMPTY = re.compile(r"^\s*(<p>\s*(<br>)?\s*</p>\s*)*$")
# Markers alone in a paragraph place an embed ([embed:slug]) or a picture from
# the library ([picture:id]; at most 18 digits, so any id fits a bigint).
EMBED_MARKER = re.compile(r"^<p>\s*\[embed:(?P<slug>[-a-zA-Z0-9_]+)\]\s*</p>$")
PICTURE_MARKER = re.compile(r"^<p>\s*\[picture:(?P<id>[1-9][0-9]{0,17})\]\s*</p>$")


def embed_marker(slug):
    return f"[embed:{slug}]"


def picture_marker(picture_id):
    return f"[picture:{picture_id}]"


# A lone surrogate (from a JSON import, say) is no character: nh3 cannot
# encode it, and no database can store it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _characters(html):
    return _SURROGATE.sub("\ufffd", html or "")


def sanitise_body(html):
    """Story body HTML reduced to the allow-list; an empty editor gives ''."""
    cleaned = _body_cleaner.clean(_characters(html))
    return "" if _EMPTY.match(cleaned) else cleaned


_ANY_TAG = re.compile(r"<[^>]+>")
_ANY_MARKER = re.compile(r"\[(?:embed:[-a-zA-Z0-9_]+|picture:[0-9]+)\]")


def plain_text(fragment):
    """An HTML fragment's words: tags and markers dropped, entities decoded.

    Tags become spaces (unlike strip_tags), so words in adjacent paragraphs
    stay apart.
    """
    text = _ANY_MARKER.sub(" ", _ANY_TAG.sub(" ", fragment or ""))
    return " ".join(unescape(text).split())


# Where an excerpt ends, these go before its ellipsis ("word,…" reads badly).
# Armenian writes its comma and full stop as ՝ and ։.
_BEFORE_ELLIPSIS = " ,;:.-\u2013\u2014\u055d\u0589"


def excerpt(text, length):
    """`text` with its whitespace collapsed and, past `length` characters, cut
    at the last space before the limit, with an ellipsis: never inside a word.

    Every script the site publishes in spaces its words; a single word longer
    than `length` (a pasted address) is cut where the limit falls.
    """
    text = " ".join((text or "").split())
    if len(text) <= length:
        return text
    kept = text[: length - 1]
    if not text[length - 1].isspace():
        kept = kept.rpartition(" ")[0] or kept
    return (kept.rstrip(_BEFORE_ELLIPSIS) or kept) + "\u2026"


def sanitise_embed(html):
    return _embed_cleaner.clean(_characters(html))


@dataclass
class Block:
    html: str
    tag: str
    embed_slug: str = ""
    picture_id: int | None = None

    @property
    def is_marker(self):
        return bool(self.embed_slug or self.picture_id)

    @property
    def is_paragraph(self):
        return self.tag == "p" and not self.is_marker


@dataclass
class Piece:
    """Part of a story body as printed: a run of plain HTML, one embed or one
    picture, after which an inline prompt may follow (the paragraph it follows)."""

    html: str = ""
    embed_slug: str = ""
    picture_id: int | None = None
    prompt_paragraph: int | None = None
    embed: object = None  # the Embed itself: Embed.objects.attach()
    picture: object = None  # the Image itself: Image.objects.attach()

    @property
    def is_marker(self):
        """A placed embed or picture: printed as its own partial, or not at all."""
        return bool(self.embed_slug or self.picture_id)


def attach_placed(pieces, *, marker, to, found):
    """Give each piece the object its marker names (`marker` is "embed_slug" or
    "picture_id") as its attribute `to`, from `found(names)`, a {name: object}
    dict fetched once; a piece whose object has gone gets None."""
    names = {getattr(piece, marker) for piece in pieces if getattr(piece, marker)}
    objects = found(names) if names else {}
    for piece in pieces:
        setattr(piece, to, objects.get(getattr(piece, marker)))
    return pieces


def body_pieces(blocks, prompt_paragraphs=frozenset()):
    """The body's blocks joined into as few pieces as a template has to print.

    A piece ends at an embed or a picture and after each paragraph in
    `prompt_paragraphs` (numbered from 1, as inline prompts are placed);
    otherwise blocks run on, so a long story is a piece or two rather than a
    template loop per block.
    """
    pieces, run, paragraph = [], [], 0

    def close(prompt_paragraph=None):
        pieces.append(Piece("".join(run), prompt_paragraph=prompt_paragraph))
        run.clear()

    for block in blocks:
        if block.is_marker:
            if run:
                close()
            pieces.append(
                Piece(embed_slug=block.embed_slug, picture_id=block.picture_id)
            )
            continue
        run.append(block.html)
        if block.is_paragraph:
            paragraph += 1
            if paragraph in prompt_paragraphs:
                close(paragraph)
    if run:
        close()
    return pieces


# split_blocks reads only the sanitiser's own output, where text has "<" escaped,
# every attribute value is double-quoted and comments are gone: so a tag is "<",
# a name, and all up to the first ">" outside quotes, and matching tags gives
# exact offsets. Offsets rebuilt from a parser's line and column did not:
# str.splitlines() ends lines at U+2028, \x85, \x0c and more, HTMLParser at "\n"
# alone, so blocks were cut inside tags and attribute text printed as markup.
_TAG = re.compile(r'<(/?)([a-zA-Z][^\s/>]*)(?:[^">]|"[^"]*")*>')
# Elements without an end tag (only <br> is on the allow-list today).
_VOID = {"area", "br", "col", "embed", "hr", "img", "source", "track", "wbr"}
_START_TAG = re.compile(r"<([a-z0-9]+)[ >]")
# Text, and <br> tags, with no other "<" or ">".
_LOOSE = re.compile(r'(?:[^<>]|<br(?: [a-z]+="[^"<>]*")*>)*')


def _top_level_spans(html):
    """(start, end, tag) of each top-level element of sanitised HTML, in order."""
    spans, depth, start = [], 0, 0
    for tag in _TAG.finditer(html):
        name = tag.group(2).lower()
        if name in _VOID:
            continue  # a top-level <br> stays inside the loose text around it
        if not tag.group(1):
            if depth == 0:
                start = tag.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                spans.append((start, tag.end(), name))
    return spans


def _cut_cleanly(html, spans):
    """Whether every span runs from its start tag to its end tag, in order, with
    only loose text (and <br>) between them."""
    position = 0
    for start, end, tag in spans:
        opens = _START_TAG.match(html, start)
        if (
            start < position
            or not _LOOSE.fullmatch(html, position, start)
            or not (opens and opens.group(1) == tag)
            or not html.endswith(f"</{tag}>", start, end)
        ):
            return False
        position = end
    return bool(_LOOSE.fullmatch(html, position))


def split_blocks(html):
    """The body's top-level blocks, sanitised again, with markers recognised."""
    html = sanitise_body(html)
    spans = _top_level_spans(html)
    # Defence in depth, should the offsets ever go wrong again: the page prints
    # prompts and embeds between blocks, so a cut inside a tag would turn
    # attribute text into markup there. In the sanitiser's output "<" and ">" are
    # only ever tag delimiters (tests/test_html_properties.py holds nh3 to that),
    # so a cut just before a "<" or just after a ">" is never inside a tag; and
    # spans in order, with nothing but text between, lose or repeat nothing. The
    # check is a few string comparisons. Cleaning every block again instead would
    # cost another pass of the cleaner, and nh3 does not give all of its output
    # back unchanged (a second pass splits headings the first left nested). A
    # body that fails the check is printed uncut, as the sanitiser gave it.
    if not _cut_cleanly(html, spans):
        logger.error("A story body was cut inside markup; printing it uncut.")
        return [Block(html, "")]
    blocks, position = [], 0
    for start, end, tag in [*spans, (len(html), len(html), "")]:
        # Loose text between elements would otherwise vanish: keep it as a paragraph.
        if html[position:start].strip():
            blocks.append(Block(f"<p>{html[position:start].strip()}</p>", "p"))
        position = end
        if not tag:
            break
        blocks.append(_block(html[start:end], tag))
    return blocks


def _block(fragment, tag):
    if embed := EMBED_MARKER.match(fragment):
        return Block(fragment, tag, embed_slug=embed.group("slug"))
    if picture := PICTURE_MARKER.match(fragment):
        return Block(fragment, tag, picture_id=int(picture.group("id")))
    return Block(fragment, tag)


def placed_media(html):
    """(embed slugs, picture ids) that a body places, each once, in order."""
    blocks = split_blocks(html)
    slugs = [block.embed_slug for block in blocks if block.embed_slug]
    ids = [block.picture_id for block in blocks if block.picture_id]
    return list(dict.fromkeys(slugs)), list(dict.fromkeys(ids))


# Story HTML for other sites (feeds): the body's allow-list and what our own
# templates print around it (pictures, the byline's time, quotations' sources).
SHARED_TAGS = BODY_TAGS | {"picture", "source", "img", "span", "time"}
SHARED_ATTRIBUTES = {
    **BODY_ATTRIBUTES,
    "img": {"src", "srcset", "sizes", "alt", "width", "height"},
    "source": {"srcset", "sizes", "type"},
    "time": {"datetime"},
    "blockquote": {"cite"},
}
_ADDRESSES = {"href", "src", "cite"}
_WEB = {"http", "https"}


def _joined(base, url):
    try:
        return urljoin(base, url.strip())
    except ValueError:
        return None  # no address at all ("http://[x"): the attribute goes


def _absolute_srcset(base, srcset):
    """Each candidate's address made absolute; a candidate not on the web goes."""
    candidates = []
    for candidate in srcset.split(","):
        url, _space, descriptor = candidate.strip().partition(" ")
        url = url and _joined(base, url)
        if url and urlsplit(url).scheme in _WEB:
            candidates.append(f"{url} {descriptor.strip()}".strip())
    return ", ".join(candidates) or None


def absolute_html(html, base):
    """Rendered story HTML as other sites show it (feeds): sanitised to
    SHARED_TAGS, every link, picture and quotation address made absolute
    against `base`, the story's own address."""

    def rewrite(tag, attribute, value):
        if attribute in _ADDRESSES:
            return _joined(base, value)
        if attribute == "srcset":
            return _absolute_srcset(base, value)
        return value

    cleaner = nh3.Cleaner(
        tags=SHARED_TAGS,
        attributes=SHARED_ATTRIBUTES,
        attribute_filter=rewrite,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
    )
    return cleaner.clean(_characters(html))
