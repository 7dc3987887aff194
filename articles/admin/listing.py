"""The story list at the archive's scale: what each view of it costs stays the
same at a thousand stories and at a million.

- ArchivePaginator counts at most COUNTED matching stories; past that,
  PostgreSQL's planner says about how many there are (no COUNT(*) of the
  whole table on every view), and the list says "about".
- The tag and author filters offer the few most used in recent stories and a
  box to type any other by name or address, never a list of every row.
- The date links run from the archive's first year to its last, read from the
  ends of an index, not from every story's date.
- The search goes through the search documents (articles.search), whose
  PostgreSQL index finds words without reading the stories' bodies, and finds a
  story by its address or number.

For ArticleAdmin (stories.py); nothing else imports it.
"""

import calendar
import json
from contextlib import contextmanager
from datetime import date

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Max, Min, Q
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from articles import search as story_search
from articles.models import Article, Author, Tag
from articles.planner import SERIAL, planner_settings
from articles.search.query import most_used, rows_named

# Stories counted one by one; past this the planner's estimate stands in.
COUNTED = 1000
# Filters offer the rows most used in this many of the newest stories.
RECENT = 500
MOST_USED = 10
TYPED_MAX = 100
# Rows an address or number names when searched (a slug is unique: one).
NAMED = 10
# Set on a connection while index_scans_only holds.
SCANS_FLAG = "newsroom_index_scans_only"


@contextmanager
def index_scans_only(using):
    """Keep PostgreSQL from reading every search document in turn, or starting
    parallel workers, while the list's queries run (as articles.search does
    for readers' searches).

    The documents' table is narrow, its vectors stored out of line, so the
    planner thinks scanning it cheap; it does not count reading each vector,
    hundreds of times what the GIN index costs. A word it has no statistics
    for it expects in some 20,000 stories at a million, and started workers
    to sort them: 9 ms for a search that found none in 0.3 ms. The settings
    last until the block ends, and are put back as they were; a block within
    one does nothing."""
    connection = connections[using]
    if getattr(connection, SCANS_FLAG, False):
        yield
        return
    setattr(connection, SCANS_FLAG, True)
    try:
        with planner_settings(using, enable_seqscan="off", **SERIAL):
            yield
    finally:
        setattr(connection, SCANS_FLAG, False)


class ArchivePaginator(Paginator):
    """Pages of stories counted at most COUNTED deep, each read at once: the
    story list's and the story autocomplete's (translation_of)."""

    is_estimate = False

    @cached_property
    def count(self):
        stories = self.object_list.order_by()
        with index_scans_only(stories.db):
            counted = stories[: COUNTED + 1].count()
            if counted <= COUNTED:
                return counted
            if not story_search.is_postgresql(stories.db):
                return stories.count()  # SQLite holds demo archives, not millions
            self.is_estimate = True
            return max(counted, planned_rows(stories))

    def page(self, number):
        page = super().page(number)
        with index_scans_only(self.object_list.db):
            page.object_list = list(page.object_list)
        return page


def planned_rows(queryset):
    """How many rows PostgreSQL's statistics expect `queryset` to give (from
    pg_class.reltuples and the columns' statistics, reading no rows)."""
    plan = queryset.explain(format="json")
    return round(json.loads(plan)[0]["Plan"]["Plan Rows"])


def recent_stories():
    """The newest stories in any state, by the list's own index."""
    return Article.objects.order_by("-published_at", "-created_at", "-pk").values("pk")[
        :RECENT
    ]


def printable(text):
    """What an editor typed into a filter box, without control characters
    (PostgreSQL refuses NUL) or extra spaces."""
    text = "".join(c if c.isprintable() else " " for c in text[:TYPED_MAX])
    return " ".join(text.split())


class TypedListFilter(admin.SimpleListFilter):
    """A filter by a row of a table that may hold thousands (tags, authors):
    the MOST_USED in recent stories as links, and a box for any other, named
    as the editor knows it (name in any script and case, or address).
    A subclass names the `model` and its `links` to stories (the reverse name
    of TaggedArticle's or Byline's key to it)."""

    template = "admin/articles/article/typed_filter.html"
    model = None
    links = ""

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        if self.value() is not None:
            self.used_parameters[self.parameter_name] = printable(self.value())
        # The box's form sends the list's other choices along unchanged.
        self.kept = [
            (name, value)
            for name, values in request.GET.lists()
            for value in values
            if name not in {self.parameter_name, "p", "e"}
        ]

    @property
    def _link(self):
        """The link model (a StoryLink), and the name of its key to the row."""
        relation = self.model._meta.get_field(self.links)
        return relation.related_model, relation.field.name

    def stories_of(self, rows):
        link, owner = self._link
        return link.objects.filter(**{f"{owner}__in": rows}).values(link.story_field)

    def lookups(self, request, model_admin):
        used = most_used(self.model, self.links, recent_stories(), MOST_USED)
        choices = [(row.slug, row.name) for row in used]
        typed = self.value()
        if typed and typed not in {slug for slug, _name in choices}:
            choices.append((typed, typed))
        return choices

    def has_output(self):
        return True  # the box, even before any story is tagged

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        rows = rows_named(self.model.objects.all(), self.value())
        return queryset.filter(pk__in=self.stories_of(rows))


