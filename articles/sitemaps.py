"""What crawlers read: each edition's sitemap of its home and support pages,
stories (with their lead pictures and translations), sections, tags and
authors; its Google News sitemap; robots.txt naming them.

Every document served here is valid against the sitemaps.org schemas and the
extensions it uses (tests/schemas/). A urlset must hold at least one address,
so a sitemap with nothing to list is neither served (404) nor named: not in
the index of parts, nor in robots.txt.
"""

from datetime import timedelta
from urllib.parse import urljoin

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Exists, Max, OuterRef, Q
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe

from articles import editions
from articles.links import url_for, url_in
from articles.models import Article, Author, Section, Tag
from articles.serving.dependencies import LATEST, depend_on

NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000  # Google News reads at most this many per sitemap
# Translation groups looked up per query: well inside SQLite's variable limit.
GROUPS_PER_QUERY = 500
TEMPLATE = "sitemaps/sitemap.xml"
# What a picture's addresses are made of (articles.models.media.Image).
PICTURE_FIELDS = ("file", "width", "height", "digest")


def _our_stories():
    # Partner stories are canonical at their original address, not on this site.
    return Article.objects.published().filter(original_url="")


def _canonical_stories():
    """The edition's stories whose canonical address is on this site."""
    return _our_stories().in_edition()


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
        stories = Article.objects.published().in_edition()
        return _latest(stories.aggregate(newest=Max("published_at"))["newest"])

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


class StorySitemap(CountedSitemap):
    def items(self):
        translated = Article.objects.published().filter(translation_of=OuterRef("pk"))
        return (
            _canonical_stories()
            .select_related("lead_image")
            .annotate(
                last_correction=Max("corrections__date"),
                is_translated=Exists(translated),
            )
            .only(
                "slug",
                "language",
                "translation_of",
                "published_at",
                "updated_at",
                *(f"lead_image__{name}" for name in PICTURE_FIELDS),
            )
            .order_by("-published_at", "-pk")
        )

    def get_urls(self, page=1, site=None, protocol=None):
        """Each story's address, with its published translations' as alternates
        (xhtml:link hreflang) and its lead picture (image:image)."""
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        groups = {
            url["item"].translation_of_id or url["item"].pk
            for url in urls
            if url["item"].translation_of_id or url["item"].is_translated
        }
        versions = _versions(groups)
        for url in urls:
            story = url["item"]
            url["alternates"] = [
                {
                    "lang_code": version.language,
                    "location": _on_site(url["location"], version.get_absolute_url()),
                }
                for version in versions.get(story.translation_of_id or story.pk, [])
            ]
            url["images"] = _pictures(story, url["location"])
        return urls

    def lastmod(self, item):
        return _latest(item.published_at, item.updated_at, item.last_correction)

    def get_latest_lastmod(self):
        found = _canonical_stories().aggregate(
            published=Max("published_at"),
            updated=Max("updated_at"),
            corrected=Max("corrections__date"),
        )
        return _latest(*found.values())


def _pictures(story, location):
    """The absolute address of the story's lead picture at its largest: the
    widest JPEG rendition, or the file itself while it has none."""
    image = story.lead_image
    if image is None or not image.file:
        return []
    address = image.jpeg_url()
    # Storage gives a path on this site, or a whole address (object storage).
    return [urljoin(location, address)]


def _versions(groups):
    """The published stories of each translation group (an original's id)."""
    versions = {}
    groups = sorted(groups)
    for start in range(0, len(groups), GROUPS_PER_QUERY):
        chunk = groups[start : start + GROUPS_PER_QUERY]
        for version in (
            Article.objects.published()
            .filter(Q(pk__in=chunk) | Q(translation_of__in=chunk))
            .only("slug", "language", "translation_of")
            .order_by("pk")
        ):
            group = version.translation_of_id or version.pk
            versions.setdefault(group, []).append(version)
    return versions


class SectionSitemap(CountedSitemap):
    """Sections with a published story in the edition, as of their newest."""

    def items(self):
        return (
            Section.objects.filter(
                articles__in=Article.objects.published().in_edition()
            )
            .annotate(latest=Max("articles__published_at"))
            .order_by("position", "name")
        )

    def lastmod(self, item):
        return _latest(item.latest)

    def get_latest_lastmod(self):
        stories = Article.objects.published().in_edition()
        return _latest(stories.aggregate(latest=Max("published_at"))["latest"])


class TagSitemap(SectionSitemap):
    def items(self):
        return (
            Tag.objects.filter(article__in=Article.objects.published().in_edition())
            .annotate(latest=Max("article__published_at"))
            .order_by("name")
        )


class AuthorSitemap(SectionSitemap):
    """Authors with a published story in the edition, as of their newest there."""

    def items(self):
        return (
            Author.objects.filter(articles__in=Article.objects.published().in_edition())
            .annotate(latest=Max("articles__published_at"))
            .only("slug")
            .order_by("name", "pk")
        )


class NewsSitemap(StorySitemap):
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
        urls = CountedSitemap.get_urls(self, page=page, site=site, protocol=protocol)
        for url in urls:
            # Google News takes ISO 639 codes: "az", not "az-Latn".
            url["news_language"] = url["item"].language.split("-")[0].lower()
            url["published"] = url["item"].published_at.replace(microsecond=0)
        return urls


SITEMAPS = {
    "pages": PageSitemap,
    "stories": StorySitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}


@require_safe
def sitemap(request):
    """One sitemap while every address fits in one file; an index of the parts
    that have addresses beyond. The pages part always has two, so neither is
    ever empty."""
    # Instances, not classes: the views reuse the counts taken here.
    maps = {name: sitemap() for name, sitemap in SITEMAPS.items()}
    if sum(sitemap.paginator.count for sitemap in maps.values()) <= Sitemap.limit:
        return sitemap_views.sitemap(request, maps, template_name=TEMPLATE)
    listed = {
        name: sitemap for name, sitemap in maps.items() if sitemap.paginator.count
    }
    return sitemap_views.index(
        request, listed, sitemap_url_name="articles:sitemap-section"
    )


@require_safe
def sitemap_section(request, section):
    if section not in SITEMAPS:
        raise Http404("No such sitemap.")
    part = SITEMAPS[section]()
    if not part.paginator.count:
        raise Http404("This sitemap has nothing to list.")
    return sitemap_views.sitemap(
        request, {section: part}, section=section, template_name=TEMPLATE
    )


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
