from django.urls import path, register_converter

from articles import api, feeds, listings, openapi, paging, sitemaps, views
from articles.prompts import views as prompt_views
from articles.search import views as search_views
from articles.serving.languages import neutral_path

app_name = "articles"

# The archives' years and months, one spelling each: /2024/03/ (articles.paging).
register_converter(paging.YearConverter, "archive_year")
register_converter(paging.MonthConverter, "archive_month")

# Every edition has these pages under its prefix (/ru/section/…), but for the
# neutral ones: one for the whole site, at their unprefixed address only.

urlpatterns = [
    path("", views.home, name="home"),
    path("story/<slug:slug>/", views.article, name="article"),
    neutral_path("preview/<str:token>/", views.preview, name="preview"),
    path("section/<slug:slug>/", listings.section, name="section"),
    path("tag/<slug:slug>/", listings.tag, name="tag"),
    path("author/<slug:slug>/", listings.author, name="author"),
    # Each listing's archive: a year's months, a month's stories.
    path(
        "section/<slug:slug>/<archive_year:year>/",
        listings.section_year,
        name="section-year",
    ),
    path(
        "section/<slug:slug>/<archive_year:year>/<archive_month:month>/",
        listings.section_month,
        name="section-month",
    ),
    path("tag/<slug:slug>/<archive_year:year>/", listings.tag_year, name="tag-year"),
    path(
        "tag/<slug:slug>/<archive_year:year>/<archive_month:month>/",
        listings.tag_month,
        name="tag-month",
    ),
    path(
        "author/<slug:slug>/<archive_year:year>/",
        listings.author_year,
        name="author-year",
    ),
    path(
        "author/<slug:slug>/<archive_year:year>/<archive_month:month>/",
        listings.author_month,
        name="author-month",
    ),
    path("search/", views.search, name="search"),
    path("search/suggest/", search_views.suggest, name="search-suggest"),
    path("support/", views.support, name="support"),
    neutral_path(
        "support/go/<int:prompt_id>/", prompt_views.prompt_click, name="prompt_click"
    ),
    neutral_path(
        "support/go/<int:prompt_id>/<int:variant_id>/",
        prompt_views.prompt_click,
        name="prompt_variant_click",
    ),
    neutral_path("support/seen/", prompt_views.prompt_seen, name="prompt_seen"),
    # Feeds, sitemaps and the API: articles/feeds.py, sitemaps.py, api.py.
    path("feed/", feeds.StoryFeed(), name="feed"),
    path("feed/atom/", feeds.AtomStoryFeed(), name="feed-atom"),
    path("section/<slug:slug>/feed/", feeds.SectionFeed(), name="section-feed"),
    path(
        "section/<slug:slug>/feed/atom/",
        feeds.AtomSectionFeed(),
        name="section-feed-atom",
    ),
    path("tag/<slug:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("tag/<slug:slug>/feed/atom/", feeds.AtomTagFeed(), name="tag-feed-atom"),
    path("author/<slug:slug>/feed/", feeds.AuthorFeed(), name="author-feed"),
    path(
        "author/<slug:slug>/feed/atom/",
        feeds.AtomAuthorFeed(),
        name="author-feed-atom",
    ),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("sitemap-news.xml", sitemaps.news_sitemap, name="news-sitemap"),
    path(
        "sitemap-stories-<str:month>.xml",
        sitemaps.sitemap_stories_month,
        name="sitemap-stories-month",
    ),
    path(
        "sitemap-<slug:section>.xml",
        sitemaps.sitemap_section,
        name="sitemap-section",
    ),
    neutral_path("api/openapi.json", openapi.api_schema, name="api-schema"),
    neutral_path("api/articles/", api.article_list, name="api-articles"),
    neutral_path("api/articles/<slug:slug>/", api.article_detail, name="api-article"),
]
