"""The page cache: whole pages for anonymous readers, from the middleware and,
for hits, from the WSGI application itself (CachedPages, in newsroom/wsgi.py).

A page is kept with its body compressed once (gzip), so a hit for a browser
that takes gzip, or for nginx in front, costs no compression. Shared pages
hold nothing of one reader's (no session, no CSRF token), so compressing
them gives a BREACH attack no secret to find.
"""

import gzip
import hashlib
import logging
import re
import time
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.wsgi import WSGIRequest, get_script_name
from django.http import HttpResponse
from django.urls import reverse, set_script_prefix
from django.utils.cache import (
    cc_delim_re,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import parse_http_date_safe

from articles import paging
from articles.links import url_for

from .generation import (
    GENERATION_KEY,
    Generation,
    new_generation,
    sync_local_cache,
)

# Parameters that links carry for analytics and pages never read: dropped from
# the key, so a story shared with a unique `fbclid` per click is still cached.
IGNORED_PARAMETERS = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid)$")
UNCACHEABLE_DIRECTIVES = {"private", "no-store", "no-cache", "max-age=0"}
# A reader's conditional GET headers (request.META names).
CONDITIONS = (
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)


# Changes whenever CachedPage does: pages a previous release kept in a shared
# cache are then never read back in a shape this one does not know.
PAGE_KEY_PREFIX = "pages:v4:"
# Bodies shorter than this are sent as they are: gzip would save nothing.
COMPRESS_AT_LEAST = 256
COMPRESSIBLE_TYPES = re.compile(r"^(text/|application/(json|xml|[\w.+-]+\+xml))")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CachedPage:
    """A page as the middleware below made it, before it was marked public.

    The cache stores a pickled copy, so every reader gets a fresh response.
    """

    generation: str
    response: HttpResponse
    gzipped: bytes | None = None  # the body in gzip, made once when kept


