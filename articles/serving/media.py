"""Uploads served by the app itself, for deployments without a proxy in front."""

from django.conf import settings
from django.http import Http404
from django.views.static import serve

# Renditions never change under a name (a new file gets new names), so
# browsers and proxies may keep them for a year; other uploads for an hour.
RENDITION_CACHE = "public, max-age=31536000, immutable"
UPLOAD_CACHE = "public, max-age=3600"
# Uploads are pictures: a browser must never run one as a page, whatever it
# holds. deploy/nginx.conf sends the same policy where nginx serves them.
UPLOAD_POLICY = "default-src 'none'; img-src 'self'; sandbox"


def media(request, path):
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except (OSError, ValueError):
        # A name the file system cannot even look up (too long, say) names
        # no upload either.
        raise Http404("No such file.") from None
    response["Cache-Control"] = (
        RENDITION_CACHE if path.startswith("renditions/") else UPLOAD_CACHE
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = UPLOAD_POLICY
    return response
