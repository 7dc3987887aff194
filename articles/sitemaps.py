"""What crawlers read: sitemaps of stories, sections and tags, Google News, robots.txt."""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe

from articles.models import Article, Section, Tag

NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000  # Google News reads at most this many per sitemap


def _canonical_stories():
    # Partner stories are canonical at their original address, not on this site.
    return Article.objects.published().filter(original_url="")


def _latest(*moments):
    return max((moment for moment in moments if moment), default=None)


class CountedSitemap(Sitemap):
    @cached_property
    def paginator(self):
        # Counted once per request: by the size check, then by the view.
        return super().paginator


class StorySitemap(CountedSitemap):
    def items(self):
        return (
            _canonical_stories()
            .annotate(last_correction=Max("corrections__date"))
            .only("slug", "published_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, item):
        return _latest(item.published_at, item.last_correction)

    def get_latest_lastmod(self):
        found = _canonical_stories().aggregate(
            published=Max("published_at"), corrected=Max("corrections__date")
        )
        return _latest(found["published"], found["corrected"])


class SectionSitemap(CountedSitemap):
    def items(self):
        return (
            Section.objects.filter(articles__in=Article.objects.published())
            .annotate(latest=Max("articles__published_at"))
            .order_by("position", "name")
        )

    def lastmod(self, item):
        return item.latest

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(latest=Max("published_at"))[
            "latest"
        ]


class TagSitemap(SectionSitemap):
    def items(self):
        return (
            Tag.objects.filter(article__in=Article.objects.published())
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
        urls = super().get_urls(page=page, site=site, protocol=protocol)
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
    closed = [
        reverse("admin:index"),
        reverse("articles:preview", args=["token"]).removesuffix("token/"),
        reverse("articles:search"),
        reverse("articles:api-articles"),
    ]
    lines = ["User-agent: *", *[f"Disallow: {path}" for path in closed], ""]
    for name in ("articles:sitemap", "articles:news-sitemap"):
        lines.append(f"Sitemap: {request.build_absolute_uri(reverse(name))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
