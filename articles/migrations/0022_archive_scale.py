"""The archive at scale: what the sitemap parts, related stories and deep
listings need to stay cheap at a million stories."""

from datetime import UTC

from django.db import migrations, models
from django.db.models import Count, Max, Min
from django.db.models.functions import TruncMonth, Upper
from django.utils import timezone


# -- sitemaps: begin --
def build_sitemap_months(apps, schema_editor):
    """The sitemap's months, from the stories already there (the app keeps
    them up to date from now on: articles.sitemap_months)."""
    Article = apps.get_model("articles", "Article")
    SitemapMonth = apps.get_model("articles", "SitemapMonth")
    now = timezone.now()
    months = (
        Article.objects.filter(status="published", original_url="")
        .annotate(month=TruncMonth("published_at", tzinfo=UTC))
        .order_by()
        .values("language", "month")
    )
    rows = {}
    for found in months.filter(published_at__lte=now).annotate(
        stories=Count("pk", distinct=True),
        published=Max("published_at"),
        updated=Max("updated_at"),
        corrected=Max("corrections__date"),
    ):
        times = [found[name] for name in ("published", "updated", "corrected")]
        rows[found["language"], found["month"]] = {
            "stories": found["stories"],
            "lastmod": max(t for t in times if t).replace(microsecond=0),
        }
    for found in months.filter(published_at__gt=now).annotate(at=Min("published_at")):
        rows.setdefault((found["language"], found["month"]), {})["pending"] = found[
            "at"
        ]
    SitemapMonth.objects.bulk_create(
        SitemapMonth(language=language, month=month.astimezone(UTC).date(), **values)
        for (language, month), values in rows.items()
    )


# The most addresses in one part of the sections', tags' or authors' sitemap,
# as articles.models.sitemap_lists.PART_SIZE was when this was written.
PART_SIZE = 2_000
LISTS = {
    "sections": "section",
    "tags": "tagged_items__tag",
    "authors": "bylines__author",
}


