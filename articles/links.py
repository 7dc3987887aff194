"""reverse(), remembered, for the links every page prints many times over.

A story page links some thirty times (sections, bylines, tags, related
stories, the site's own pages) and each reverse() walks the URL patterns
anew. The patterns never change while a process runs, so the answer for a
name and its arguments is kept, beside the script prefix it depends on.
"""

import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse
from django.utils import translation

# Enough for every section, author and tag and the stories readers are on.
REMEMBERED = 20_000


@functools.lru_cache(maxsize=REMEMBERED)
def _reverse(script_prefix, language, viewname, args):
    with translation.override(language):
        return reverse(viewname, args=args)


# Views that are one for the whole site, at their unprefixed address whatever
# edition links to them: the API, previews, the prompt counters (articles/urls.py).
NEUTRAL = set()


def url_for(viewname, *args):
    """reverse(viewname, args=args), from memory after the first time: in the
    active edition (articles.editions), or unprefixed for a neutral view."""
    language = (
        settings.LANGUAGE_CODE if viewname in NEUTRAL else translation.get_language()
    )
    return _reverse(get_script_prefix(), language, viewname, args)


def url_in(language, viewname, *args):
    """url_for in the edition of `language`, whichever is active."""
    return _reverse(get_script_prefix(), language, viewname, args)


@receiver(setting_changed)
def _forget(setting, **kwargs):
    # Tests swap URL configurations; nothing else changes them.
    if setting in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE"):
        _reverse.cache_clear()


def admin_origin(request) -> str:
    """Where links in staff emails point: NEWSROOM_ADMIN_ORIGIN, or the address
    the request came to (its host is one of ALLOWED_HOSTS)."""
    return settings.NEWSROOM_ADMIN_ORIGIN or request.build_absolute_uri("/")[:-1]
