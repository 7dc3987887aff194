"""Parts of pages kept in the cache on their own, aged like pages.

A part (a story's related block, say) is kept with the versions of the keys
of what it shows, recorded while it renders (serving.dependencies), so it is
out of date exactly when a page showing the same things would be: keeping it
needs no rule of its own. A page whose own story changed renders again, but
takes its unchanged parts from here.

Parts are kept only while a page for anonymous readers is recording what it
shows; staff pages and previews render every part. The template tag is
`{% kept_part %}` (articles.templatetags.newsroom).
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from . import dependencies
from .invalidation import rendered_after_purges, version_key, versions_of

PART_PREFIX = "pages:part:v1:"


def part_key(name, *parts):
    """The cache key of a part: its name, what tells its copies apart, and the
    language it is rendered in."""
    named = ":".join([name, translation.get_language() or "", *map(str, parts)])
    return PART_PREFIX + hashlib.sha256(named.encode()).hexdigest()


def kept(name, *parts, render, seconds=None):
    """The part's HTML, from the cache while what it shows is unchanged, else
    from `render()`. It is kept at most `seconds` (a page's lifetime,
    NEWSROOM_PAGE_CACHE_SECONDS, by default): a part drawn from a list it does
    not depend on (the related block from its tags' stories) takes in the
    list's new rows when that runs out."""
    if not dependencies.is_recording() or settings.NEWSROOM_PAGE_CACHE_SECONDS <= 0:
        return render()
    key = part_key(name, *parts)
    found = cache.get(key)
    if found is not None:
        versions, html = found
        current = cache.get_many([version_key(k) for k in versions])
        if all(current.get(version_key(k)) == v for k, v in versions.items()):
            dependencies.depend_on(*versions)
            return html
    started = time.time()
    with dependencies.recording() as shown:
        html = render()
    versions = versions_of(dependencies.collapsed(shown))
    if rendered_after_purges(versions, started):
        lifetime = seconds or settings.NEWSROOM_PAGE_CACHE_SECONDS
        cache.set(key, (versions, html), lifetime)
    return html