class TagListFilter(TypedListFilter):
    title = _("tags")
    parameter_name = "tag"
    model = Tag
    links = "tagged_articles"


class AuthorListFilter(TypedListFilter):
    title = _("author")
    parameter_name = "author"
    model = Author
    links = "bylines"


# The date links.


def archive_dates(cl):
    """The date links above the list (what Django's date_hierarchy tag gives),
    from the archive's first and last publication times alone: its years, a
    year's months, a month's days."""
    field = cl.date_hierarchy
    names = [f"{field}__year", f"{field}__month", f"{field}__day"]
    try:
        chosen = [int(cl.params[name]) for name in names if cl.params.get(name)]
        day = date(*chosen, *[1] * (3 - len(chosen))) if chosen else None
    except (TypeError, ValueError, OverflowError):
        return {"show": False}

    def link(*parts):
        return cl.get_query_string(
            dict(zip(names, parts, strict=False)), [f"{field}__"]
        )

    def shown(when, format_name):
        return capfirst(formats.date_format(when, format_name))

    if len(chosen) == 3:
        back = {"link": link(*chosen[:2]), "title": shown(day, "YEAR_MONTH_FORMAT")}
        choices = [{"title": shown(day, "MONTH_DAY_FORMAT")}]
    elif len(chosen) == 2:
        back = {"link": link(chosen[0]), "title": str(chosen[0])}
        days = range(1, calendar.monthrange(day.year, day.month)[1] + 1)
        choices = [
            {
                "link": link(*chosen, d),
                "title": shown(day.replace(day=d), "MONTH_DAY_FORMAT"),
            }
            for d in days
        ]
    elif chosen:
        back = {"link": link(), "title": _("All dates")}
        choices = [
            {
                "link": link(day.year, m),
                "title": shown(day.replace(month=m), "YEAR_MONTH_FORMAT"),
            }
            for m in range(1, 13)
        ]
    else:
        back, years = None, _archive_years(cl.model, field)
        choices = [{"link": link(str(y)), "title": str(y)} for y in years]
    return {"show": bool(choices), "back": back, "choices": choices}


def _archive_years(model, field):
    """Every year from the archive's first `field` time to its last: two reads
    at the ends of the list's index, whatever the list is filtered by."""
    ends = model.objects.aggregate(first=Min(field), last=Max(field))
    if ends["first"] is None:
        return []
    first, last = (timezone.localtime(ends[end]).year for end in ("first", "last"))
    return range(first, last + 1)


# The search.


def story_search_results(queryset, search_term):
    """The stories of `queryset` whose search document holds every word of
    `search_term`, or whose address or number it is; None when it has no
    words (Django's own search over the short fields takes over)."""
    term = search_term.strip()
    documents = story_search.documents_matching(term, queryset.db)
    if documents is None:
        return None
    named = _named_ids(term, queryset.db)
    matching = documents.values("article_id")
    if named:
        # The documents' words, or a story named: one index scan each, OR'ed as
        # bitmaps on the documents' table (an OR with the stories' table would
        # read every story).
        named_documents = documents.model.objects.using(queryset.db)
        matching = documents | named_documents.filter(article_id__in=named)
        matching = matching.values("article_id")
    return queryset.filter(pk__in=matching)


def _named_ids(term, using):
    """Stories `term` names: by address (a pasted link's last part too) or number."""
    address = term.rstrip("/").rsplit("/", 1)[-1]
    named = Q(slug=address)
    if term.isascii() and term.isdigit() and len(term) < 19:
        named |= Q(pk=int(term))
    stories = Article.objects.using(using).filter(named)
    return list(stories.values_list("pk", flat=True)[:NAMED])


class StoryChangeList(ChangeList):
    """The story list: its stories read with index scans only, and date links
    that read no story's date but two."""

    def get_results(self, request):
        with index_scans_only(self.queryset.db):
            super().get_results(request)
            # A single page is the whole queryset, otherwise read as drawn.
            self.result_list = list(self.result_list)

    @cached_property
    def archive_dates(self):
        return archive_dates(self)
