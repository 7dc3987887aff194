from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from articles import editions
from articles.models import Outlet, Section, SectionTranslation
from articles.serving.invalidation import CHROME_KEY, SECTION_NAMES_KEY

CHROME_SECONDS = 3600


def chrome():
    """What every page's header and footer show: the sections and our outlet.

    Read once and kept in the cache until anything on the site changes
    (articles.signals), so a rendered page spends no query on them.
    """
    value = cache.get(CHROME_KEY)
    if value is None:
        value = {
            "sections": list(Section.objects.all()),
            # With its logo, which pages' metadata show (articles.seo).
            "house_outlet": Outlet.objects.select_related("logo").house(),
        }
        cache.set(CHROME_KEY, value, CHROME_SECONDS)
    return value


def _named_in(section, language):
    """(name, description) editors wrote for `section` in the edition
    `language` (the active one by default); None for the section's own."""
    language = language or translation.get_language()
    if language == editions.default():
        return None
    return section_names().get((language, section.pk))


def section_names():
    """{(language, section id): (name, description)} as editors wrote them for
    the other editions (SectionTranslation); cached like the chrome, and read
    only by pages of those editions."""
    value = cache.get(SECTION_NAMES_KEY)
    if value is None:
        value = {
            (language, section_id): (name, description)
            for language, section_id, name, description in (
                SectionTranslation.objects.values_list(
                    "language", "section_id", "name", "description"
                )
            )
        }
        cache.set(SECTION_NAMES_KEY, value, CHROME_SECONDS)
    return value


def section_name(section, language=None):
    """A section's name in an edition's language, else its own."""
    found = _named_in(section, language)
    return found[0] if found else section.name


def section_description(section, language=None):
    """A section's description in an edition's language, else its own."""
    found = _named_in(section, language)
    return found[1] if found and found[1] else section.description


def site(request):
    """Site-wide names and navigation; read lazily so admin pages pay nothing."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "nav_sections": SimpleLazyObject(lambda: chrome()["sections"]),
        "house_outlet": SimpleLazyObject(lambda: chrome()["house_outlet"]),
    }
