"""Counting prompt impressions and clicks without tracking anyone.

A count is a day's counter going up by one: no reader identifier, address or
user agent is stored. Addresses are used only to rate-limit, as a keyed hash
in the cache that expires within the minute.
"""

import hashlib
import hmac
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from articles.models import PromptDailyStat
from articles.serving.clients import client_ip

RATE_WINDOW_SECONDS = 60

# Crawlers, link previewers, monitors and scripted clients: none of them is a reader.
BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|archiver|preview|facebookexternalhit|embedly|"
    r"headless|lighthouse|pingdom|monitor|curl|wget|python-|httpclient|"
    r"go-http|java/|okhttp|libwww|scrapy|feedfetcher|validator",
    re.IGNORECASE,
)


def is_bot(request):
    agent = request.headers.get("User-Agent", "")
    return not agent or bool(BOT_PATTERN.search(agent))


def is_prefetch(request):
    """A speculative load (link prefetch or prerender), not a reader's action."""
    for header in ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz"):
        value = request.headers.get(header, "").lower()
        if "prefetch" in value or "preview" in value:
            return True
    return False


def within_rate_limit(request, bucket):
    """Whether this client may be counted once more in this minute's window."""
    limit = settings.NEWSROOM_PROMPT_RATE_LIMIT
    if limit == 0:
        return True
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        (client_ip(request) or "").encode(),
        hashlib.sha256,
    ).hexdigest()[:24]
    window = int(time.time() // RATE_WINDOW_SECONDS)
    key = f"prompts:rate:{bucket}:{window}:{digest}"
    cache.add(key, 0, RATE_WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW_SECONDS + 5)
        count = 1
    return count <= limit


def countable(request, bucket):
    """Whether a request is a reader's own, within the limits, and may be counted."""
    return (
        not is_bot(request)
        and not is_prefetch(request)
        and within_rate_limit(request, bucket)
    )


def prompt_stat_increment(*, prompt_id, variant_id=None, field):
    """Add one to today's impressions or clicks of a prompt (or one variant)."""
    row = PromptDailyStat.objects.filter(
        prompt_id=prompt_id, variant_id=variant_id, day=timezone.localdate()
    )
    if row.update(**{field: F(field) + 1}):
        return
    try:
        with transaction.atomic():
            PromptDailyStat.objects.create(
                prompt_id=prompt_id,
                variant_id=variant_id,
                day=timezone.localdate(),
                **{field: 1},
            )
    except IntegrityError:
        # Another request created today's row first.
        row.update(**{field: F(field) + 1})
