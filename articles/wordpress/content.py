"""WordPress post bodies made story bodies.

Classic bodies (paragraphs as blank lines) get their paragraphs, as WordPress's
wpautop would print them; block-editor bodies lose their block comments and
keep their HTML. Image blocks and [caption] become the project's pictures
([picture:id]), galleries a picture each, embeds of posts and videos the
project's static embeds ([embed:slug]): a link and the words the export holds,
never a third-party script. Other shortcodes are reported and removed. What is
left goes through the body sanitiser (articles.html.sanitise_body).

The converter asks a `media` object (the importer's) for pictures and embeds:
    media.picture(attachment_id, url) -> picture id or None
    media.embed(url, text="", author="", handle="") -> embed slug or None
    media.attached_to(post_id) -> attachment ids of a post ([gallery] alone)
and notes what it dropped with media.note(reason, detail).
"""

import json
import re
from html import unescape

from articles.html import embed_marker, picture_marker, sanitise_body, split_blocks

# Providers whose links WordPress embeds (a URL alone on a line, [embed], an
# embed block): each becomes a static embed, named for readers.
PROVIDERS = {
    "twitter.com": "X (Twitter)",
    "x.com": "X (Twitter)",
    "youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "vimeo.com": "Vimeo",
    "instagram.com": "Instagram",
    "facebook.com": "Facebook",
    "tiktok.com": "TikTok",
    "soundcloud.com": "SoundCloud",
    "open.spotify.com": "Spotify",
    "t.me": "Telegram",
    "flickr.com": "Flickr",
}
_URL = r"https?://[^\s<>\"'\]\[]+"

_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[\s\S]*?-->")
_EMBED_BLOCK = re.compile(
    r"<!--\s*wp:(?:core-)?embed(?:/[\w-]+)?\s*(\{[\s\S]*?\})?\s*-->([\s\S]*?)"
    r"<!--\s*/wp:(?:core-)?embed(?:/[\w-]+)?\s*-->"
)
_GALLERY_BLOCK = re.compile(
    r"<!--\s*wp:gallery\s*(\{[\s\S]*?\})?\s*-->([\s\S]*?)<!--\s*/wp:gallery\s*-->"
)
_IMAGE_BLOCK = re.compile(
    r"<!--\s*wp:image\s*(\{[\s\S]*?\})?\s*-->([\s\S]*?)<!--\s*/wp:image\s*-->"
)
_CAPTION = re.compile(r"\[caption([^\]]*)\]([\s\S]*?)\[/caption\]", re.IGNORECASE)
_GALLERY = re.compile(r"\[gallery([^\]]*)\]", re.IGNORECASE)
_EMBED_CODE = re.compile(
    r"\[(?:embed|tweet|youtube|vimeo)([^\]]*)\]\s*(?:(" + _URL + r")\s*"
    r"\[/(?:embed|tweet|youtube|vimeo)\])?",
    re.IGNORECASE,
)
_TWEET = re.compile(
    r"<blockquote[^>]*class=\"[^\"]*(?:twitter-tweet|instagram-media)[^\"]*\"[^>]*>"
    r"([\s\S]*?)</blockquote>",
    re.IGNORECASE,
)
_IFRAME = re.compile(r"<iframe[^>]*\ssrc=\"([^\"]+)\"[^>]*>\s*(?:</iframe>)?", re.I)
_SCRIPT = re.compile(r"<script[\s\S]*?</script>", re.IGNORECASE)
_LONE_URL = re.compile(r"^[ \t]*(" + _URL + r")[ \t]*$", re.MULTILINE)
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_LINKED_IMG = re.compile(r"<a\b[^>]*>\s*(<img\b[^>]*>)\s*</a>", re.IGNORECASE)
_FIGURE = re.compile(r"<figure\b[^>]*>([\s\S]*?)</figure>", re.IGNORECASE)
_ANY_MARKER = re.compile(r"\[(?:picture:[0-9]+|embed:[-a-zA-Z0-9_]+)\]")
_ATTRIBUTE = re.compile(r"([\w-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_WP_IMAGE = re.compile(r"wp-image-(\d+)")
_FIGCAPTION = re.compile(r"<figcaption[^>]*>([\s\S]*?)</figcaption>", re.IGNORECASE)
_SHORTCODE = re.compile(r"\[(/?)([a-zA-Z][\w-]*)((?:\s[^\]]*)?)\]")
_TAGS = re.compile(r"<[^>]+>")
_BLOCK_TAGS = (
    "p|div|h[1-6]|ul|ol|li|blockquote|pre|table|thead|tbody|tr|td|th|figure|"
    "figcaption|hr|section|article|aside|dl|dt|dd|address|form|fieldset|iframe"
)
_OPENS_BLOCK = re.compile(rf"(<(?:{_BLOCK_TAGS})[\s>/])", re.IGNORECASE)
_CLOSES_BLOCK = re.compile(rf"(</(?:{_BLOCK_TAGS})>)", re.IGNORECASE)
_STARTS_BLOCK = re.compile(rf"^</?(?:{_BLOCK_TAGS})[\s>/]", re.IGNORECASE)
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|<br>)*</p>")
_BLANK_LINES = re.compile(r"\n\s*\n")
# Placed media travel through the conversion as private-use characters, so no
# step mistakes them for text or markup; they become marker paragraphs last.
_PLACED = re.compile("\ue000([pe])([^\ue001]+)\ue001")


