"""Search documents for stories and their GIN index on PostgreSQL (0007 fills them)."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

# The full-text query (articles.search.search) filters with `vector @@ query`.
GIN_INDEX = "search_document_vector_gin"


def tune_for_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name("articles_searchdocument")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON {table} USING gin (vector)"
    )
    # Texts and vectors go out of line at once, so the rows a search visits by
    # the thousand stay small and in memory.
    schema_editor.execute(f"ALTER TABLE {table} SET (toast_tuple_target = 128)")


def untune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0005_photo_desk"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("article", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name="search_document", serialize=False, to="articles.article")),
                ("text", models.TextField(blank=True)),
                ("folded", models.TextField(blank=True)),
                ("vector", django.contrib.postgres.search.SearchVectorField(null=True)),
            ],
            options={
                "ordering": ["article"],
            },
        ),
        migrations.RunPython(tune_for_postgresql, untune, elidable=False),
    ]
