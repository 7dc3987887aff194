"""The edge in front of the app (Varnish, a CDN): surrogate keys and purges.

Pages carry the keys they depend on (serving.dependencies) in the header the
edge reads, NEWSROOM_SURROGATE_HEADER: `xkey` for Varnish with
varnish-modules, `Surrogate-Key` for Fastly, `Cache-Tag` for Cloudflare, or
none (the default). The edge strips it before readers see it
(deploy/varnish.vcl; deploy/nginx.conf hides it too).

After a change commits, its keys are sent to the purge target,
NEWSROOM_PURGE_URL (off by default), by NEWSROOM_PURGER, a Purger: HTTP
purge by key for Varnish here; a CDN's API is another subclass. Purges go
from one thread per process, batched, so a save never waits on the network.
When the target cannot be reached the purge is dropped (pages there then
live out the time they were given) and the outage is logged once, with a
line again when the target answers. Told of every change, the edge may keep
pages longer than browsers do (Surrogate-Control, NEWSROOM_EDGE_MAX_AGE),
so it does not ask the app again for each of them every minute.
"""

import abc
import atexit
import http.client
import logging
import queue
import threading
import urllib.parse

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Header name: how keys are written in it.
SURROGATE_HEADERS = {"xkey": " ", "Surrogate-Key": " ", "Cache-Tag": ","}
# Keys sent in one purge request, so its header stays well under Varnish's
# 8 KB limit; a purge storm (a tag on 5,000 stories renamed) is one key anyway.
KEYS_PER_REQUEST = 500
# A purge waits this long for more keys to send with it.
BATCH_SECONDS = 0.05


def surrogate_header():
    """The configured header's name, or None."""
    name = settings.NEWSROOM_SURROGATE_HEADER
    if not name:
        return None
    if name not in SURROGATE_HEADERS:
        raise ImproperlyConfigured(
            f"NEWSROOM_SURROGATE_HEADER must be one of "
            f"{', '.join(SURROGATE_HEADERS)} or empty, not {name!r}."
        )
    return name


def tag_response(response, keys):
    """Write the page's keys into the configured header (none: nothing)."""
    name = surrogate_header()
    if name:
        response[name] = SURROGATE_HEADERS[name].join(sorted(keys))


def mark_keepable(response, seconds_left):
    """With a purge target, let the edge keep the page for up to
    NEWSROOM_EDGE_MAX_AGE (Surrogate-Control, which Varnish's file and Fastly
    read and readers never see), never past the next scheduled change: it is
    told of every other change. Browsers keep to the page's max-age."""
    if not settings.NEWSROOM_PURGE_URL:
        return
    seconds = int(max(0, min(settings.NEWSROOM_EDGE_MAX_AGE, seconds_left)))
    response["Surrogate-Control"] = f"max-age={seconds}"


class PurgeFailed(Exception):
    pass


class Purger(abc.ABC):
    """Tells an edge to drop whatever depends on some keys (a CDN's purge API
    is another subclass, named by NEWSROOM_PURGER)."""

    def __init__(self, url, timeout=2.0):
        self.url = url
        self.timeout = timeout

    @abc.abstractmethod
    def purge(self, keys):
        """Purge `keys` (a list), raising PurgeFailed if the edge refused or
        could not be reached."""


class VarnishPurger(Purger):
    """`PURGE` with the keys in `xkey-purge`, as deploy/varnish.vcl expects:
    Varnish keeps the purged pages in grace, serving them while one request
    fetches the new page."""

    def purge(self, keys):
        target = urllib.parse.urlsplit(self.url)
        if target.scheme not in ("http", "https") or not target.hostname:
            raise PurgeFailed(f"not an http(s) address: {self.url}")
        connection_class = (
            http.client.HTTPSConnection
            if target.scheme == "https"
            else http.client.HTTPConnection
        )
        for start in range(0, len(keys), KEYS_PER_REQUEST):
            batch = keys[start : start + KEYS_PER_REQUEST]
            connection = connection_class(
                target.hostname, target.port, timeout=self.timeout
            )
            try:
                connection.request(
                    "PURGE", target.path or "/", headers={"xkey-purge": " ".join(batch)}
                )
                response = connection.getresponse()
                response.read()
            except OSError as error:
                raise PurgeFailed(str(error)) from error
            finally:
                connection.close()
            if response.status != 200:
                raise PurgeFailed(f"answered {response.status} {response.reason}")


class Purges:
    """One thread per process sending purges in batches, in order."""

    def __init__(self, purger):
        self.purger = purger
        self.waiting = queue.Queue()
        self.failing = False
        self.lock = threading.Lock()
        self.thread = None
        # A command that saved something (a management command, a shell) may
        # end right after: its purges are sent first.
        atexit.register(self.flush, 2.0)

    def submit(self, keys):
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(
                    target=self._run, name="newsroom-purges", daemon=True
                )
                self.thread.start()
        self.waiting.put(list(keys))

    def flush(self, timeout=5.0):
        """Wait until every submitted purge was sent (or dropped)."""
        done = threading.Event()
        self.waiting.put(done)
        if self.thread is not None and self.thread.is_alive():
            done.wait(timeout)

    def _run(self):
        while True:
            item = self.waiting.get()
            keys, events = set(), []
            while True:
                if isinstance(item, threading.Event):
                    events.append(item)
                else:
                    keys.update(item)
                try:
                    item = self.waiting.get(timeout=BATCH_SECONDS)
                except queue.Empty:
                    break
            if keys:
                self._send(sorted(keys))
            for event in events:
                event.set()

    def _send(self, keys):
        try:
            self.purger.purge(keys)
        except Exception as error:  # noqa: BLE001 (a purge must never stop the thread)
            if not self.failing:
                logger.warning(
                    "Purging the edge at %s failed (%s); pages there live out "
                    "their max-age until it answers again.",
                    self.purger.url,
                    error,
                )
            self.failing = True
            return
        if self.failing:
            logger.warning("The edge at %s answers purges again.", self.purger.url)
        self.failing = False


_purges = None
_purges_lock = threading.Lock()


def purges():
    """This process's Purges, or None when no purge target is set."""
    global _purges
    url = settings.NEWSROOM_PURGE_URL
    if not url:
        return None
    with _purges_lock:
        if _purges is None or _purges.purger.url != url:
            purger_class = import_string(settings.NEWSROOM_PURGER)
            _purges = Purges(purger_class(url))
        return _purges


def purge(keys):
    """Tell the edge to drop what depends on `keys`, without waiting for it."""
    sender = purges()
    if sender is not None:
        sender.submit(keys)
