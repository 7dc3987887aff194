from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles.models import Outlet, Section


def site(request):
    """Site-wide names and navigation; read lazily so admin pages pay nothing."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "nav_sections": SimpleLazyObject(lambda: list(Section.objects.all())),
        "house_outlet": SimpleLazyObject(Outlet.objects.house),
    }
