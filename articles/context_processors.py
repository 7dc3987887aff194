from django.conf import settings
from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

from articles.models import Outlet, Section
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
        }
        cache.set(CHROME_KEY, value, CHROME_SECONDS)
    return value


def site(request):
    """Site-wide names and navigation; read lazily so admin pages pay nothing."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "nav_sections": SimpleLazyObject(lambda: chrome()["sections"]),
        "house_outlet": SimpleLazyObject(lambda: chrome()["house_outlet"]),
    }
