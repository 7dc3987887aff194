"""Small builders for test data: make_* functions with sensible defaults."""

import html
import itertools
import re
from datetime import timedelta
from io import BytesIO

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image as PillowImage

from articles.models import (
    Article,
    Author,
    Byline,
    Embed,
    MembershipPrompt,
    Outlet,
    PromptVariant,
    Section,
    image_create,
)

_counter = itertools.count(1)


def _n():
    return next(_counter)


def make_outlet(**fields):
    n = _n()
    fields.setdefault("name", f"Outlet {n}")
    fields.setdefault("slug", f"outlet-{n}")
    return Outlet.objects.create(**fields)


def house_outlet():
    return Outlet.objects.house() or make_outlet(
        name="House", slug="house", is_house=True
    )


def make_section(**fields):
    n = _n()
    fields.setdefault("name", f"Section {n}")
    fields.setdefault("slug", f"section-{n}")
    return Section.objects.create(**fields)


def make_author(**fields):
    n = _n()
    fields.setdefault("name", f"Author {n}")
    fields.setdefault("slug", f"author-{n}")
    return Author.objects.create(**fields)


def jpeg_bytes(width=64, height=48, color=(120, 40, 40)):
    buffer = BytesIO()
    PillowImage.new("RGB", (width, height), color).save(buffer, "JPEG")
    return buffer.getvalue()


def make_image(**fields):
    n = _n()
    fields.setdefault("title", f"Picture {n}")
    fields.setdefault("alt_text", f"What picture {n} shows")
    content = fields.pop("content", None) or jpeg_bytes()
    return image_create(upload=ContentFile(content, name=f"test-{n}.jpg"), **fields)


def make_article(authors=(), tags=(), **fields):
    n = _n()
    fields.setdefault("headline", f"Story number {n}")
    fields.setdefault("slug", f"story-{n}")
    fields.setdefault(
        "body", f"<p>Paragraph one of story {n}.</p><p>Paragraph two.</p>"
    )
    fields.setdefault("status", Article.Status.PUBLISHED)
    if fields["status"] == Article.Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now() - timedelta(hours=n))
    if "section" not in fields:
        fields["section"] = make_section()
    if "outlet" not in fields:
        fields["outlet"] = house_outlet()
    article = Article.objects.create(**fields)
    for position, author in enumerate(authors):
        Byline.objects.create(article=article, author=author, position=position)
    if tags:
        article.tags.add(*tags)
    return article


def make_draft(**fields):
    return make_article(status=Article.Status.DRAFT, **fields)


def make_scheduled(**fields):
    return make_article(
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() + timedelta(days=1),
        **fields,
    )


def make_prompt(**fields):
    n = _n()
    fields.setdefault("name", f"Prompt {n}")
    fields.setdefault("placement", MembershipPrompt.Placement.ARTICLE_END)
    fields.setdefault("heading", f"Appeal heading {n}")
    fields.setdefault("body", f"Appeal body {n}")
    fields.setdefault("button_label", "Join")
    fields.setdefault("button_url", "/support/")
    sections = fields.pop("sections", ())
    tags = fields.pop("tags", ())
    outlets = fields.pop("outlets", ())
    prompt = MembershipPrompt.objects.create(**fields)
    prompt.sections.set(sections)
    prompt.outlets.set(outlets)
    prompt.tags.set(tags)
    return prompt


def make_variant(prompt, **fields):
    n = _n()
    fields.setdefault("name", f"Variant {n}")
    fields.setdefault("heading", f"Variant heading {n}")
    fields.setdefault("body", f"Variant body {n}")
    fields.setdefault("button_label", f"Variant button {n}")
    return PromptVariant.objects.create(prompt=prompt, **fields)


def page_text(response):
    """A page's visible text: tags become spaces, entities decoded, spaces collapsed."""
    content = response.content.decode()
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", content))
    return " ".join(text.split())


def collapse(text):
    return " ".join(text.split())


def make_embed(**fields):
    n = _n()
    fields.setdefault("slug", f"embed-{n}")
    fields.setdefault("url", f"https://social.example/post/{n}")
    fields.setdefault("author_name", f"Poster {n}")
    fields.setdefault("text", f"<p>Embedded words {n}</p>")
    return Embed.objects.create(**fields)
