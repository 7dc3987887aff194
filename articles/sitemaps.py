"""What crawlers read: sitemaps of stories, sections and tags, Google News, robots.txt."""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Exists, Max, OuterRef, Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe

from articles import editions
from articles.links import url_for, url_in
from articles.models import Article, Section, Tag

NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000  # Google News reads at most this many per sitemap
# Translation groups looked up per query: well inside SQLite's variable limit.
GROUPS_PER_QUERY = 500


def _canonical_stories():
    # The edition's stories; partner stories are canonical at their original
    # address, not on this site.
    return Article.objects.published().in_edition().filter(original_url="")


def _latest(*moments):
    return max((moment for moment in moments if moment), default=None)


class CountedSitemap(Sitemap):
    @cached_property
    def paginator(self):
        # Counted once per request: by the size check, then by the view.
        return super().paginator


class StorySitemap(CountedSitemap):
    def items(self):
        translated = Article.objects.published().filter(translation_of=OuterRef("pk"))
        return (
            _canonical_stories()
            .annotate(
                last_correction=Max("corrections__date"),
                is_translated=Exists(translated),
            )
            .only("slug", "language", "translation_of", "published_at")
            .order_by("-published_at", "-pk")
        )

    def get_urls(self, page=1, site=None, protocol=None):
        """Each story's address, with its published translations' as alternates
        (xhtml:link hreflang)."""
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
                    "location": _on_site(url["location"], version),
                }
                for version in versions.get(story.translation_of_id or story.pk, [])
            ]
        return urls

    def lastmod(self, item):
        return _latest(item.published_at, item.last_correction)

    def get_latest_lastmod(self):
        found = _canonical_stories().aggregate(
            published=Max("published_at"), corrected=Max("corrections__date")
        )
        return _latest(found["published"], found["corrected"])


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


def _on_site(location, story):
    """The absolute address of `story`, on the site `location` is on."""
    scheme, _, host, _path = location.split("/", 3)
    return f"{scheme}//{host}{story.get_absolute_url()}"


class SectionSitemap(CountedSitemap):
    def items(self):
        return (
            Section.objects.filter(
                articles__in=Article.objects.published().in_edition()
            )
            .annotate(latest=Max("articles__published_at"))
            .order_by("position", "name")
        )

    def lastmod(self, item):
        return item.latest

    def get_latest_lastmod(self):
        return (
            Article.objects.published()
            .in_edition()
            .aggregate(latest=Max("published_at"))["latest"]
        )


class TagSitemap(SectionSitemap):
    def items(self):
        return (
            Tag.objects.filter(article__in=Article.objects.published().in_edition())
            .annotate(latest=Max("article__published_at"))
            .order_by("name")
        )


class NewsSitemap(StorySitemap):
    limit = NEWS_LIMIT

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            _canonical_stories()
            .filter(published_at__gte=since)
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


SITEMAPS = {"stories": StorySitemap, "sections": SectionSitemap, "tags": TagSitemap}


@require_safe
def sitemap(request):
    """One sitemap while every address fits in one file; an index of files beyond."""
    # Instances, not classes: the views reuse the counts taken here.
    maps = {name: sitemap() for name, sitemap in SITEMAPS.items()}
    if sum(sitemap.paginator.count for sitemap in maps.values()) <= Sitemap.limit:
        return sitemap_views.sitemap(request, maps)
    return sitemap_views.index(
        request, maps, sitemap_url_name="articles:sitemap-section"
    )


@require_safe
def sitemap_section(request, section):
    return sitemap_views.sitemap(request, SITEMAPS, section=section)


@require_safe
def news_sitemap(request):
    return sitemap_views.sitemap(
        request, {"news": NewsSitemap}, template_name="sitemaps/news.xml"
    )


@require_safe
def robots_txt(request):
    """Where crawlers may not go, and every edition's sitemaps."""
    closed = [
        reverse("admin:index"),
        url_for("articles:preview", "token").removesuffix("token/"),
        url_for("articles:api-articles"),
        *[url_in(code, "articles:search") for code in editions.codes()],
    ]
    lines = ["User-agent: *", *[f"Disallow: {path}" for path in closed], ""]
    for code in editions.codes():
        for name in ("articles:sitemap", "articles:news-sitemap"):
            address = request.build_absolute_uri(url_in(code, name))
            lines.append(f"Sitemap: {address}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
