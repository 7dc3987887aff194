"""Whatever a body holds, the page prints the sanitiser's output, whole elements only.

Bodies are generated from allowed and forbidden tags, hostile attribute values,
text from all of Unicode (every line separator and control character more often
than chance would give), entities, comments and broken markup. Examples are
derandomised, so CI runs the same ones every time.
"""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.api import body_html
from articles.html import BODY_TAGS, body_pieces, sanitise_body, split_blocks
from articles.models import Article, MembershipPrompt
from tests.helpers import make_article, make_prompt
from tests.html_helpers import (
    HIDDEN,
    SEPARATORS,
    Markup,
    body_may_print,
    in_story_body,
    is_whole,
)

pytestmark = pytest.mark.django_db

PURE = settings(max_examples=200, deadline=None, derandomize=True, database=None)
PAGES = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
PROMPT_PARAGRAPHS = {1, 3}
TAG = re.compile(r'<[a-z0-9]+(?: [a-z]+="[^"<>]*")*>|</[a-z0-9]+>')

CONTROLS = [chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))]
BREAKS = [*SEPARATORS, "\n"]
words = st.text(
    st.one_of(
        # All but lone surrogates, which UTF-8 cannot carry to us.
        st.characters(exclude_categories=["Cs"]),
        st.sampled_from(CONTROLS),
        st.sampled_from(BREAKS),
    ),
    max_size=12,
)
# Line breaks of every kind between words, to move any offset counted in lines.
text = st.lists(st.one_of(words, st.sampled_from(BREAKS)), max_size=4).map("".join)
ENTITIES = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&nbsp;", "&#10;", "&#0;"]
ENTITIES += ["&#x2028;", "&#133;", "&#x3C;meta http-equiv=refresh&#x3E;", "&unknown;"]
ENTITIES += ["&", "&#", "&#x;", "&lt;script&gt;alert(1)&lt;/script&gt;"]
DEBRIS = ["<", "</", ">", "<p", "</p", '<a title="', "<a href='", "<!--", "-->"]
DEBRIS += ["<!-->", "--!>", "<![CDATA[x]]>", "<?xml ?>", "<!DOCTYPE html>", "</ >"]
DEBRIS += ["<<p>>", "<br/>", "</br>", "\x00", "\r\n", "[embed:post]"]
DEBRIS += ["<p>[embed:post]</p>"]
FORBIDDEN = ["script", "style", "meta", "iframe", "svg", "math", "img", "object"]
FORBIDDEN += ["noscript", "textarea", "title", "template", "table", "td", "form"]
FORBIDDEN += ["input", "base", "link", "xmp", "plaintext", "select", "h1", "div"]
FORBIDDEN += ["span", "mglyph", "foreignObject", "desc", "aside", "button"]
NAMES = ["href", "title", "lang", "dir", "start", "rel", "target", "onclick"]
NAMES += ["onerror", "style", "src", "srcdoc", "http-equiv", "content", "xlink:href"]
NAMES += ["formaction", "class", "data-prompt"]
VALUES = [*HIDDEN, '"><script>alert(1)</script>', "'><img src=x onerror=alert(1)>"]
VALUES += ["javascript:alert(1)", "java\tscript:alert(1)", "\x01javascript:alert(1)"]
VALUES += [" JAVASCRIPT:alert(1)", "data:text/html,<script>alert(1)</script>"]
VALUES += ["vbscript:msgbox(1)", "https://news.example/", "mailto:desk@example.org"]
VALUES += ["//evil.example/", "&quot;&gt;&lt;meta&gt;", "prompt prompt--inline"]


def attribute(name, value, quote):
    return f" {name}={quote}{value}{quote}"


def element(tag, attributes, children, closed):
    end = f"</{tag}>" if closed else ""
    return f"<{tag}{''.join(attributes)}>{''.join(children)}{end}"