def build_sitemap_lists(apps, schema_editor):
    """The sections, tags and authors the sitemap lists, and its parts, from
    the stories already there (kept up to date from now on:
    articles.sitemap_lists)."""
    Article = apps.get_model("articles", "Article")
    SitemapEntry = apps.get_model("articles", "SitemapEntry")
    SitemapPart = apps.get_model("articles", "SitemapPart")
    now = timezone.now()
    stories = Article.objects.filter(status="published").order_by()
    entries = {}
    for kind, target in LISTS.items():
        for chosen, name, at in [
            (stories.filter(published_at__lte=now), "latest", Max),
            (stories.filter(published_at__gt=now), "pending", Min),
        ]:
            rows = chosen.values_list(target, "language").annotate(
                at=at("published_at")
            )
            for pk, language, moment in rows:
                if pk is not None:
                    entries.setdefault((kind, pk, language), {})[name] = moment
    parts = {}
    for (kind, pk, language), times in entries.items():
        if times.get("latest"):
            times["latest"] = times["latest"].replace(microsecond=0)
        part = parts.setdefault(
            (kind, language, (pk - 1) // PART_SIZE + 1),
            {"entries": 0, "lastmod": None, "pending": None},
        )
        if times.get("latest"):
            part["entries"] += 1
            part["lastmod"] = max(part["lastmod"] or times["latest"], times["latest"])
        if times.get("pending"):
            part["pending"] = min(part["pending"] or times["pending"], times["pending"])
    SitemapEntry.objects.bulk_create(
        (
            SitemapEntry(kind=kind, target=pk, language=language, **times)
            for (kind, pk, language), times in entries.items()
        ),
        batch_size=5000,
    )
    SitemapPart.objects.bulk_create(
        SitemapPart(kind=kind, language=language, number=number, **values)
        for (kind, language, number), values in parts.items()
    )


# -- sitemaps: end --


# -- related stories: begin --
def date_taggings(apps, schema_editor):
    """Each tagging's story publication time (none unless published), from the
    stories already there (the app keeps it up to date: articles.signals)."""
    from django.db.models import OuterRef, Subquery

    Article = apps.get_model("articles", "Article")
    TaggedArticle = apps.get_model("articles", "TaggedArticle")
    TaggedArticle.objects.update(
        published_at=Subquery(
            Article.objects.filter(
                pk=OuterRef("content_object_id"), status="published"
            ).values("published_at")
        )
    )


# -- related stories: end --


# -- listings and API: begin --
def date_bylines(apps, schema_editor):
    """Each byline's story publication time (none unless published), from the
    stories already there (the app keeps it up to date: articles.signals)."""
    from django.db.models import OuterRef, Subquery

    Article = apps.get_model("articles", "Article")
    Byline = apps.get_model("articles", "Byline")
    Byline.objects.update(
        published_at=Subquery(
            Article.objects.filter(pk=OuterRef("article"), status="published").values(
                "published_at"
            )
        )
    )


# -- listings and API: end --


class Migration(migrations.Migration):
    dependencies = [("articles", "0021_outlet_policies")]

    operations = [
        # -- sitemaps: begin --
        # The sitemap index lists months from this summary instead of grouping
        # every story on each request (articles.models.sitemap).
        migrations.CreateModel(
            name="SitemapMonth",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("language", models.CharField(max_length=35, verbose_name="language")),
                (
                    "month",
                    models.DateField(
                        help_text="The month's first day, in UTC.",
                        verbose_name="month",
                    ),
                ),
                (
                    "stories",
                    models.PositiveIntegerField(
                        default=0,
                        help_text="The month's live stories of this language on "
                        "this site.",
                        verbose_name="stories",
                    ),
                ),
                (
                    "lastmod",
                    models.DateTimeField(
                        blank=True,
                        help_text="When the latest of them was published, edited "
                        "or corrected.",
                        null=True,
                        verbose_name="last modified",
                    ),
                ),
                (
                    "pending",
                    models.DateTimeField(
                        blank=True,
                        help_text="When the first story scheduled into the month "
                        "goes live.",
                        null=True,
                        verbose_name="next story due",
                    ),
                ),
            ],
            options={
                "verbose_name": "sitemap month",
                "verbose_name_plural": "sitemap months",
                "ordering": ["month", "language"],
                # One row per language and month, the index's lookup.
                "constraints": [
                    models.UniqueConstraint(
                        fields=("language", "month"),
                        name="sitemap_month_per_language",
                    )
                ],
            },
        ),
        migrations.RunPython(build_sitemap_months, migrations.RunPython.noop),
        # Each section, tag and author the sitemap lists, as of its newest
        # story, and a row per part of them for the index: neither reads the
        # stories (articles.models.sitemap).
        migrations.CreateModel(
            name="SitemapEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("sections", "section"),
                            ("tags", "tag"),
                            ("authors", "author"),
                        ],
                        max_length=8,
                        verbose_name="kind",
                    ),
                ),
                (
                    "target",
                    models.PositiveBigIntegerField(
                        help_text="The id of the section, tag or author.",
                        verbose_name="id",
                    ),
                ),
                ("language", models.CharField(max_length=35, verbose_name="language")),
                (
                    "latest",
                    models.DateTimeField(
                        blank=True,
                        help_text="When the newest of its live stories was published.",
                        null=True,
                        verbose_name="latest",
                    ),
                ),
                (
                    "pending",
                    models.DateTimeField(
                        blank=True,
                        help_text="When the first of its stories scheduled goes live.",
                        null=True,
                        verbose_name="next story due",
                    ),
                ),
            ],
            options={
                "verbose_name": "sitemap entry",
                "verbose_name_plural": "sitemap entries",
                "ordering": ["kind", "language", "target"],
                # One row per language; also the index a part reads its range
                # of entries from (SitemapEntryQuerySet.in_part).
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "language", "target"),
                        name="sitemap_entry_per_language",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SitemapPart",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("sections", "section"),
                            ("tags", "tag"),
                            ("authors", "author"),
                        ],
                        max_length=8,
                        verbose_name="kind",
                    ),
                ),
                ("language", models.CharField(max_length=35, verbose_name="language")),
                ("number", models.PositiveIntegerField(verbose_name="number")),
                (
                    "entries",
                    models.PositiveIntegerField(
                        default=0,
                        help_text="How many it lists in this language.",
                        verbose_name="entries",
                    ),
                ),
                (
                    "lastmod",
                    models.DateTimeField(
                        blank=True,
                        help_text="The latest of their times.",
                        null=True,
                        verbose_name="last modified",
                    ),
                ),
                (
                    "pending",
                    models.DateTimeField(
                        blank=True,
                        help_text="When the first story scheduled into it goes live.",
                        null=True,
                        verbose_name="next story due",
                    ),
                ),
            ],
            options={
                "verbose_name": "sitemap part",
                "verbose_name_plural": "sitemap parts",
                "ordering": ["kind", "number", "language"],
                # One row per language and part, the index's and upserts' lookup.
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "language", "number"),
                        name="sitemap_part_per_language",
                    )
                ],
            },
        ),
        migrations.RunPython(build_sitemap_lists, migrations.RunPython.noop),
        # -- sitemaps: end --
        # -- related stories: begin --
        # Each tag's newest published stories as an index range, for related
        # stories (articles.models.related).
        migrations.AddField(
            model_name="taggedarticle",
            name="published_at",
            field=models.DateTimeField(
                editable=False,
                help_text="When the story was published (or is scheduled to be), "
                "copied from it; empty while it is not published.",
                null=True,
                verbose_name="published at",
            ),
        ),
        migrations.RunPython(date_taggings, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="taggedarticle",
            index=models.Index(
                condition=models.Q(("published_at__isnull", False)),
                fields=["tag", "-published_at", "-content_object"],
                name="tagged_published_idx",
            ),
        ),
        # -- related stories: end --
        # -- listings and API: begin --
        # Statistics on an edition's stories for the planner (listings and
        # archives by edition: articles.listings).
        migrations.AddIndex(
            model_name="article",
            index=models.Index(Upper("language"), name="article_edition_idx"),
        ),
        # An author's newest published stories as an index range, for author
        # listings and their archives (articles.listings).
        migrations.AddField(
            model_name="byline",
            name="published_at",
            field=models.DateTimeField(
                editable=False,
                help_text="When the story was published (or is scheduled to be), "
                "copied from it; empty while it is not published.",
                null=True,
                verbose_name="published at",
            ),
        ),
        migrations.RunPython(date_bylines, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="byline",
            index=models.Index(
                condition=models.Q(("published_at__isnull", False)),
                fields=["author", "-published_at", "-article"],
                name="byline_published_idx",
            ),
        ),
        # -- listings and API: end --
        # -- admin and search: begin --
        # The admin's story list, newest first in every state, without sorting
        # the whole table; its date links read the ends of it.
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["-published_at", "-created_at", "-id"],
                name="article_admin_list_idx",
            ),
        ),
        # The public search's newest live documents first (articles.search.query:
        # _newest_documents), read a bounded number at a time. Created here
        # like the vector's GIN index, not declared on the model.
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS search_document_recent_idx"
            " ON articles_searchdocument (published_at DESC, article_id DESC)"
            " WHERE published_at IS NOT NULL",
            "DROP INDEX IF EXISTS search_document_recent_idx",
        ),
        # -- admin and search: end --
    ]
