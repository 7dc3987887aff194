"""Purging what changed: the version of each surrogate key, and the clock.

Every key a page depends on (serving.dependencies) has a version in the
cache, a number that changes when the key is purged. A cached page is kept
with the versions of its keys at the time it was rendered, and is current
while all of them still hold. So purging a story's key ages exactly the
pages that show the story, however many there are, in one cache write.

A purge is written twice: at once, and again once the transaction commits,
so a page rendered meanwhile from the old rows is aged too; and the edge
(serving.edge: Varnish, a CDN) is told only after the commit, from another
thread, so an editor's save never fails or waits on it.

A version is the moment of its purge in nanoseconds; a key never purged
since the cache last held it gets a small random number instead. A page
whose render began before one of its keys was last purged may have read the
old rows, and is not kept.

Times nobody saves at, a scheduled story's publication and a prompt's
window, are kept on the clock: the next such moment, and the last one
handled. The first request after it purges what came due (`tick`), so such
changes show on the second, without a job and without emptying the cache.

With NEWSROOM_PAGE_INVALIDATION=site every purge ages every page, as this
site did before it knew what pages show (benchmarks compare the two).
"""

import itertools
import logging
import math
import os
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction

from . import dependencies, edge

logger = logging.getLogger(__name__)

# New names when what is stored under them changes shape (or module), so a
# shared cache filled by an earlier release is never read back.
VERSION_PREFIX = "pages:key:v1:"
CLOCK_KEY = "pages:clock:v1"
TICK_LOCK_KEY = "pages:clock:v1:ticking"
# The sections and house outlet every page shows (articles.context_processors).
CHROME_KEY = "pages:chrome:v2"
# Sections' names in the other editions' languages, read by those editions only.
SECTION_NAMES_KEY = "pages:chrome:section-names:v1"
# Versions of keys nobody purged: below any moment in nanoseconds.
BIRTH_VERSIONS = 2**40
# One request handles the clock at a time, for at most this long.
TICK_SECONDS = 10
# The schedule is read again at least this often, whatever the clock says.
CLOCK_CHECK_SECONDS = 60

_sequence = itertools.count()


def version_key(key):
    return VERSION_PREFIX + key


def _new_version():
    # Two purges in one process within a microsecond still differ.
    return time.time_ns() // 1000 * 1000 + next(_sequence) % 1000


def clock_skew():
    """How far apart the clocks of a site's servers may be, in seconds
    (NEWSROOM_CLOCK_SKEW_MS): a page whose render began less than this after
    a purge of one of its keys is not kept."""
    return settings.NEWSROOM_CLOCK_SKEW_MS / 1000


def purged_at(version):
    """When a version was written by a purge, in seconds; 0 for a birth."""
    return version / 1e9 if version >= BIRTH_VERSIONS else 0.0


def rendered_after_purges(versions, started):
    """Whether a render that began at `started` began after every purge of
    what it shows ({key: version}); if not, it may have read rows from
    before a change, and is not to be kept (nor without versions)."""
    if versions is None:
        return False
    latest = max(map(purged_at, versions.values()), default=0)
    return latest < started - clock_skew()


def _versions_timeout():
    # Longer than any page lives: a version gone from the cache ages its pages.
    return settings.NEWSROOM_PAGE_CACHE_SECONDS + 600


def versions_of(keys):
    """{key: version} for every key, giving a version to those without one;
    None when the cache cannot give them all (it is unreachable), and then
    nothing rendered with them is to be kept."""
    names = {version_key(key): key for key in keys}
    found = cache.get_many(list(names))
    missing = [name for name in names if name not in found]
    if missing:
        timeout = _versions_timeout()
        for name in missing:
            cache.add(name, random.randrange(1, BIRTH_VERSIONS), timeout)
        found.update(cache.get_many(missing))
    if len(found) < len(names):
        return None
    return {names[name]: version for name, version in found.items()}


def purge_keys(keys):
    """Age every page that depends on any of `keys`, now and after the commit,
    and tell the edge once the transaction commits."""
    keys = _as_configured(keys)
    if not keys:
        return
    _write_versions(keys)
    transaction.on_commit(lambda: _after_commit(keys))


def _after_commit(keys):
    _write_versions(keys)
    edge.purge(keys)


def forget_pages():
    """Age every page: for writes that send no signals (bulk updates) and for
    changes every page shows."""
    purge_keys([dependencies.SITE])


def _as_configured(keys):
    keys = set(keys)
    if keys and settings.NEWSROOM_PAGE_INVALIDATION == "site":
        return {dependencies.SITE}
    return keys


def _write_versions(keys):
    version = _new_version()
    _apply(keys, version)
    _log_purge(keys, version)


@dataclass(frozen=True)
class Clock:
    """The next moment pages change without a save (infinity: none known), when
    the schedule is read again, and until when it was handled."""

    next_change: float
    check_at: float
    handled_until: float

    def is_due(self, now):
        return now >= min(self.next_change, self.check_at)


def tick(now, clock):
    """Purge what came due since the clock was last handled; the new clock.

    One request at a time does it; any other asking meanwhile gets None and
    renders its page without the cache."""
    if not cache.add(TICK_LOCK_KEY, 1, TICK_SECONDS):
        return None
    try:
        # With no clock (a new or emptied cache) anything kept could be as old
        # as the oldest page the cache may hold.
        since = (
            clock.handled_until
            if clock is not None
            else now - settings.NEWSROOM_PAGE_CACHE_SECONDS
        )
        _purge_came_due(since, now)
        clock = Clock(
            next_change=_next_change(now),
            check_at=now + CLOCK_CHECK_SECONDS,
            handled_until=now,
        )
        cache.set(CLOCK_KEY, clock, _versions_timeout())
        return clock
    finally:
        cache.delete(TICK_LOCK_KEY)


