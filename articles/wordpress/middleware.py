"""Old WordPress addresses answered with a 301 to the page they are now.

Like django.contrib.redirects' RedirectFallbackMiddleware, it looks a path up
only when the site has no page there (a 404), so no page of ours is ever
shadowed and a normal request costs nothing; and, before the view, WordPress's
plain links to the front page (/?p=123, /?cat=4), which the home page would
otherwise answer. A redirect is never kept by the page cache (it keeps only
200s) nor by a shared cache (private): an editor's change to an old address
takes effect at once.
"""

from django.http import HttpResponsePermanentRedirect

from . import addresses
from .models import is_local_path

# Browsers may keep a redirect this long; shared caches not at all.
CACHE_CONTROL = "private, max-age=3600"


class OldAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.is_plain_link(request):
            moved = self.moved(request)
            if moved is not None:
                return moved
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            return self.moved(request) or response
        return response

    def is_plain_link(self, request):
        return (
            request.method in ("GET", "HEAD")
            and request.path == "/"
            and any(request.GET.get(name) for name in addresses.QUERY_KEYS)
        )

    def moved(self, request):
        keys = addresses.request_keys(request)
        if any(len(key) > 2000 for key in keys):
            return None
        target = addresses.destination(keys)
        if not target or not is_local_path(target):
            return None
        if target.rstrip("/") == request.path.rstrip("/") and not request.GET:
            return None  # no loop
        response = HttpResponsePermanentRedirect(target)
        response["Cache-Control"] = CACHE_CONTROL
        return response
