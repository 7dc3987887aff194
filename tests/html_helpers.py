"""Reading printed HTML as a browser's tokenizer does, for the sanitiser's tests."""

import re
from html.parser import HTMLParser
from typing import NamedTuple

from articles.html import BODY_ATTRIBUTES, BODY_TAGS, URL_SCHEMES

# Every character str.splitlines() ends a line at, besides "\n".
SEPARATORS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\r"]
HIDDEN = [
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    # The same without quotes is one a browser follows once it is markup.
    "<meta http-equiv=refresh content=0;url=https://evil.example>",
    '<script src="https://evil.example/x.js"></script>',
]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}
VOID |= {"source", "track", "wbr"}


class Element(NamedTuple):
    tag: str
    attrs: dict
    parents: tuple  # the Elements it sits in, outermost first


class Markup(HTMLParser):
    """What an HTML tokenizer makes of some markup: its elements in order, how many
    nodes sit at the top, and whether it is broken (an end tag closing another
    element, a "<" no tag took, a comment, an element left open)."""

    def __init__(self, html):
        super().__init__(convert_charrefs=False)
        self.elements, self.open, self.tops, self.broken = [], [], 0, False
        self.feed(html)
        self.close()
        self.broken |= bool(self.open)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), tuple(self.open))
        self.elements.append(element)
        self.tops += not self.open
        if tag not in VOID:
            self.open.append(element)

    handle_startendtag = handle_starttag  # browsers ignore "/>" on HTML elements

    def handle_endtag(self, tag):
        if tag not in VOID and (not self.open or self.open.pop().tag != tag):
            self.broken = True

    def handle_data(self, data):
        self.broken |= "<" in data
        self.tops += not self.open and bool(data.strip())

    def handle_comment(self, data):
        self.broken = True

    handle_pi = unknown_decl = handle_comment


def is_whole(block):
    """One element, start tag to its own end tag, as split_blocks names it."""
    markup = Markup(block.html)
    tags = [element.tag for element in markup.elements]
    return not markup.broken and markup.tops == 1 and tags[:1] == [block.tag]


def link_scheme(href):
    """The scheme a browser reads: it drops C0 controls and spaces around a URL
    and every tab and newline in it first."""
    href = re.sub(r"[\t\n\r]", "", href.strip("".join(map(chr, range(0x21)))))
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", href)
    return match.group(1).lower() if match else ""


def body_may_print(element):
    """Whether the sanitiser lets this element, with these attributes, through."""
    names = BODY_ATTRIBUTES.get(element.tag, set()) | BODY_ATTRIBUTES["*"]
    names |= {"rel"} if element.tag == "a" else set()
    href = element.attrs.get("href")
    return (
        element.tag in BODY_TAGS
        and set(element.attrs) <= names
        and element.attrs.get("rel", "noopener") == "noopener"
        and (href is None or link_scheme(href) in URL_SCHEMES | {""})
    )


def in_story_body(element):
    return any(p.attrs.get("class") == "story__body" for p in element.parents)