attributes = st.lists(
    st.builds(
        attribute,
        st.sampled_from(NAMES),
        st.one_of(text, st.sampled_from(VALUES)),
        st.sampled_from(['"', "'", ""]),
    ),
    max_size=3,
)
leaves = st.one_of(
    text,
    st.sampled_from(ENTITIES + DEBRIS),
    st.builds("<!--{}-->".format, text),
)
nodes = st.recursive(
    leaves,
    lambda children: st.builds(
        element,
        st.one_of(st.sampled_from(sorted(BODY_TAGS)), st.sampled_from(FORBIDDEN)),
        attributes,
        st.lists(children, max_size=4),
        st.sampled_from([True, True, True, False]),  # an end tag, mostly
    ),
    max_leaves=12,
)
# Mostly allowed elements at the top, so most bodies split into several blocks.
top_level = st.builds(
    element,
    st.sampled_from(sorted(BODY_TAGS)),
    attributes,
    st.lists(nodes, max_size=4),
    st.just(True),
)
bodies = st.lists(st.one_of(top_level, nodes), min_size=1, max_size=8).map("".join)


def runs_through(blocks, html):
    """Whether the blocks, loose text unwrapped, are html in order with nothing
    but whitespace left between them."""
    position = 0
    for block in blocks:
        rest = html[position:].lstrip()
        position = len(html) - len(rest)
        source = block.html
        if not rest.startswith(source) and source[:3] == "<p>":
            source = source[3:-4]  # loose text, which split_blocks wraps
        if not rest.startswith(source):
            return False
        position += len(source)
    return not html[position:].strip()


@PURE
@given(bodies)
def test_it_leaves_angle_brackets_only_as_tag_delimiters(body):
    # split_blocks relies on this to prove each cut falls between tags.
    assert not re.search("[<>]", TAG.sub("", sanitise_body(body)))


@PURE
@given(bodies)
def test_it_splits_any_body_into_whole_elements(body):
    assert all(is_whole(block) for block in split_blocks(body))


@PURE
@given(bodies)
def test_it_splits_any_body_into_the_sanitised_elements_in_order(body):
    assert runs_through(split_blocks(body), sanitise_body(body))


@PURE
@given(bodies)
def test_it_prints_only_the_allow_list_through_the_api(body):
    printed = Markup(body_html(Article(body=body)))
    assert not printed.broken
    assert all(body_may_print(element) for element in printed.elements)


def is_prompt(element):
    """An inline prompt the template put between two pieces of the body."""
    parent = element.parents[-1] if element.parents else None
    return (
        element.tag == "aside"
        and element.attrs.get("class", "").startswith("prompt ")
        and parent is not None
        and parent.attrs.get("class") == "story__body"
    )


def from_a_prompt(element):
    return any(map(is_prompt, (*element.parents, element)))


@pytest.fixture
def inline_prompts(db):
    for paragraph in PROMPT_PARAGRAPHS:
        make_prompt(placement=MembershipPrompt.Placement.INLINE, paragraph=paragraph)


@PAGES
@given(body=bodies)
def test_it_prints_only_the_blocks_and_prompts_on_the_story_page(
    client, inline_prompts, body
):
    story = make_article()
    # Written behind the model's back, as an old import might; a database text
    # column holds no NUL, and no form lets one through.
    Article.objects.filter(pk=story.pk).update(body=body.replace("\x00", ""))
    blocks = split_blocks(body.replace("\x00", ""))
    page = Markup(client.get(story.get_absolute_url()).content.decode())
    printed = [e for e in page.elements if in_story_body(e)]
    pieces = body_pieces(blocks, PROMPT_PARAGRAPHS)
    prompts = [e for e in printed if is_prompt(e)]
    assert len(prompts) == sum(1 for piece in pieces if piece.prompt_paragraph)
    body_elements = [e for e in printed if not from_a_prompt(e)]
    # No embed exists, so an embed marker prints nothing.
    pieces_html = "".join(piece.html for piece in pieces)
    assert [(e.tag, e.attrs) for e in body_elements] == [
        (e.tag, e.attrs) for e in Markup(pieces_html).elements
    ]
    assert all(body_may_print(element) for element in body_elements)
    assert not page.broken
