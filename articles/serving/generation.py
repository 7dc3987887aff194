"""The site-wide generation that keys the page cache, and forgetting pages.

Every cached page is stored with the generation it was rendered under. Any
change to what pages show gives the site a new generation (signals call
`forget_pages()`), and the generation also expires by itself when a scheduled
story is due or a membership prompt's window opens or closes, so such times
take effect on the second without a job or a flush.
"""

import logging
import os
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# New names when what is stored under them changes shape (or module), so a
# shared cache filled by an earlier release is never read back.
GENERATION_KEY = "pages:generation:v2"
# The sections and house outlet every page shows (articles.context_processors).
CHROME_KEY = "pages:chrome:v2"
# Sections' names in the other editions' languages, read by those editions only.
SECTION_NAMES_KEY = "pages:chrome:section-names:v1"


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
        # Not stories a lockdown holds back: their time has passed already.
        Article.objects.scheduled()
        .filter(published_at__gt=moment)
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
    cache.delete_many([GENERATION_KEY, CHROME_KEY, SECTION_NAMES_KEY])
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