def convert(html, media, post_id=None):
    """A WordPress body as a sanitised story body."""
    html = (html or "").replace("\r\n", "\n").replace("\r", "\n")
    is_blocks = "<!-- wp:" in html
    html = _LINKED_IMG.sub(r"\1", html)
    html = _EMBED_BLOCK.sub(lambda m: _embed_block(m, media), html)
    html = _GALLERY_BLOCK.sub(lambda m: _gallery_block(m, media), html)
    html = _IMAGE_BLOCK.sub(lambda m: _image_block(m, media), html)
    html = _BLOCK_COMMENT.sub("", html)
    html = _CAPTION.sub(lambda m: _caption(m, media), html)
    html = _GALLERY.sub(lambda m: _gallery(m, media, post_id), html)
    html = _EMBED_CODE.sub(lambda m: _embed_code(m, media), html)
    html = _TWEET.sub(lambda m: _quoted_post(m, media), html)
    html = _IFRAME.sub(lambda m: _iframe(m, media), html)
    html = _SCRIPT.sub("", html)
    if not is_blocks:
        html = _LONE_URL.sub(lambda m: _lone_url(m, media), html)
    html = _FIGURE.sub(lambda m: _figure(m, media), html)
    html = _IMG.sub(lambda m: _loose_image(m, media), html)
    html = _shortcodes_removed(html, media)
    if not is_blocks:
        html = autop(html)
    html = _PLACED.sub(_marker, html)
    html = _EMPTY_PARAGRAPH.sub("", sanitise_body(html))
    return _BLANK_LINES.sub("\n", _markers_placed_alone(html))


def _markers_placed_alone(html):
    """The body with any marker that is not alone in a top-level paragraph
    removed: the page would print it as text (a picture inside a list, say)."""
    blocks = split_blocks(html)
    if not any(_ANY_MARKER.search(b.html) and not b.is_marker for b in blocks):
        return html.strip()
    kept = [b.html if b.is_marker else _ANY_MARKER.sub("", b.html) for b in blocks]
    return _EMPTY_PARAGRAPH.sub("", "".join(kept)).strip()


def _placed(kind, name):
    return f"\n\n\ue000{kind}{name}\ue001\n\n"


def _marker(found):
    kind, name = found.group(1), found.group(2)
    marker = picture_marker(name) if kind == "p" else embed_marker(name)
    return f"</p><p>{marker}</p><p>"


def _attributes(tag):
    return {
        name.lower(): unescape(double if double is not None else single)
        for name, double, single in _ATTRIBUTE.findall(tag)
    }


