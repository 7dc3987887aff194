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

from . import dependencies, edge
from .invalidation import (
    CLOCK_KEY,
    Clock,
    rendered_after_purges,
    sync_local_cache,
    tick,
    version_key,
    versions_of,
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
PAGE_KEY_PREFIX = "pages:v5:"
# While one request renders a page that went out of date, others are given
# the old copy for up to this long rather than render it too.
RENDER_LOCK_SECONDS = 5
# Pages whose keys this process knows, so a hit reads the page and its keys'
# versions in one round trip: {page key: the names of its keys' versions}.
KNOWN_PAGES_AT_MOST = 10000
_known_pages = {}
# Bodies shorter than this are sent as they are: gzip would save nothing.
COMPRESS_AT_LEAST = 256
COMPRESSIBLE_TYPES = re.compile(r"^(text/|application/(json|xml|[\w.+-]+\+xml))")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CachedPage:
    """A page as the middleware below made it, before it was marked public.

    The cache stores a pickled copy, so every reader gets a fresh response.
    """

    versions: dict  # {key the page depends on: its version when rendered}
    response: HttpResponse
    gzipped: bytes | None = None  # the body in gzip, made once when kept


class PageCacheMiddleware:
    """Whole pages for anonymous readers, from the cache when it holds them.

    A page is kept with the versions of the keys it depends on (what it
    shows, serving.dependencies) and is served while they all hold, so an edit
    shows on the next request to every page that shows it and to no other;
    a scheduled story going live or a prompt's window turning does too
    (serving.invalidation's clock). When a page went out of date, one request
    renders it and others are given the old copy meanwhile. Staff (anyone
    with a session), previews, the admin, writes, and responses that set
    cookies or say private/no-store are never cached.

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
        if found.page is None:
            return self.render(request, found)
        if found.is_current:
            return found.hit(request)
        if found.is_rendering or not cache.add(
            found.render_lock, 1, RENDER_LOCK_SECONDS
        ):
            return found.stale(request)
        try:
            return self.render(request, found)
        finally:
            cache.delete(found.render_lock)

    def render(self, request, found):
        """Render the page, recording what it shows, and keep it if it may be."""
        started = time.time()
        # The page is made whole, whatever the reader's copy, so it can be
        # kept; whether that copy is still good is answered afterwards.
        conditions = {h: request.META.pop(h) for h in CONDITIONS if h in request.META}
        with dependencies.recording() as shown:
            response = self.get_response(request)
        request.META.update(conditions)
        if not _is_shareable(response):
            if found.page is not None and 300 <= response.status_code < 500:
                cache.delete(found.key)  # gone or moved: no old copy to give
            return response
        keys = dependencies.collapsed(shown)
        edge.tag_response(response, keys)
        if found.key and found.clock and request.method == "GET":
            versions = versions_of(keys)
            if rendered_after_purges(versions, started):
                if not response.has_header("ETag"):
                    set_response_etag(response)
                patch_vary_headers(response, ("Accept-Encoding",))
                gzipped = _gzipped(response)
                cache.set(
                    found.key,
                    CachedPage(versions, response, gzipped),
                    settings.NEWSROOM_PAGE_CACHE_SECONDS,
                )
                _remember(found.key, versions)
                response["X-Page-Cache"] = "miss"
                response = _encoded(request, response, gzipped)
        return _answer(request, response, found.seconds_fresh)

    def look_up(self, request, front=False):
        """What the cache holds for an anonymous read, or None for any other
        request. When the clock is due (serving.invalidation) it is handled
        first, or with `front=True` (which reads no database) None is returned.
        """
        sync_local_cache()
        if not self.is_anonymous_read(request):
            return None
        key = page_key(request)
        now = time.time()
        names = [CLOCK_KEY]
        if key:
            names += [key, key + RENDER_LOCK_SUFFIX]
            names += [version_key(k) for k in _known_pages.get(key, ())]
        found = cache.get_many(names)
        clock = found.get(CLOCK_KEY)
        if clock is None or clock.is_due(now):
            if front:
                return None
            clock = tick(now, clock)
            if clock is None:  # another request is handling the clock
                return Lookup(None, None, now)
            # Versions read before the tick may be out of date: read again.
            found = cache.get_many(names[1:3]) if key else {}
        page = found.get(key) if key else None
        if page is None:
            return Lookup(key, clock, now)
        names = [version_key(k) for k in page.versions]
        if any(name not in found for name in names):
            _remember(key, page.versions)
            found.update(cache.get_many(names))
        is_current = all(
            found.get(version_key(k)) == version for k, version in page.versions.items()
        )
        return Lookup(
            key,
            clock,
            now,
            page,
            is_current=is_current,
            is_rendering=key + RENDER_LOCK_SUFFIX in found,
        )

    def is_anonymous_read(self, request):
        return (
            settings.NEWSROOM_PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(self.skipped_prefixes)
        )


RENDER_LOCK_SUFFIX = ":rendering"


def _remember(key, keys):
    if len(_known_pages) >= KNOWN_PAGES_AT_MOST:
        _known_pages.clear()
    _known_pages[key] = tuple(keys)


@dataclass(frozen=True)
class Lookup:
    """A page's cache key, the clock, and the page the cache holds, if any.

    No key: the page is rendered and not kept. No clock: another request is
    handling it, so the page is rendered, not kept, and not promised fresh.
    """

    key: str | None
    clock: Clock | None
    now: float
    page: CachedPage | None = None
    is_current: bool = False
    is_rendering: bool = False  # another request renders the page now

    @property
    def render_lock(self):
        return self.key + RENDER_LOCK_SUFFIX

    @property
    def seconds_fresh(self):
        return self.clock.next_change - self.now if self.clock else 0

    def hit(self, request):
        return self._answer(request, "hit", self.seconds_fresh)

    def stale(self, request):
        """The old copy, while another request renders the page: not to be
        kept by anyone downstream."""
        return self._answer(request, "stale", 0)

    def _answer(self, request, label, seconds_fresh):
        response = self.page.response
        response["X-Page-Cache"] = label
        response = _encoded(request, response, self.page.gzipped)
        return _answer(request, response, seconds_fresh)


class CachedPages:
    """The WSGI application, answering page cache hits before Django does.

    A hit needs nothing of Django's request handling: not its signals (which
    look over the database connections at the start and end of every
    request), nor the middleware and the conversion of a response. The rules
    and the lookup are PageCacheMiddleware's own; anything but a current hit,
    or an old copy while another request renders the page (a miss, staff, a
    request Django would refuse), goes on to Django.
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
            found = self.pages.look_up(request, front=True)
            if found is None or found.page is None:
                return None
            if found.is_current:
                return found.hit(request)
            if found.is_rendering:
                return found.stale(request)
            return None  # Django renders it, or gives the old copy
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
    scheduled change; and an edge the app purges (serving.edge), which hears
    of every change, that it may keep the page longer."""
    edge.mark_keepable(response, seconds_left)
    max_age = int(max(0, min(settings.NEWSROOM_PAGE_MAX_AGE, seconds_left)))
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
