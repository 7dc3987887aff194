from django.conf import settings
from django.contrib import admin
from django.urls import URLResolver, include, path, re_path

from articles import sitemaps
from articles.admin import language, security
from articles.editions import EditionPrefix
from articles.serving import media
from articles.serving.health import healthz

handler404 = "articles.views.not_found"

urlpatterns = [
    path(
        "admin/language/",
        admin.site.admin_view(language.desk_language),
        name="desk-language",
    ),
    # Sign-in security: second factors, sessions, the lockdown.
    path("admin/account/", include(security.urls)),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    # Django's i18n_patterns, with the prefix of EditionPrefix: the default
    # edition unprefixed, the others under /ru/, /ka/, …
    URLResolver(EditionPrefix(), [path("", include("articles.urls"))]),
]

if settings.SERVE_MEDIA:
    # One small server serves its own uploads; a proxy or object storage takes
    # over in larger deployments (NEWSROOM_SERVE_MEDIA=off).
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(rf"^{media_prefix}(?P<path>.*)$", media.media),
    ]
