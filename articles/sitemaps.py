"""What crawlers read: each edition's sitemap index, of its home and support
pages, its sections, tags and authors, and its stories month by month (with
their lead pictures and translations: articles.sitemap_months); its Google
News sitemap; robots.txt naming them.

Every document served here is valid against the sitemaps.org schemas and the
extensions it uses (tests/schemas/). A urlset must hold at least one address,
so a sitemap with nothing to list is neither served (404) nor named: not in
the index of parts, nor in robots.txt.

/sitemap.xml is always an index: its parts are kept by the page cache one by
one, and a month's part stays as it is when a story is published in another;
so does a part of the tags or authors none of whose own stories changed
(articles.sitemap_lists). The index reads the months and the parts from
their summary (articles.models.sitemap), not from the stories: a row for
each, whatever the size of the archive.
"""

import re
from datetime import timedelta
from xml.sax.saxutils import escape

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from articles import editions, paging, sitemap_lists, sitemap_months
from articles.links import url_for, url_in
from articles.models import Article
from articles.serving.dependencies import LATEST, depend_on

NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000  # Google News reads at most this many per sitemap
TEMPLATE = "sitemaps/sitemap.xml"
# The old address of every story in one sitemap, split by ?p=: now the index.
OLD_STORIES = "stories"
ROBOTS_TAG = "noindex, noodp, noarchive"  # as Django's sitemap views say


def _our_stories():
    # Partner stories are canonical at their original address, not on this site.
    return Article.objects.published().filter(original_url="")


def _news_stories():
    """Our stories of the last two days, in every edition: Google News's window."""
    return _our_stories().filter(published_at__gte=timezone.now() - NEWS_WINDOW)


def _latest(*moments):
    """The latest of `moments`, to the second (W3C datetimes, not microseconds)."""
    latest = max((moment for moment in moments if moment), default=None)
    return latest.replace(microsecond=0) if latest else None


def _on_site(location, path):
    """The absolute address of `path`, on the site `location` is on."""
    scheme, _, host, _rest = location.split("/", 3)
    return f"{scheme}//{host}{path}"


class CountedSitemap(Sitemap):
    # What the list depends on (serving.dependencies): any story published;
    # parts listing every tag or author, any new one too.
    shows = (LATEST,)

    @cached_property
    def paginator(self):
        depend_on(*self.shows)
        # Counted once per request: by the size check, then by the view.
        return super().paginator


class PageSitemap(CountedSitemap):
    """The edition's home and support pages, each with its address in every
    edition as alternates, as the pages' own hreflang links give them."""

    def items(self):
        return ["articles:home", "articles:support"]

    def location(self, item):
        return url_for(item)

    @cached_property
    def newest(self):
        # The newest by the index of publication times; MAX() over the
        # edition's stories reads them all (the lockdown's condition keeps
        # PostgreSQL from turning it into this).
        stories = Article.objects.published().in_edition().order_by("-published_at")
        return _latest(stories.values_list("published_at", flat=True).first())

    def lastmod(self, item):
        # The home page changes with each story. Nothing records when the
        # support page's tiers or texts changed, and a made-up time would mislead.
        return self.newest if item == "articles:home" else None

    def get_latest_lastmod(self):
        return self.newest

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            url["alternates"] = _in_every_edition(url["location"], url["item"])
        # The document changes with the home page's time alone (the support
        # page has none): Last-Modified for conditional requests.
        self.latest_lastmod = self.newest
        return urls


def _in_every_edition(location, name):
    """The page `name` in each edition, and in the default one for readers of
    any other language (x-default); none on a site of one edition."""
    codes = editions.codes()
    if len(codes) < 2:
        return []
    links = [
        {"lang_code": code, "location": _on_site(location, url_in(code, name))}
        for code in codes
    ]
    return [*links, {**links[0], "lang_code": "x-default"}]


