"""The language switcher and the hreflang links of pages in every edition."""

from django import template
from django.utils import translation

from articles import editions
from articles.context_processors import section_description, section_name

register = template.Library()


def _versions_by_edition(versions):
    found = {}
    for version in versions:
        found.setdefault(version.edition, version)
    return found


def edition_links(context):
    """Each edition's address for the page being rendered, the current one
    marked: a story's translations on a story page (an edition without one
    offers its home page), the same page elsewhere."""
    if len(editions.codes()) < 2:
        return []
    current = translation.get_language()
    story = context.get("article")
    path = context["request"].path
    translated = _versions_by_edition(context.get("versions") or ()) if story else None
    links = []
    for code in editions.codes():
        if story is not None:
            version = translated.get(code)
            if code == current:
                address, is_page = story.get_absolute_url(), True
            elif version is not None:
                address, is_page = version.get_absolute_url(), True
            else:
                address, is_page = editions.address_in("/", code), False
        else:
            address, is_page = editions.address_in(path, code), True
        links.append(
            {
                "code": code,
                "name": editions.local_name(code),
                "href": address,
                "is_current": code == current,
                "is_same_page": is_page,
            }
        )
    return links


@register.inclusion_tag("articles/_editions.html", takes_context=True)
def edition_switcher(context):
    """Links to the page in the other editions (articles/_editions.html)."""
    return {"links": edition_links(context)}


@register.inclusion_tag("articles/_edition_alternates.html", takes_context=True)
def edition_alternates(context):
    """<link rel=alternate hreflang> to the page in every edition: not on story
    pages, whose alternates are their translations (articles.seo)."""
    request = context["request"]
    links = [link for link in edition_links(context) if link["is_same_page"]]
    if len(links) < 2:
        return {"links": []}
    for link in links:
        link["href"] = request.build_absolute_uri(link["href"])
    # Readers of any other language are sent to the default edition.
    return {"links": [*links, {**links[0], "code": "x-default"}]}


@register.filter
def named(section):
    """A section's name in the page's language: {{ story.section|named }}."""
    return section_name(section)


@register.filter
def described(section):
    """A section's description in the page's language."""
    return section_description(section)
