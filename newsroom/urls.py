from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from articles.serving import media
from articles.serving.health import healthz

handler404 = "articles.views.not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    # One small server serves its own uploads; a proxy or object storage takes
    # over in larger deployments (NEWSROOM_SERVE_MEDIA=off).
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(rf"^{media_prefix}(?P<path>.*)$", media.media),
    ]