class NewsSitemap(CountedSitemap):
    limit = NEWS_LIMIT

    def items(self):
        return (
            _news_stories()
            .in_edition()
            .only("slug", "headline", "language", "published_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, item):
        return item.published_at

    def get_urls(self, page=1, site=None, protocol=None):
        # Google News takes no alternates: the story sitemap gives them.
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            # Google News takes ISO 639 codes: "az", not "az-Latn".
            url["news_language"] = url["item"].language.split("-")[0].lower()
            url["published"] = url["item"].published_at.replace(microsecond=0)
        return urls


PAGES = "pages"
INDEX_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
)
# A month's part: /sitemap-stories-2024-03.xml.
MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def _xml(body):
    response = HttpResponse(body, content_type="application/xml")
    response["X-Robots-Tag"] = ROBOTS_TAG
    return response


@require_safe
def sitemap(request):
    """The edition's index: its pages, its sections, tags and authors part by
    part, and its stories month by month, newest first. The pages part
    always has two addresses, so the index is never empty."""
    code = editions.active()
    # Any story going live may start a month or date one; an edit to an old
    # one dates its month (sitemap_months.story_saved).
    depend_on(LATEST, sitemap_months.index_key(code))
    origin = f"{request.scheme}://{request.get_host()}"
    lists = sitemap_lists.parts_in(code)
    # The home page is as of the edition's newest story: its section's.
    newest = _latest(*(at for kind, _n, at in lists if kind == "sections"))
    items = [(_part_address(origin, PAGES), newest)]
    for kind, number, lastmod in lists:
        items.append(_numbered(_part_address(origin, kind), number, lastmod))
    for month, stories, lastmod in sitemap_months.months_in(code):
        path = url_for("articles:sitemap-stories-month", f"{month:%Y-%m}")
        for page in range(1, sitemap_months.parts_of(stories) + 1):
            items.append(_numbered(origin + path, page, lastmod))
    return _xml(_index_document(items))


def _part_address(origin, name):
    return origin + url_for("articles:sitemap-section", name)


def _numbered(address, page, lastmod):
    """The index's entry for part `page` of a sitemap split into parts (?p=2…)."""
    return (address if page == 1 else f"{address}?p={page}", lastmod)


def _index_document(items):
    """The index of [(address, lastmod)], written as text, as its parts are:
    it names a few hundred of them."""
    zone = timezone.get_current_timezone()
    lines = [INDEX_HEAD]
    for location, lastmod in items:
        lines.append(f"  <sitemap>\n    <loc>{escape(location)}</loc>\n")
        if lastmod:
            lines.append(
                f"    <lastmod>{lastmod.astimezone(zone).isoformat()}</lastmod>\n"
            )
        lines.append("  </sitemap>\n")
    lines.append("</sitemapindex>\n")
    return "".join(lines)


@require_safe
@paging.cached_by("p")
def sitemap_stories_month(request, month):
    """The edition's stories of one month (articles.sitemap_months)."""
    found = MONTH.fullmatch(month)
    first = sitemap_months.first_day(*map(int, found.groups())) if found else None
    page = paging.page_number(request.GET.get("p"))
    if first is None or page is None:
        raise Http404("No such month.")
    origin = f"{request.scheme}://{request.get_host()}"
    part = sitemap_months.render_part(origin, editions.active(), first, page)
    if part is None:
        raise Http404("No story of this month.")
    body, latest = part
    response = _xml(body)
    response["Last-Modified"] = http_date(latest.timestamp())
    return response


@require_safe
@paging.cached_by("p")
def sitemap_section(request, section):
    if section == OLD_STORIES:
        # Stories are listed month by month now: the index names the months.
        return HttpResponsePermanentRedirect(url_for("articles:sitemap"))
    if section in sitemap_lists.LISTED:
        return _listed_part(request, section)
    if section != PAGES:
        raise Http404("No such sitemap.")
    return sitemap_views.sitemap(
        request, {section: PageSitemap()}, section=section, template_name=TEMPLATE
    )


def _listed_part(request, kind):
    """A part of the edition's sections, tags or authors (articles.sitemap_lists)."""
    number = paging.page_number(request.GET.get("p"))
    origin = f"{request.scheme}://{request.get_host()}"
    code = editions.active()
    part = sitemap_lists.render_part(origin, code, kind, number) if number else None
    if part is None:
        raise Http404("This sitemap has nothing to list.")
    body, latest = part
    response = _xml(body)
    response["Last-Modified"] = http_date(latest.timestamp())
    return response


@require_safe
def news_sitemap(request):
    """The edition's stories of the last two days, for Google News.

    With none, there is no news sitemap: the address answers 404 and
    robots.txt leaves it out. An empty urlset is invalid (the sitemaps.org
    schema wants at least one url), and listing older stories or other pages
    to fill it would tell Google News something untrue. Once a story is
    published it is back, in robots.txt too.
    """
    news = NewsSitemap()
    if not news.paginator.count:
        raise Http404("No story of the last two days.")
    return sitemap_views.sitemap(
        request, {"news": news}, template_name="sitemaps/news.xml"
    )


def _editions_with_news():
    """The editions whose news sitemap has a story (news_sitemap): one query."""
    languages = _news_stories().order_by().values_list("language", flat=True)
    return {editions.edition_of(language) for language in languages.distinct()}


@require_safe
def robots_txt(request):
    """Where crawlers may not go, and every edition's sitemaps that have
    something to list: its sitemap always, its news sitemap while it has news."""
    closed = [
        reverse("admin:index"),
        url_for("articles:preview", "token").removesuffix("token/"),
        url_for("articles:api-articles"),
        *[url_in(code, "articles:search") for code in editions.codes()],
    ]
    lines = ["User-agent: *", *[f"Disallow: {path}" for path in closed], ""]
    with_news = _editions_with_news()
    for code in editions.codes():
        names = ["articles:sitemap"]
        if code in with_news:
            names.append("articles:news-sitemap")
        for name in names:
            address = request.build_absolute_uri(url_in(code, name))
            lines.append(f"Sitemap: {address}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