class PageCacheMiddleware:
    """Whole pages for anonymous readers, from the cache when it holds them.

    A page is kept with the site's generation (serving.generation) and is served
    only while that generation is current, so an edit anywhere, a scheduled
    story going live or a prompt's window turning shows on the next request.
    Staff (anyone with a session), previews, the admin, writes, and responses
    that set cookies or say private/no-store are never cached.

    It comes first among the middleware: a page is kept with the headers the
    others gave it, and served again without running them. In production the
    WSGI application answers hits before Django does (CachedPages, below).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def skipped_prefixes(self):
        return (
            reverse("admin:index"),
            url_for("articles:preview", "x")[:-2],
            reverse("healthz"),
            settings.STATIC_URL,
            settings.MEDIA_URL,
        )

    def __call__(self, request):
        found = self.look_up(request)
        if found is None:
            return self.get_response(request)
        if found.response is not None:
            return found.hit(request)

        # The page is made whole, whatever the reader's copy, so it can be
        # kept; whether that copy is still good is answered afterwards.
        conditions = {h: request.META.pop(h) for h in CONDITIONS if h in request.META}
        response = self.get_response(request)
        request.META.update(conditions)
        if not _is_shareable(response):
            return response
        generation = found.generation
        if found.key and request.method == "GET":
            if not response.has_header("ETag"):
                set_response_etag(response)
            patch_vary_headers(response, ("Accept-Encoding",))
            gzipped = _gzipped(response)
            cache.set(
                found.key,
                CachedPage(generation.token, response, gzipped),
                max(1, int(generation.valid_until - found.now)),
            )
            response["X-Page-Cache"] = "miss"
            response = _encoded(request, response, gzipped)
        return _answer(request, response, generation.valid_until - found.now)

    def look_up(self, request, start_generation=True):
        """What the cache holds for an anonymous read, or None for any other
        request. Without a current generation, one is started, or with
        `start_generation=False` (which reads no database) None is returned."""
        sync_local_cache()
        if not self.is_anonymous_read(request):
            return None
        key = page_key(request)
        now = time.time()
        found = cache.get_many([GENERATION_KEY, key] if key else [GENERATION_KEY])
        generation = found.get(GENERATION_KEY)
        if generation is None or not generation.is_current(now):
            if not start_generation:
                return None
            generation = new_generation(now)
        page = found.get(key)
        if page is None or page.generation != generation.token:
            return Lookup(key, generation, now, None)
        return Lookup(key, generation, now, page.response, page.gzipped)

    def is_anonymous_read(self, request):
        return (
            settings.NEWSROOM_PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(self.skipped_prefixes)
        )


@dataclass(frozen=True)
class Lookup:
    """A page's cache key, the site's generation, and the page if it is current."""

    key: str | None
    generation: Generation
    now: float
    response: HttpResponse | None
    gzipped: bytes | None = None

    def hit(self, request):
        self.response["X-Page-Cache"] = "hit"
        response = _encoded(request, self.response, self.gzipped)
        return _answer(request, response, self.generation.valid_until - self.now)


class CachedPages:
    """The WSGI application, answering page cache hits before Django does.

    A hit needs nothing of Django's request handling: not its signals (which
    look over the database connections at the start and end of every
    request), nor the middleware and the conversion of a response. The rules
    and the lookup are PageCacheMiddleware's own; anything but a current hit
    (a miss, staff, a request Django would refuse) goes on to Django.
    """

    def __init__(self, application):
        self.application = application
        self.pages = PageCacheMiddleware(get_response=None)

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            response = self._hit(environ)
            if response is not None:
                status = f"{response.status_code} {response.reason_phrase}"
                start_response(status, list(response.items()))
                return [response.content]
        return self.application(environ, start_response)

    def _hit(self, environ):
        """The cached page for this request, or None to hand it to Django."""
        try:
            set_script_prefix(get_script_name(environ))
            # WSGIRequest writes the decoded path back into the environ it is
            # given, and Django would decode it a second time: its own copy
            # leaves the environ as the server made it, in any script.
            request = WSGIRequest(environ.copy())
            found = self.pages.look_up(request, start_generation=False)
            if found is None or found.response is None:
                return None
            return found.hit(request)
        except SuspiciousOperation:
            return None  # a host or query Django answers with a 400
        except Exception:
            # The front only saves work: whatever goes wrong in it, Django
            # answers the request, with the site's own error page if need be.
            logger.exception("The page cache front failed; Django answers.")
            return None


def page_key(request):
    """The cache key of a page, or None when it is rendered every time.

    A page is keyed on its address and the query parameters its view is
    cached by (articles.paging), a page number only as the view writes it:
    anonymous requests can add no more entries than the site has pages. Any
    other parameter (a search, a filter, one the page never reads, a page
    number written oddly) is answered fresh every time: such addresses are
    endless, and a flood of them must not fill or churn the cache.
    """
    kept = []
    read = None
    for name, values in sorted(request.GET.lists()):
        if IGNORED_PARAMETERS.match(name):
            continue
        if read is None:
            read = paging.cache_parameters(request.path_info)
        if len(values) != 1 or name not in read:
            return None
        if name == paging.PAGE:
            number = paging.page_number(values[0])
            if number is None:
                return None
            if number == 1:
                continue  # the listing's own address
        kept.append((name, values[0]))
    address = f"{request.scheme}://{request.get_host()}{request.path}"
    if kept:
        address += "?" + urlencode(kept)
    return PAGE_KEY_PREFIX + hashlib.sha256(address.encode()).hexdigest()


def _is_shareable(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    directives = {
        d.strip().lower() for d in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if directives & UNCACHEABLE_DIRECTIVES:
        return False
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", ""))}
    return "cookie" not in vary and "*" not in vary


def _gzipped(response):
    """The body in gzip, when it is text worth compressing; else None."""
    content_type = response.get("Content-Type", "")
    if (
        response.has_header("Content-Encoding")
        or len(response.content) < COMPRESS_AT_LEAST
        or not COMPRESSIBLE_TYPES.match(content_type)
    ):
        return None
    # mtime=0: the same page compresses to the same bytes in every worker.
    return gzip.compress(response.content, compresslevel=6, mtime=0)


def takes_gzip(request):
    """Whether the request's Accept-Encoding allows gzip (a q of 0 refuses)."""
    for coding in request.META.get("HTTP_ACCEPT_ENCODING", "").lower().split(","):
        name, _, parameters = coding.strip().partition(";")
        if name.strip() not in ("gzip", "x-gzip", "*"):
            continue
        quality = parameters.strip().removeprefix("q=").strip() or "1"
        try:
            return float(quality) > 0
        except ValueError:
            return False
    return False


def _encoded(request, response, gzipped):
    """The page in gzip for a request that takes it, with its own ETag (the
    two bodies are different representations); else as it is."""
    if gzipped is None or not takes_gzip(request):
        return response
    response.content = gzipped
    response["Content-Encoding"] = "gzip"
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(gzipped))
    etag = response.get("ETag")
    if etag and etag.endswith('"'):
        response["ETag"] = etag[:-1] + '-gzip"'
    return response


def _answer(request, response, seconds_left):
    """A shareable page marked public, or 304 when the reader's copy is current."""
    _mark_public(response, seconds_left)
    if not any(condition in request.META for condition in CONDITIONS):
        return response
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
        response=response,
    )


def _mark_public(response, seconds_left):
    """Tell browsers and CDNs how long the page stays fresh, never past the next
    scheduled change."""
    max_age = max(0, min(settings.NEWSROOM_PAGE_MAX_AGE, int(seconds_left)))
    # Pages are kept without Cache-Control, so a hit writes the header
    # outright; patch_cache_control (parsing and merging) is for views that
    # set directives of their own.
    if "Cache-Control" not in response:
        response["Cache-Control"] = (
            f"public, max-age={max_age}, "
            f"stale-while-revalidate={settings.NEWSROOM_PAGE_STALE_SECONDS}"
        )
        return
    patch_cache_control(
        response,
        public=True,
        max_age=max_age,
        stale_while_revalidate=settings.NEWSROOM_PAGE_STALE_SECONDS,
    )
