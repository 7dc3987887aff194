"""What pages tell search engines and social networks, built as plain data.

Pure functions: they take what a page shows, its relations already fetched,
and `absolute`, a function turning a path into a full address (the request's
build_absolute_uri). Each `for_*` function returns a page's `seo` dict: its
title, description and canonical link (from here alone), meta tags as
(attribute, name, content) triples, hreflang alternates and JSON-LD blocks.
templates/articles/_seo.html renders it with one loop each, for every page
base.html is given a `seo` for.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.translation import gettext, pgettext

from articles import editions
from articles.html import excerpt, plain_text
from articles.paging import PAGE

DESCRIPTION_LENGTH = 300
# Search engines may show pages' pictures large in their results.
ROBOTS = "max-image-preview:large"
# Search results lead to stories but are no result themselves.
SEARCH_ROBOTS = f"noindex, follow, {ROBOTS}"
# A preview is for staff alone.
PREVIEW_ROBOTS = "noindex, nofollow"
# Where a search engine's own search box puts the reader's words.
SEARCH_TERM = "{search_term_string}"


@dataclass(frozen=True)
class Site:
    """What every page says of the site: its name, the edition's language, our
    outlet (None before one is set up), and `absolute` for full addresses."""

    absolute: Callable[[str], str]
    name: str
    language: str
    house: object = None


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


def shorten(text):
    """`text` cut at a word to fit a description."""
    return excerpt(text, DESCRIPTION_LENGTH)


def description(article):
    return shorten(
        article.seo_description or article.standfirst or plain_text(article.body)
    )


def canonical_url(article, absolute):
    """Partner stories point to the original; ours to themselves."""
    return article.original_url or absolute(article.get_absolute_url())


def listing_path(path, number=1, params=()):
    """The address of one page of a listing: the listing's own for page 1, and
    `params` ((name, value) pairs, empty values left out) in the order given."""
    query = [(name, value) for name, value in params if value]
    if number > 1:
        query.append((PAGE, number))
    return f"{path}?{urlencode(query)}" if query else path


def iso(moment):
    """A time as JSON-LD, Open Graph and the API write it; None for no time."""
    return moment.isoformat() if moment else None


def image_object(url, width, height):
    return {"@type": "ImageObject", "url": url, "width": width, "height": height}


def organisation(outlet, absolute):
    data = {"@type": "NewsMediaOrganization", "name": outlet.name}
    if outlet.url:
        data["url"] = outlet.url
    if outlet.logo_id and outlet.logo.file:
        logo = outlet.logo
        data["logo"] = image_object(absolute(image_url(logo)), logo.width, logo.height)
    if outlet.publishing_principles_url:
        data["publishingPrinciples"] = outlet.publishing_principles_url
    if outlet.corrections_policy_url:
        data["correctionsPolicy"] = outlet.corrections_policy_url
    return data


def article_images(image, absolute):
    """A story picture's 16:9, 4:3 and 1:1 crops for search results, or its
    social card where the picture is too small to fill them."""
    crops = image.search_crops() or [
        (social_image_url(image), *social_image_size(image))
    ]
    return [image_object(absolute(url), width, height) for url, width, height in crops]


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
    canonical = canonical_url(article, absolute)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": canonical,
        "url": canonical,
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
    if article.original_url:
        # Republished from a partner: their story is the work ours is based on.
        data["isBasedOn"] = article.original_url
    if article.lead_image and article.lead_image.file:
        data["image"] = article_images(article.lead_image, absolute)
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


def picture_meta(url, width, height, alt):
    """og:image and twitter:image tags of one picture."""
    return [
        ("property", "og:image", url),
        ("property", "og:image:alt", alt),
        ("property", "og:image:width", str(width)),
        ("property", "og:image:height", str(height)),
        ("name", "twitter:image", url),
        ("name", "twitter:image:alt", alt),
    ]


def social_picture(image, absolute):
    """picture_meta() of a photo's social card, or [] for no picture."""
    if not image or not image.file:
        return []
    return picture_meta(
        absolute(social_image_url(image)), *social_image_size(image), image.alt_text
    )


def logo_picture(outlet, absolute):
    """picture_meta() of an outlet's whole logo (never cropped), or []."""
    if not outlet or not outlet.logo_id or not outlet.logo.file:
        return []
    logo = outlet.logo
    return picture_meta(
        absolute(image_url(logo)), logo.width, logo.height, logo.alt_text
    )


def card_meta(*, kind, site_name, headline, summary, url, picture, large=False):
    """The description, Open Graph and Twitter card tags every page carries."""
    card = "summary_large_image" if picture and large else "summary"
    return [
        ("name", "description", summary),
        ("property", "og:type", kind),
        ("property", "og:site_name", site_name),
        ("property", "og:title", headline),
        ("property", "og:description", summary),
        ("property", "og:url", url),
        ("name", "twitter:card", card),
        ("name", "twitter:title", headline),
        ("name", "twitter:description", summary),
        *picture,
    ]


