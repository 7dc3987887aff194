"""The shared cache: Django's Redis backend, made to survive Redis going away.

settings.CACHES names ResilientRedisCache when REDIS_URL is set.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

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
