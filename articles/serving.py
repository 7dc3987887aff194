"""Uploads served by the app itself, for deployments without a proxy in front."""

from django.conf import settings
from django.views.static import serve

# Renditions never change under a name (a new file gets new names), so
# browsers and proxies may keep them for a year; other uploads for an hour.
RENDITION_CACHE = "public, max-age=31536000, immutable"
UPLOAD_CACHE = "public, max-age=3600"


def media(request, path):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = (
        RENDITION_CACHE if path.startswith("renditions/") else UPLOAD_CACHE
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
