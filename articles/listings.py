"""The section, tag and author listings, and their archives by year and month.

A listing has numbered pages as far as paging.NUMBERED_PAGES; its archive
(/section/news/2024/, /section/news/2024/03/) reaches every older story at
a cost that does not grow with the archive (articles.paging says how; tags
and authors read their stories' times from taggings and bylines: Listing says
why). Every page here shows the owner's list of stories and depends on its
key. Only urls imports this, and feeds (for Listing.stories).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from operator import attrgetter

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext

from articles import editions, paging, seo
from articles.context_processors import section_description, section_name
from articles.links import url_for
from articles.models import Article, Author, Section, Tag
from articles.planner import serial
from articles.serving.dependencies import (
    author_stories,
    depend_on,
    section_stories,
    tag_stories,
)
from articles.views import _site


@dataclass(frozen=True)
class Listing:
    """What tells the section, tag and author listings apart.

    A story names its section itself, and its section's stories are read from
    the story's own publication time. Tags and authors are named by link rows
    (taggings, bylines) that carry their story's publication time
    (articles.models.tags): their listings read that time, from an index on
    the owner and the time, so that a tag's or author's page, year or month
    costs the same however many stories it has. The rows carry their story's
    language as well, and the index is on the owner, the language and the
    time: find() learns which languages of the edition the owner has stories
    in (a probe of the index per language it writes in), and the listing reads
    each one's range, never the rows of other editions (a Russian tag's
    thousands, on its English page). The stored time and language narrow,
    published() and in_edition() decide.
    """

    name: str  # its URL names: section, section-year, section-month
    field: str  # how a story, or its link row, names its owner
    key: Callable  # the page cache's key of the owner's stories
    owners: Callable  # the owners, with what their pages show of them
    named: Callable = attrgetter("name")
    link: str = ""  # the story's link rows naming the owner, if any

    def stories(self, owner, start=None, end=None):
        """The owner's stories in the request's edition, newest first; those
        published from `start` to before `end` if given."""
        stories = Article.objects.published().in_edition()
        on = f"{self.link}__" if self.link else ""  # the story's or its link's
        period = Q()
        if start is not None:
            period = Q(
                **{f"{on}published_at__gte": start, f"{on}published_at__lt": end}
            )
        if not self.link:
            return stories.filter(period, **{self.field: owner})
        if not owner.languages:
            return stories.none()
        # The rows of the owner's languages in this edition: with one language,
        # the commonest case, a single range of the index, newest first.
        here = Q(**{f"{on}language__in": owner.languages})
        return stories.linked_to(self.link, owner, here & period)

    def times(self, owner, languages=None):
        """Rows whose `published_at` is that of each of the owner's stories in
        the request's edition (`owner` may be an OuterRef, with `languages`
        its languages there): what the archive's years, months and bounds are
        read from (articles.paging)."""
        if not self.link:
            return self.stories(owner)
        # The rows' own copy of the language picks the edition; published()
        # decides over a stale time (a story unpublished by an update()).
        stories = Article.objects.published().order_by()
        relation = Article._meta.get_field(self.link)
        return relation.related_model.objects.naming(**{self.field: owner}).filter(
            language__in=owner.languages if languages is None else languages,
            **{f"{relation.field.name}__in": stories},
        )

    def find(self, slug):
        """The owner at `slug`, with the times of its first and last stories,
        and for a tag or author the languages of the edition it has stories in
        (`languages`)."""
        owners = self.owners()
        languages = None
        if self.link:
            rows = Article._meta.get_field(self.link).related_model.objects
            key = Subquery(owners.filter(slug=slug).values("pk"))
            languages = rows.naming(**{self.field: key}).languages_in(editions.active())
        times = self.times(OuterRef("pk"), languages)
        owner = get_object_or_404(paging.with_bounds(owners, times), slug=slug)
        owner.languages = languages
        depend_on(self.key(owner.pk))
        return owner

    def url(self, owner, *when):
        """The listing's address, or its archive's for a year, or a year and month."""
        suffix = ("", "-year", "-month")[len(when)]
        return url_for(f"articles:{self.name}{suffix}", owner.slug, *when)


SECTIONS = Listing(
    "section", "section", section_stories, lambda: Section.objects, section_name
)
TAGS = Listing("tag", "tag", tag_stories, lambda: Tag.objects, link="tagged_items")
AUTHORS = Listing(
    "author",
    "author",
    author_stories,
    lambda: Author.objects.select_related("photo"),
    link="bylines",
)


@paging.cached_by(paging.PAGE)
@serial
def section(request, slug):
    section = SECTIONS.find(slug)
    return _listing(
        request,
        SECTIONS,
        section,
        lambda path: seo.for_section(
            _site(request),
            name=section_name(section),
            summary=section_description(section),
            path=path,
        ),
    )


@paging.cached_by(paging.PAGE)
@serial
def tag(request, slug):
    tag = TAGS.find(slug)
    return _listing(
        request,
        TAGS,
        tag,
        lambda path: seo.for_tag(_site(request), name=tag.name, path=path),
    )


@paging.cached_by(paging.PAGE)
@serial
def author(request, slug):
    author = AUTHORS.find(slug)
    return _listing(
        request,
        AUTHORS,
        author,
        lambda path: seo.for_author(_site(request), author, path=path),
    )


def _listing(request, listing, owner, describe):
    """A numbered page of a listing; past the last one of a listing with more
    stories, a 404 pointing to its archive (paging.NUMBERED_PAGES says why
    not a redirect)."""
    number = _page_number(request)
    stories = listing.stories(owner).for_listing()
    if owner.last_story is None:
        # Nothing in this edition (find() read the bounds): neither count nor
        # read, which for a tag of another edition's thousands costs a walk.
        stories = stories.none()
    pages = paging.NumberedPaginator(stories, settings.NEWSROOM_PAGE_SIZE)
    if number > paging.NUMBERED_PAGES and pages.is_capped:
        return _past_numbered_pages(request, listing, owner)
    try:
        page = pages.page(number)
    except EmptyPage:
        raise Http404("This listing has fewer pages.") from None
    page.object_list = list(page.object_list)
    if number == paging.NUMBERED_PAGES and page.has_next():
        # Older stories go on in the archive, from the last one shown's month.
        last = paging.local(page.object_list[-1].published_at)
        page.older_url = listing.url(owner, last.year, last.month)
    context = {
        listing.name: owner,
        "page": page,
        "stories": page.object_list,
        "archive_years": _year_links(listing, owner),
        "seo": describe(seo.listing_path(listing.url(owner), page.number)),
    }
    return render(request, f"articles/{listing.name}.html", context)


def _page_number(request):
    number = paging.page_number(request.GET.get(paging.PAGE))
    if number is None:
        raise Http404("Pages are numbered 1, 2, 3…")
    return number


def _past_numbered_pages(request, listing, owner):
    context = {
        listing.name: owner,
        "name": listing.named(owner),
        "listing_url": listing.url(owner),
        "numbered_pages": paging.NUMBERED_PAGES,
        "archive_years": _year_links(listing, owner),
    }
    return render(request, "articles/archive_pointer.html", context, status=404)


def _year_links(listing, owner, current=None):
    years = paging.years(owner, listing.times(owner))
    return [(year, listing.url(owner, year), year == current) for year in years]


def _has_stories_in(owner, year):
    return owner.first_story is not None and (
        paging.local(owner.first_story).year
        <= year
        <= paging.local(owner.last_story).year
    )


@paging.cached_by()
def section_year(request, slug, year):
    return _archive_year(request, SECTIONS, slug, year)


@paging.cached_by()
def tag_year(request, slug, year):
    return _archive_year(request, TAGS, slug, year)


@paging.cached_by()
def author_year(request, slug, year):
    return _archive_year(request, AUTHORS, slug, year)


@paging.cached_by(paging.PAGE)
def section_month(request, slug, year, month):
    return _archive_month(request, SECTIONS, slug, year, month)


@paging.cached_by(paging.PAGE)
def tag_month(request, slug, year, month):
    return _archive_month(request, TAGS, slug, year, month)


@paging.cached_by(paging.PAGE)
def author_month(request, slug, year, month):
    return _archive_month(request, AUTHORS, slug, year, month)


@serial
def _archive_year(request, listing, slug, year):
    """The months of one year with stories in a listing."""
    owner = listing.find(slug)
    found = []
    if _has_stories_in(owner, year):
        found = paging.months(owner, listing.times(owner), year)
    if not found:
        raise Http404("This listing has no stories from that year.")
    name = listing.named(owner)
    # Translators: an archive page's title: a section, topic or author's name
    # and a year ("News, 2024").
    headline = pgettext("archive", "%(listing)s, %(year)s")
    return render(
        request,
        "articles/archive_year.html",
        {
            listing.name: owner,
            "name": name,
            "year": year,
            "listing_url": listing.url(owner),
            "months": [(m, listing.url(owner, year, m.month)) for m in found],
            "archive_years": _year_links(listing, owner, current=year),
            "seo": _archive_seo(
                request,
                headline % {"listing": name, "year": year},
                listing.url(owner, year),
            ),
        },
    )


@serial
def _archive_month(request, listing, slug, year, month):
    """One month's stories in a listing, paginated within the month."""
    owner = listing.find(slug)
    if not _has_stories_in(owner, year):
        raise Http404("This listing has no stories from that year.")
    span = paging.month_span(year, month)
    month_stories = listing.stories(owner, *span).for_listing()
    pages = Paginator(
        month_stories, settings.NEWSROOM_PAGE_SIZE, allow_empty_first_page=False
    )
    try:
        page = pages.page(_page_number(request))
    except EmptyPage:
        raise Http404("This listing has no stories there.") from None
    earlier, later = paging.neighbours(owner, listing.times(owner), year, month)
    name = listing.named(owner)
    when = date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")
    # Translators: an archive page's title: a section, topic or author's name
    # and a month ("News, March 2024").
    headline = pgettext("archive", "%(listing)s, %(month)s")
    path = listing.url(owner, year, month)
    return _listing_page(
        request,
        "articles/archive_month.html",
        page,
        **{listing.name: owner},
        name=name,
        month=date(year, month, 1),
        listing_url=listing.url(owner),
        year_url=listing.url(owner, year),
        earlier=earlier and (earlier, listing.url(owner, earlier.year, earlier.month)),
        later=later and (later, listing.url(owner, later.year, later.month)),
        seo=_archive_seo(
            request,
            headline % {"listing": name, "month": when},
            seo.listing_path(path, page.number),
        ),
    )


def _listing_page(request, template, page, **context):
    return render(
        request, template, {"page": page, "stories": page.object_list, **context}
    )


def _archive_seo(request, headline, path):
    site = _site(request)
    # Translators: an archive page's summary in search results: its title
    # ("News, March 2024") and the site's name.
    summary = gettext("Stories of %(archive)s, from %(site)s.")
    return seo.for_page(
        site,
        headline=headline,
        summary=summary % {"archive": headline, "site": site.name},
        path=path,
    )