def _json(text):
    try:
        found = json.loads(text or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _picture_in(html, media, attachment_id=None):
    """The placed picture of the first <img> in `html`, or '' (noted)."""
    image = _IMG.search(html)
    src = _attributes(image.group(0)).get("src", "") if image else ""
    if attachment_id is None and image:
        wp_image = _WP_IMAGE.search(image.group(0))
        attachment_id = int(wp_image.group(1)) if wp_image else None
    picture = media.picture(attachment_id, src)
    return _placed("p", picture) if picture else ""


def _image_block(found, media):
    attachment_id = _json(found.group(1)).get("id")
    if not isinstance(attachment_id, int):
        attachment_id = None
    return _figure_picture(found.group(2), media, attachment_id)


def _figure_picture(inner, media, attachment_id=None):
    placed = _picture_in(inner, media, attachment_id)
    caption = _FIGCAPTION.search(inner)
    if not placed and caption:
        return f"<p>{caption.group(1)}</p>"  # the words stay when the picture is gone
    return placed


def _figure(found, media):
    """A figure in classic HTML: its picture, or its caption's words without it."""
    inner = found.group(1)
    if not _IMG.search(inner):
        return found.group(0)
    return _figure_picture(inner, media)


def _gallery_block(found, media):
    ids = _json(found.group(1)).get("ids")
    if isinstance(ids, list) and ids:
        return "".join(_gallery_picture(i, media) for i in ids if isinstance(i, int))
    return "".join(
        _picture_in(image.group(0), media) for image in _IMG.finditer(found.group(2))
    )


def _gallery_picture(attachment_id, media):
    picture = media.picture(attachment_id, "")
    return _placed("p", picture) if picture else ""


def _caption(found, media):
    attributes = _attributes(found.group(1))
    attachment = re.match(r"attachment_(\d+)$", attributes.get("id", ""))
    inner = found.group(2)
    placed = _picture_in(inner, media, int(attachment.group(1)) if attachment else None)
    if placed:
        return placed
    words = _TAGS.sub(" ", _IMG.sub("", inner)).strip()
    return f"\n\n{words}\n\n" if words else ""


def _gallery(found, media, post_id):
    attributes = _attributes(found.group(1))
    ids = [int(i) for i in re.findall(r"\d+", attributes.get("ids", ""))]
    if not ids and "ids" not in attributes and post_id is not None:
        ids = media.attached_to(post_id)
    return "".join(_gallery_picture(i, media) for i in ids)


def _embedded(url, media, text="", author="", handle=""):
    slug = media.embed(unescape(url), text=text, author=author, handle=handle)
    if slug:
        return _placed("e", slug)
    return f'\n\n<a href="{url}">{url}</a>\n\n'


def _embed_block(found, media):
    url = _json(found.group(1)).get("url")
    if not isinstance(url, str) or not url:
        match = re.search(_URL, found.group(2))
        url = match.group(0) if match else ""
    return _embedded(url, media) if url else ""


def _embed_code(found, media):
    url = found.group(2) or _attributes(found.group(1)).get("url", "")
    if not url:
        match = re.search(_URL, found.group(1))
        url = match.group(0) if match else ""
    return _embedded(url, media) if url else ""


def _quoted_post(found, media):
    """A tweet (or Instagram post) pasted as its blockquote: the words in it
    become the embed's text, the last link its address."""
    inner = found.group(1)
    links = re.findall(r"<a[^>]*href=\"([^\"]+)\"", inner)
    url = links[-1] if links else ""
    paragraphs = re.findall(r"<p[^>]*>[\s\S]*?</p>", inner)
    byline = _TAGS.sub("", re.sub(r"<p[^>]*>[\s\S]*?</p>", "", inner))
    who = re.search(r"(?:&mdash;|—)\s*([^(<]+?)\s*\((@\w+)\)", unescape(byline))
    author, handle = (who.group(1), who.group(2)) if who else ("", "")
    return _embedded(url, media, "".join(paragraphs), author, handle) if url else ""


def _iframe(found, media):
    src = unescape(found.group(1))
    video = re.search(r"youtube(?:-nocookie)?\.com/embed/([\w-]+)", src)
    if video:
        src = f"https://www.youtube.com/watch?v={video.group(1)}"
    video = re.search(r"player\.vimeo\.com/video/(\d+)", src)
    if video:
        src = f"https://vimeo.com/{video.group(1)}"
    if provider(src):
        return _embedded(src, media)
    media.note("frame removed", src)
    return ""


def _lone_url(found, media):
    url = found.group(1)
    return _embedded(url, media) if provider(url) else found.group(0)


def _loose_image(found, media):
    """An <img> outside any figure: a placed picture when it is one of the
    site's uploads, else noted and dropped (pictures are never hotlinked)."""
    return _picture_in(found.group(0), media)


def _shortcodes_removed(html, media):
    """Remove shortcodes, keeping the words an enclosing one wraps. Brackets
    that WordPress would have printed too ([sic], [1], [Updated]) stay: only
    a name with attributes, or with a closing tag, is taken for a shortcode."""
    closed = {m.group(2).lower() for m in _SHORTCODE.finditer(html) if m.group(1)}

    def remove(found):
        closing, name, attributes = found.groups()
        if closing or name.lower() in closed or "=" in attributes:
            if not closing:
                media.note("shortcode removed", name)
            return ""
        return found.group(0)

    return _SHORTCODE.sub(remove, html)


def provider(url):
    """The name of the provider WordPress would embed `url` from, or ''."""
    host = re.sub(r"^https?://", "", url).split("/", 1)[0].lower()
    host = host.removeprefix("www.").removeprefix("m.").removeprefix("mobile.")
    return PROVIDERS.get(host, "")


def autop(text):
    """Paragraphs for a classic body, as WordPress's wpautop prints them: a
    blank line ends a paragraph, a single line break is a <br>; block-level
    elements stand on their own."""
    text = _OPENS_BLOCK.sub(r"\n\n\1", text)
    text = _CLOSES_BLOCK.sub(r"\1\n\n", text)
    chunks = []
    for chunk in re.split(r"\n[ \t]*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _STARTS_BLOCK.match(chunk) or _PLACED.fullmatch(chunk):
            chunks.append(chunk)
        else:
            chunks.append("<p>" + re.sub(r"\s*\n\s*", "<br>\n", chunk) + "</p>")
    return "\n".join(chunks)
