from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from articles import editions
from articles.models import Outlet, Section, SectionTranslation
from articles.serving.generation import CHROME_KEY

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
            "house_outlet": Outlet.objects.house(),
            # {(language, section id): (name, description)} of the editions
            # whose language a section is named in (SectionTranslation).
            "section_names": {
                (language, section_id): (name, description)
                for language, section_id, name, description in (
                    SectionTranslation.objects.values_list(
                        "language", "section_id", "name", "description"
                    )
                )
            },
        }
        cache.set(CHROME_KEY, value, CHROME_SECONDS)
    return value


def section_words(section, language=None):
    """(name, description) of `section` in an edition's language (the active
    one by default): as editors wrote them for it, else the section's own."""
    language = language or translation.get_language()
    if language == editions.default():
        return section.name, section.description
    found = chrome()["section_names"].get((language, section.pk))
    if found is None:
        return section.name, section.description
    return found[0], found[1] or section.description


def site(request):
    """Site-wide names and navigation; read lazily so admin pages pay nothing."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "nav_sections": SimpleLazyObject(lambda: chrome()["sections"]),
        "house_outlet": SimpleLazyObject(lambda: chrome()["house_outlet"]),
    }
