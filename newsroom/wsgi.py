import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

django_application = get_wsgi_application()

from articles.serving.pages import CachedPages  # noqa: E402 (needs Django set up)

# Page cache hits are answered before Django's request handling.
application = CachedPages(django_application)