def keep_time(now=None):
    """Handle the clock if it is due (a request for a page does it too)."""
    now = now if now is not None else time.time()
    clock = cache.get(CLOCK_KEY)
    if clock is None or clock.is_due(now):
        tick(now, clock)


def reset_clock():
    """Have the next request read the schedule again (a story was scheduled,
    a prompt's window moved), now and once the transaction commits."""
    _reset_clock()
    transaction.on_commit(_reset_clock)


def _reset_clock():
    clock = cache.get(CLOCK_KEY)
    if clock is not None and clock.check_at > 0:
        due = Clock(clock.next_change, check_at=0, handled_until=clock.handled_until)
        cache.set(CLOCK_KEY, due, _versions_timeout())


def _moment(seconds):
    return datetime.fromtimestamp(seconds, tz=UTC)


def _purge_came_due(since, now):
    from articles.models import Article, MembershipPrompt

    start, end = _moment(since), _moment(now)
    keys = set()
    came_out = (
        Article.objects.published()
        .filter(published_at__gt=start, published_at__lte=end)
        .prefetch_related("tags", "bylines")
    )
    for story in came_out:
        keys.update(dependencies.listing_keys(story))
    windows = MembershipPrompt.objects.filter(is_active=True)
    for edge_field in ("starts_at", "ends_at"):
        lookup = {f"{edge_field}__gt": start, f"{edge_field}__lte": end}
        if windows.filter(**lookup).exists():
            keys.add(dependencies.PROMPTS)
    if keys:
        purge_keys(keys)


def _next_change(now):
    """When pages next change without anyone saving: a scheduled story going
    live, or a membership prompt's window opening or closing; infinity if
    nothing is scheduled. (The schedule is read again every
    CLOCK_CHECK_SECONDS anyway, so one written where no signal is sent, a row
    written by hand or a save racing a tick, is never missed for long.)"""
    from articles.models import Article, MembershipPrompt

    moment = _moment(now)
    times = [
        # Not stories a lockdown holds back: their time has passed already.
        Article.objects.scheduled()
        .filter(published_at__gt=moment)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    ]
    for edge_field in ("starts_at", "ends_at"):
        times.append(
            MembershipPrompt.objects.filter(
                is_active=True, **{f"{edge_field}__gt": moment}
            )
            .order_by(edge_field)
            .values_list(edge_field, flat=True)
            .first()
        )
    seconds = [t.timestamp() for t in times if t is not None]
    return min(seconds, default=math.inf)


# An in-process cache (the default without REDIS_URL) is one per gunicorn
# worker: a purge made in one worker must reach the others' too. They share a
# log of purges (NEWSROOM_CHANGE_STAMP), one line per purge, appended whole;
# each worker reads what was added since it last looked, at the cost of one
# stat() per request, and writes the same versions into its own cache. When
# the log grows past LOG_ROTATE_BYTES it is started afresh, and a worker that
# finds a new file empties its cache once.
LOG_ROTATE_BYTES = 256 * 1024
_seen_log = None  # (the log file's identity, how far this worker has read)


def _backend():
    from django.core.cache import caches

    return caches["default"]


def _cache_is_local():
    return isinstance(_backend(), LocMemCache)


def _log_purge(keys, version):
    if not _cache_is_local():
        return
    path = settings.NEWSROOM_CHANGE_STAMP
    line = f"{version} {' '.join(sorted(keys))}\n".encode()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > LOG_ROTATE_BYTES:
            os.replace(path, path.with_name(path.name + ".old"))
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(descriptor, line)
        finally:
            os.close(descriptor)
    except OSError as error:
        logger.warning("Could not log a purge for other workers at %s: %s", path, error)


def sync_local_cache():
    """Apply to this worker's in-process cache the purges other workers made."""
    global _seen_log
    if not _cache_is_local():
        return
    path = settings.NEWSROOM_CHANGE_STAMP
    try:
        status = os.stat(path)
        identity, size = (status.st_dev, status.st_ino), status.st_size
    except OSError:
        identity, size = None, 0
    if _seen_log is None:
        _seen_log = (identity, size)  # a new worker: nothing of its own to age
        return
    seen_identity, offset = _seen_log
    if identity != seen_identity or size < offset:
        _backend().clear()  # a new log: what this worker missed is unknown
        _seen_log = (identity, size)
        return
    if size == offset:
        return
    try:
        with open(path, "rb") as log:
            log.seek(offset)
            added = log.read(size - offset)
        whole = added[: added.rfind(b"\n") + 1]  # a line being written waits
        for line in whole.decode().splitlines():
            version, *keys = line.split()
            _apply(keys, int(version))
    except (OSError, ValueError) as error:
        logger.warning("Could not read the purge log at %s: %s", path, error)
        _backend().clear()
        _seen_log = (identity, size)
        return
    _seen_log = (identity, offset + len(whole))


def _apply(keys, version):
    cache.set_many({version_key(key): version for key in keys}, _versions_timeout())
    if dependencies.SITE in keys:
        cache.delete_many([CHROME_KEY, SECTION_NAMES_KEY])
