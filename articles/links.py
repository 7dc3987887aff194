"""reverse(), remembered, for the links every page prints many times over.

A story page links some thirty times (sections, bylines, tags, related
stories, the site's own pages) and each reverse() walks the URL patterns
anew. The patterns never change while a process runs, so the answer for a
name and its arguments is kept, beside the script prefix it depends on.
"""

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse

# Enough for every section, author and tag and the stories readers are on.
REMEMBERED = 20_000


@functools.lru_cache(maxsize=REMEMBERED)
def _reverse(script_prefix, viewname, args):
    return reverse(viewname, args=args)


def url_for(viewname, *args):
    """reverse(viewname, args=args), from memory after the first time."""
    return _reverse(get_script_prefix(), viewname, args)


@receiver(setting_changed)
def _forget(setting, **kwargs):
    # Tests swap URL configurations; nothing else changes them.
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()
