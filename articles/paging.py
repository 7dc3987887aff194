"""Which page of a listing a reader asked for, and what a page is cached by.

Views and the page cache (articles.serving.pages) both read this: a view names
the query parameters its page changes with (`cached_by`), and a page number
is only ever written one way, so every address the cache may keep is one a
view really answers, and anything else is rendered afresh or refused.

A section's, tag's or author's listing has numbered pages only as far as
NUMBERED_PAGES; older stories are read by year and month in its archive
(/section/news/2024/03/), whose pages cost the same however large the
archive grows: every query here is bounded by a month's stories, or is an
index probe (the first story, whether a year has any), never a count or an
OFFSET over the whole archive. Views read this; it imports no model.
"""

import re
from datetime import date, datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Subquery
from django.db.models.expressions import RawSQL
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.functional import cached_property

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


# A listing's numbered pages stop here. A deeper page would be an OFFSET past
# hundreds of stories, its cost growing with the archive. Its number names no
# stable set of stories either (each story published shifts them all), so a
# deeper address is not redirected to a month, which would take that OFFSET to
# find and change as stories are published: it is a 404 whose page lists the
# archive's years, and tells crawlers to forget the address. The last numbered
# page's "older stories" link goes on to the archive month of its last story.
NUMBERED_PAGES = 20


class NumberedPaginator(Paginator):
    """A listing's numbered pages, counted no further than they go: the count
    costs the same with a hundred stories or a million."""

    @cached_property
    def count(self):
        return self.object_list[: self.per_page * NUMBERED_PAGES + 1].count()

    @property
    def is_capped(self):
        """Whether the listing has older stories than its numbered pages show."""
        return self.count > self.per_page * NUMBERED_PAGES


class YearConverter:
    """A year in an archive address: four digits, 1000 to 2999, one spelling."""

    regex = "[12][0-9]{3}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


class MonthConverter:
    """A month in an archive address: 01 to 12, always two digits."""

    regex = "0[1-9]|1[0-2]"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


def local(moment):
    """The calendar month (its first day) of a moment, in the site's time."""
    moment = timezone.localtime(moment)
    return date(moment.year, moment.month, 1)


def month_span(year, month=None):
    """The first moment of a month (or a whole year) in the site's time, and
    the first moment after it: a range an index on published_at can seek."""
    zone = timezone.get_current_timezone()
    if month is None:
        return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)
    start = datetime(year, month, 1, tzinfo=zone)
    return start, datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)


def with_bounds(owners, stories):
    """`owners` (sections, tags or authors) with the publication times of the
    first and last of `stories`, which name their owner by OuterRef("pk"):
    two index probes in the owner's own query."""
    times = stories.order_by().values("published_at")
    return owners.annotate(
        first_story=Subquery(times.order_by("published_at")[:1]),
        last_story=Subquery(times.order_by("-published_at")[:1]),
    )


def _on_row(owner, **expressions):
    """Evaluate `expressions` in one query on the owner's row."""
    row = type(owner)._default_manager.filter(pk=owner.pk).values(**expressions)
    return row.first() or dict.fromkeys(expressions)


def _holding(stories, spans):
    """The positions in `spans` ([(start, end)], moments) of those in which any
    of `stories` was published: one query, each span one probe of an index.

    The spans are a list of values the stories' query is asked of (a common
    table), so that query is built and compiled once, not once a span: for
    the nine years of a listing, that was most of the time its years took.
    Asked in the select list, not the WHERE clause, where PostgreSQL would
    join the spans to every story of the range at once.
    """
    if not spans:
        return set()
    connection = connections[stories.db]
    within = stories.order_by().filter(
        published_at__gte=RawSQL("spans.starts", ()),
        published_at__lt=RawSQL("spans.ends", ()),
    )
    sql, params = within.values("pk").query.get_compiler(stories.db).as_sql()
    adapt = connection.ops.adapt_datetimefield_value
    values = [
        value
        for position, (start, end) in enumerate(spans)
        for value in (position, adapt(start), adapt(end))
    ]
    rows = ", ".join(["(%s, %s, %s)"] * len(spans))
    with connection.cursor() as cursor:
        cursor.execute(
            # Compiled queries and placeholders, the values passed apart.
            f"WITH spans(position, starts, ends) AS (VALUES {rows})"  # noqa: S608
            f" SELECT position, EXISTS ({sql}) FROM spans",
            (*values, *params),
        )
        return {position for position, held in cursor.fetchall() if held}


def years(owner, stories):
    """The years with any of `stories` (the owner's, from with_bounds), newest
    first. The first and last are known; each year between is one probe of an
    index, all in one query, never a GROUP BY over the archive."""
    if owner.first_story is None:
        return []
    first, last = local(owner.first_story).year, local(owner.last_story).year
    between = range(first + 1, last)
    held = _holding(stories, [month_span(year) for year in between])
    found = {year for position, year in enumerate(between) if position in held}
    return [
        year
        for year in range(last, first - 1, -1)
        if year in (first, last) or year in found
    ]


def months(owner, stories, year):
    """The months of `year` with any of `stories`, as their first days, in
    calendar order: twelve index probes in one query."""
    held = _holding(stories, [month_span(year, month) for month in range(1, 13)])
    return [date(year, month, 1) for month in range(1, 13) if month - 1 in held]


def neighbours(owner, stories, year, month):
    """The months before and after (year, month) that have any of `stories`,
    as their first days (None where there is none): two index probes."""
    start, end = month_span(year, month)
    times = stories.order_by().values("published_at")
    found = _on_row(
        owner,
        earlier=Subquery(
            times.filter(published_at__lt=start).order_by("-published_at")[:1]
        ),
        later=Subquery(
            times.filter(published_at__gte=end).order_by("published_at")[:1]
        ),
    )
    return tuple(
        local(found[name]) if found[name] else None for name in ("earlier", "later")
    )
