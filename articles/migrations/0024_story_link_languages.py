"""Taggings and bylines keep their story's language beside its publication
time, so that a tag's or author's listing in one edition reads neither the
stories nor the rows of other editions."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

# PostgreSQL only (SQLite has no INCLUDE): a tag's or author's newest stories
# with their languages, read from the index alone.
INDEXES = {
    "tagged_edition_idx": ("articles_taggedarticle", "tag_id", "content_object_id"),
    "byline_edition_idx": ("articles_byline", "author_id", "article_id"),
}


def copy_languages(apps, schema_editor):
    """Each tagging's and byline's language from its story."""
    Article = apps.get_model("articles", "Article")
    for model_name, story_field in (
        ("TaggedArticle", "content_object"),
        ("Byline", "article"),
    ):
        model = apps.get_model("articles", model_name)
        story = Article.objects.filter(pk=OuterRef(f"{story_field}_id"))
        model.objects.update(language=Subquery(story.values("language")[:1]))


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, owner, story) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table}"
            f" ({owner}, published_at DESC, {story} DESC) INCLUDE (language)"
            " WHERE published_at IS NOT NULL"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0023_search_document_language")]

    operations = [
        migrations.AddField(
            model_name="byline",
            name="language",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                max_length=35,
                verbose_name="language",
            ),
        ),
        migrations.AddField(
            model_name="taggedarticle",
            name="language",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                max_length=35,
                verbose_name="language",
            ),
        ),
        migrations.RunPython(copy_languages, migrations.RunPython.noop),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
