"""Sanitising story bodies and splitting them into blocks (paragraphs, embeds)."""

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

import nh3

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
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
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
EMBED_MARKER = re.compile(r"^<p>\s*\[embed:(?P<slug>[-a-zA-Z0-9_]+)\]\s*</p>$")


def sanitise_body(html):
    """Story body HTML reduced to the allow-list; an empty editor gives ''."""
    cleaned = _body_cleaner.clean(html or "")
    return "" if _EMPTY.match(cleaned) else cleaned


_ANY_TAG = re.compile(r"<[^>]+>")
_ANY_MARKER = re.compile(r"\[embed:[-a-zA-Z0-9_]+\]")


def plain_text(fragment):
    """An HTML fragment's words: tags and embed markers dropped, entities decoded.

    Tags become spaces (unlike strip_tags), so words in adjacent paragraphs
    stay apart.
    """
    text = _ANY_MARKER.sub(" ", _ANY_TAG.sub(" ", fragment or ""))
    return " ".join(unescape(text).split())


def sanitise_embed(html):
    return _embed_cleaner.clean(html or "")


@dataclass
class Block:
    html: str
    tag: str
    embed_slug: str = ""

    @property
    def is_paragraph(self):
        return self.tag == "p" and not self.embed_slug


@dataclass
class Piece:
    """Part of a story body as printed: a run of plain HTML or one embed, after
    which an inline prompt may follow (the paragraph it follows)."""

    html: str = ""
    embed_slug: str = ""
    prompt_paragraph: int | None = None
    embed: object = None  # the Embed itself: Embed.objects.attach()


def body_pieces(blocks, prompt_paragraphs=frozenset()):
    """The body's blocks joined into as few pieces as a template has to print.

    A piece ends at an embed and after each paragraph in `prompt_paragraphs`
    (numbered from 1, as inline prompts are placed); otherwise blocks run on,
    so a long story is a piece or two rather than a template loop per block.
    """
    pieces, run, paragraph = [], [], 0

    def close(prompt_paragraph=None):
        pieces.append(Piece("".join(run), prompt_paragraph=prompt_paragraph))
        run.clear()

    for block in blocks:
        if block.embed_slug:
            if run:
                close()
            pieces.append(Piece(embed_slug=block.embed_slug))
            continue
        run.append(block.html)
        if block.is_paragraph:
            paragraph += 1
            if paragraph in prompt_paragraphs:
                close(paragraph)
    if run:
        close()
    return pieces


class _TopLevelSplitter(HTMLParser):
    """Records where each top-level element of a fragment starts and ends."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.spans = []
        self._start = None
        self._tag = None

    def _offset(self):
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def feed_fragment(self, html):
        self._line_starts = [0]
        for line in html.splitlines(keepends=True):
            self._line_starts.append(self._line_starts[-1] + len(line))
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            return
        if self.depth == 0:
            self._start, self._tag = self._offset(), tag
        self.depth += 1

    def handle_endtag(self, tag):
        if tag == "br":
            return
        self.depth -= 1
        if self.depth == 0 and self._start is not None:
            end = self._offset() + len(f"</{tag}>")
            self.spans.append((self._start, end, self._tag))
            self._start = None


def split_blocks(html):
    """The body's top-level blocks, sanitised again, with embed markers recognised."""
    html = sanitise_body(html)
    splitter = _TopLevelSplitter()
    splitter.feed_fragment(html)
    blocks = []
    position = 0
    for start, end, tag in [*splitter.spans, (len(html), len(html), "")]:
        # Loose text between elements would otherwise vanish: keep it as a paragraph.
        if html[position:start].strip():
            blocks.append(Block(f"<p>{html[position:start].strip()}</p>", "p"))
        position = end
        if not tag:
            break
        fragment = html[start:end]
        marker = EMBED_MARKER.match(fragment)
        blocks.append(Block(fragment, tag, marker.group("slug") if marker else ""))
    return blocks
