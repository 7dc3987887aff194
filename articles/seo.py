"""What a story tells search engines and social networks, built as plain data.

Pure functions: they take a story whose relations are already fetched and
`absolute`, a function turning a path into a full address (the request's
build_absolute_uri). article.html renders the result with one loop and the
|jsonld filter.
"""

from articles import editions
from articles.html import plain_text

DESCRIPTION_LENGTH = 300


def image_url(image):
    """The address of a whole picture for other sites (feeds, the API, logos)."""
    return image.file.url if image and image.file else ""


def social_image_url(image):
    """The picture for shared links and search results: the 1200×630 crop
    around its focal point, or the whole picture where there is no crop."""
    if not image or not image.file:
        return ""
    return image.social_rendition_url() or image.file.url


def social_image_size(image):
    """(width, height) of social_image_url()'s picture."""
    if image.social_rendition_url():
        return image.social_rendition_size()
    return image.width, image.height


def title(article):
    return article.seo_title or article.headline


def description(article):
    text = article.seo_description or article.standfirst or plain_text(article.body)
    if len(text) > DESCRIPTION_LENGTH:
        text = text[: DESCRIPTION_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    return text


def canonical_url(article, absolute):
    """Partner stories point to the original; ours to themselves."""
    return article.original_url or absolute(article.get_absolute_url())


def iso(moment):
    """A time as JSON-LD, Open Graph and the API write it; None for no time."""
    return moment.isoformat() if moment else None


def organisation(outlet, absolute):
    data = {"@type": "NewsMediaOrganization", "name": outlet.name}
    if outlet.url:
        data["url"] = outlet.url
    if outlet.logo_id and outlet.logo.file:
        data["logo"] = {
            "@type": "ImageObject",
            "url": absolute(image_url(outlet.logo)),
            "width": outlet.logo.width,
            "height": outlet.logo.height,
        }
    return data


def article_jsonld(article, absolute):
    """schema.org NewsArticle for a story (bylines, tags and corrections prefetched)."""
    authors = [
        {
            "@type": "Person",
            "name": author.name,
            "url": absolute(author.get_absolute_url()),
        }
        for author in article.byline_authors
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": canonical_url(article, absolute),
        "url": absolute(article.get_absolute_url()),
        "headline": article.headline,
        "description": description(article),
        "datePublished": iso(article.published_at),
        "dateModified": iso(article.modified_at),
        # No byline: the outlet signs the story.
        "author": authors or [organisation(article.outlet, absolute)],
        "publisher": organisation(article.outlet, absolute),
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in article.tags.all()],
        "inLanguage": article.language,
        "isAccessibleForFree": True,
    }
    if article.lead_image:
        data["image"] = [absolute(social_image_url(article.lead_image))]
    corrections = [
        {
            "@type": "CorrectionComment",
            "text": correction.text,
            "datePublished": iso(correction.date),
        }
        for correction in article.corrections.all()
    ]
    if corrections:
        data["correction"] = corrections
    return data


def article_meta(article, absolute, site_name):
    """Open Graph and Twitter card tags as (attribute, name, content) triples."""
    headline = title(article)
    summary = description(article)
    image = article.lead_image
    meta = [
        ("property", "og:type", "article"),
        ("property", "og:site_name", site_name),
        ("property", "og:title", headline),
        ("property", "og:description", summary),
        ("property", "og:url", canonical_url(article, absolute)),
        ("property", "article:published_time", iso(article.published_at)),
        ("property", "article:modified_time", iso(article.modified_at)),
        ("property", "article:section", article.section.name),
        *[("property", "article:tag", tag.name) for tag in article.tags.all()],
        ("name", "twitter:card", "summary_large_image" if image else "summary"),
        ("name", "twitter:title", headline),
        ("name", "twitter:description", summary),
    ]
    if image and image.file:
        url = absolute(social_image_url(image))
        width, height = social_image_size(image)
        meta += [
            ("property", "og:image", url),
            ("property", "og:image:alt", image.alt_text),
            ("property", "og:image:width", str(width)),
            ("property", "og:image:height", str(height)),
            ("name", "twitter:image", url),
            ("name", "twitter:image:alt", image.alt_text),
        ]
    return [(attribute, name, content) for attribute, name, content in meta if content]


def locale_meta(article, versions):
    """og:locale of the story's edition, and og:locale:alternate of its
    translations' editions."""
    own = editions.og_locale(article.edition)
    others = {editions.og_locale(version.edition) for version in versions} - {own}
    return [
        ("property", "og:locale", own),
        *[("property", "og:locale:alternate", locale) for locale in sorted(others)],
    ]


def alternates(versions, absolute):
    """hreflang links for a story published in several languages, else none.

    `versions` holds the original and its translations (the story itself
    among them); the original is also the default for other languages.
    """
    if len(versions) < 2:
        return []
    links = {}
    for version in sorted(versions, key=lambda v: v.translation_of_id is not None):
        links.setdefault(version.language, absolute(version.get_absolute_url()))
    original = next((v for v in versions if v.translation_of_id is None), None)
    result = [{"hreflang": lang, "href": href} for lang, href in links.items()]
    if original:
        result.append(
            {"hreflang": "x-default", "href": absolute(original.get_absolute_url())}
        )
    return result


def for_story(article, absolute, site_name, versions=()):
    """Everything a story page tells search engines and social networks; the
    page's title, description and canonical link come from here alone."""
    return {
        "title": title(article),
        "description": description(article),
        "canonical": canonical_url(article, absolute),
        "jsonld": article_jsonld(article, absolute),
        "meta": article_meta(article, absolute, site_name)
        + locale_meta(article, versions),
        "alternates": alternates(list(versions), absolute),
    }
