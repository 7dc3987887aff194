"""/healthz: can this app server reach its database and its cache?

Asked every few seconds by the cache in front, it also keeps the page
cache's clock (serving.invalidation), so scheduled changes reach that cache
on time even when it answers every reader itself.
"""

import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .invalidation import keep_time

PROBE_KEY = "healthz:probe"


def database_status():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return f"unavailable: {type(error).__name__}"
    return "ok"


def cache_status():
    # The cache swallows its own errors (serving.resilient_cache), so ask it to keep a
    # fresh value and see whether it comes back.
    probe = uuid.uuid4().hex
    cache.set(PROBE_KEY, probe, 10)
    return "ok" if cache.get(PROBE_KEY) == probe else "unavailable"


@never_cache
def healthz(request):
    """200 while the database answers (the cache is optional: pages are then
    rendered every time); 503 when it does not."""
    checks = {"database": database_status(), "cache": cache_status()}
    healthy = checks["database"] == "ok"
    if healthy:
        # Varnish asks every few seconds, however few readers reach the app:
        # a story scheduled for now is purged from it on time.
        keep_time()
    status = "ok" if all(v == "ok" for v in checks.values()) else "degraded"
    return JsonResponse(
        {"status": status if healthy else "unavailable", **checks},
        status=200 if healthy else 503,
    )
