"""Which page of a listing a reader asked for, and what a page is cached by.

Views and the page cache (articles.serving.pages) both read this: a view names
the query parameters its page changes with (`cached_by`), and a page number
is only ever written one way, so every address the cache may keep is one a
view really answers, and anything else is rendered afresh or refused.
"""

import re

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import translation

PAGE = "page"
# "2", never "02", "+2", " 2" or "٢": one address per page of a listing.
_PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,8}")


def page_number(value):
    """The page number `value` writes, or None if it writes none (1 for no value)."""
    if value is None:
        return 1
    return int(value) if _PAGE_NUMBER.fullmatch(value) else None


def cached_by(*parameters):
    """Mark a view whose page changes with these query parameters, and with no
    other: the page cache keys pages on them alone."""

    def mark(view):
        view.cache_parameters = frozenset(parameters)
        return view

    return mark


def cache_parameters(path):
    """The query parameters the page at `path` is cached by (none by default)."""
    # An edition's address resolves in its language (articles.editions), and
    # the page cache may ask before any language is active.
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            view = resolve(path).func
    except Resolver404:
        return frozenset()
    return getattr(view, "cache_parameters", frozenset())