def article_meta(article, absolute, site_name):
    """A story's card tags, and Open Graph's article tags."""
    meta = card_meta(
        kind="article",
        site_name=site_name,
        headline=title(article),
        summary=description(article),
        url=canonical_url(article, absolute),
        picture=social_picture(article.lead_image, absolute),
        large=True,
    )
    meta += [
        ("property", "article:published_time", iso(article.published_at)),
        ("property", "article:modified_time", iso(article.modified_at)),
        ("property", "article:section", article.section.name),
        *[("property", "article:tag", tag.name) for tag in article.tags.all()],
    ]
    return meta


def locale_meta(article, versions):
    """og:locale of the story's edition, and og:locale:alternate of its
    translations' editions."""
    return _locales(article.edition, [version.edition for version in versions])


def _locales(own, others):
    own_locale = editions.og_locale(own)
    alternates = {editions.og_locale(code) for code in others} - {own_locale}
    return [
        ("property", "og:locale", own_locale),
        *[("property", "og:locale:alternate", locale) for locale in sorted(alternates)],
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


def _filled(meta):
    return [(attribute, name, content) for attribute, name, content in meta if content]


def for_story(article, absolute, site_name, versions=(), robots=ROBOTS):
    """Everything a story page tells search engines and social networks."""
    meta = article_meta(article, absolute, site_name) + locale_meta(article, versions)
    return {
        "title": title(article),
        "description": description(article),
        "canonical": canonical_url(article, absolute),
        "jsonld": [article_jsonld(article, absolute)],
        "meta": _filled([("name", "robots", robots), *meta]),
        "alternates": alternates(list(versions), absolute),
    }


def for_page(site, *, headline, summary, path, picture=None, robots=ROBOTS, jsonld=()):
    """What any other page tells them: it lives at `path` in every edition, and
    shows our logo unless it has a `picture` (picture_meta()) of its own."""
    url = site.absolute(path)
    summary = shorten(" ".join(summary.split()))  # paragraphs run on
    if picture is None:
        picture = logo_picture(site.house, site.absolute)
    meta = card_meta(
        kind="website",
        site_name=site.name,
        headline=headline,
        summary=summary,
        url=url,
        picture=picture,
    )
    return {
        "title": headline,
        "description": summary,
        "canonical": url,
        "jsonld": list(jsonld),
        "meta": _filled(
            [
                ("name", "robots", robots),
                *meta,
                *_locales(site.language, editions.codes()),
            ]
        ),
        "alternates": [],
    }


def website(site, *, path, search_path):
    """schema.org WebSite of an edition, with the search engines' search box."""
    target = f"{site.absolute(search_path)}?q={SEARCH_TERM}"
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": site.name,
        "url": site.absolute(path),
        "inLanguage": site.language,
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": target},
            "query-input": "required name=search_term_string",
        },
    }


def for_home(site, *, path, search_path):
    house = site.house
    blocks = [website(site, path=path, search_path=search_path)]
    if house:
        publisher = organisation(house, site.absolute)
        publisher.setdefault("url", site.absolute(path))
        blocks.append({"@context": "https://schema.org", **publisher})
    return for_page(
        site,
        headline=site.name,
        summary=(house.description if house else "") or site.name,
        path=path,
        jsonld=blocks,
    )


def for_section(site, *, name, summary, path):
    # Translators: a section page's summary in search results and shared
    # links, where editors wrote no description of the section.
    fallback = gettext("The latest stories in %(section)s from %(site)s.")
    return for_page(
        site,
        headline=name,
        summary=summary or fallback % {"section": name, "site": site.name},
        path=path,
    )


def for_tag(site, *, name, path):
    # Translators: a topic (tag) page's summary in search results and links.
    summary = gettext("Stories about %(topic)s from %(site)s.")
    return for_page(
        site,
        headline=name,
        summary=summary % {"topic": name, "site": site.name},
        path=path,
    )


def for_author(site, author, *, path):
    # Translators: an author page's summary where the author has no bio.
    fallback = gettext("Stories by %(author)s from %(site)s.")
    return for_page(
        site,
        headline=author.name,
        summary=author.bio or fallback % {"author": author.name, "site": site.name},
        path=path,
        picture=social_picture(author.photo, site.absolute) or None,
    )


def for_search(site, *, path):
    return for_page(
        site,
        headline=pgettext("page title", "Search"),
        summary=gettext("Search the archive"),
        path=path,
        robots=SEARCH_ROBOTS,
    )


def for_support(site, *, text, path):
    house = site.house
    headline = gettext("Support %(name)s") % {
        "name": house.name if house else site.name
    }
    return for_page(
        site,
        headline=headline,
        summary=text or (house.description if house else "") or headline,
        path=path,
    )
