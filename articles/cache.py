"""The shared cache: a Redis backend that survives Redis going away, and the
site-wide generation that keys the page cache.

Every cached page is stored with the generation it was rendered under. Any
change to what pages show gives the site a new generation (signals call
`forget_pages()`), and the generation also expires by itself when a scheduled
story is due or a membership prompt's window opens or closes, so such times
take effect on the second without a job or a flush.
"""

import functools
import logging
import os
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction
from django.utils import timezone
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation:v1"
# The sections and house outlet every page shows (articles.context_processors).
CHROME_KEY = "pages:chrome:v1"
# How long a worker leaves Redis alone after an error before trying it again.
OUTAGE_PAUSE_SECONDS = 5


class _Outage(Exception):
    pass


def _tolerant(fallback):
    """Run a cache method; on a Redis error log it, pause Redis for a moment and
    answer `fallback(*args)` instead (what a cache holding nothing would say)."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                if time.monotonic() < self._paused_until:
                    raise _Outage
                return method(self, *args, **kwargs)
            except _Outage:
                pass
            except RedisError as error:
                self._paused_until = time.monotonic() + OUTAGE_PAUSE_SECONDS
                logger.warning(
                    "Cache unavailable, serving without it for %s s: %s",
                    OUTAGE_PAUSE_SECONDS,
                    error,
                )
            return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _default(key, default=None, version=None):
    return default


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _missing(key, *args, **kwargs):
    raise ValueError(f"Key {key!r} not found: the cache is unavailable.")


class _KeptClients(RedisCacheClient):
    """Django's Redis client, keeping one redis.Redis per connection pool.

    Django builds a new redis.Redis for every cache call, and building one
    (its table of some 170 reply parsers) takes about 0.4 ms: most of what a
    page cache hit costs. A redis.Redis on a pool is safe to share between
    threads, and after a fork its pool opens fresh connections.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's RedisCache whose errors are logged, never raised: reads miss and
    writes are dropped while Redis is unreachable, so the site serves uncached."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _KeptClients
        self._paused_until = 0.0

    add = _tolerant(_false)(RedisCache.add)
    get = _tolerant(_default)(RedisCache.get)
    set = _tolerant(_nothing)(RedisCache.set)
    touch = _tolerant(_false)(RedisCache.touch)
    delete = _tolerant(_false)(RedisCache.delete)
    get_many = _tolerant(lambda keys, *args, **kwargs: {})(RedisCache.get_many)
    has_key = _tolerant(_false)(RedisCache.has_key)
    # A missing key raises ValueError from incr(); so does an unreachable cache.
    incr = _tolerant(_missing)(RedisCache.incr)
    set_many = _tolerant(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    delete_many = _tolerant(_nothing)(RedisCache.delete_many)
    clear = _tolerant(_false)(RedisCache.clear)

    @property
    def is_paused(self):
        return time.monotonic() < self._paused_until


@dataclass(frozen=True)
class Generation:
    """The site's current generation and the moment it runs out by itself."""

    token: str
    valid_until: float

    def is_current(self, now):
        return now < self.valid_until


def _next_change(now):
    """When pages next change without anyone saving: a scheduled story going
    live, or a membership prompt's window opening or closing."""
    from articles.models import Article, MembershipPrompt

    moment = timezone.now()
    times = [
        Article.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    ]
    for edge in ("starts_at", "ends_at"):
        times.append(
            MembershipPrompt.objects.filter(is_active=True, **{f"{edge}__gt": moment})
            .order_by(edge)
            .values_list(edge, flat=True)
            .first()
        )
    seconds = [(t - moment).total_seconds() for t in times if t is not None]
    return now + min(seconds) if seconds else None


def new_generation(now=None):
    """Start a generation: every page cached before it is out of date."""
    now = now if now is not None else time.time()
    longest = now + settings.NEWSROOM_PAGE_CACHE_SECONDS
    change = _next_change(now)
    generation = Generation(
        token=uuid.uuid4().hex,
        valid_until=min(longest, change) if change is not None else longest,
    )
    timeout = max(1, int(generation.valid_until - now) + 1)
    if not cache.add(GENERATION_KEY, generation, timeout):
        # Another worker started one first: share it, so pages are shared too.
        current = cache.get(GENERATION_KEY)
        if current is not None and current.is_current(now):
            return current
        cache.set(GENERATION_KEY, generation, timeout)
    return generation


def _forget_now():
    cache.delete_many([GENERATION_KEY, CHROME_KEY])
    _stamp_change()


def forget_pages():
    """Drop every cached page, now and again once the current transaction commits
    (so a page rendered meanwhile from the old data is not kept either)."""
    _forget_now()
    transaction.on_commit(_forget_now)


# An in-process cache (the default without REDIS_URL) is one per gunicorn
# worker: a change seen by one worker must empty the others' too. They share a
# file whose modification time says when the site last changed; each worker
# compares it with what it saw last, at the cost of one stat() per request.
_seen_stamp = None


def _backend():
    from django.core.cache import caches

    return caches["default"]


def _cache_is_local():
    return isinstance(_backend(), LocMemCache)


def _stamp_change():
    if not _cache_is_local():
        return
    path = settings.NEWSROOM_CHANGE_STAMP
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        os.utime(path, ns=(time.time_ns(), time.time_ns()))
    except OSError as error:
        logger.warning("Could not mark the site as changed at %s: %s", path, error)


def sync_local_cache():
    """Empty this worker's in-process cache if another worker changed the site."""
    global _seen_stamp
    if not _cache_is_local():
        return
    try:
        stamp = os.stat(settings.NEWSROOM_CHANGE_STAMP).st_mtime_ns
    except OSError:
        stamp = 0
    if _seen_stamp is not None and stamp != _seen_stamp:
        _backend().clear()
    _seen_stamp = stamp
