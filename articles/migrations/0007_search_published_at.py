"""Search documents carry their story's publication time; every story is
indexed again (the first fill of the documents)."""

from django.db import migrations, models


def index_existing_stories(apps, schema_editor):
    # The indexer reads only fields that exist from 0001 on, by name, and
    # writes the documents' columns as of this migration.
    from articles.search import index_articles

    alias = schema_editor.connection.alias
    Article = apps.get_model("articles", "Article")
    ids = list(Article.objects.using(alias).values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        index_articles(ids[start : start + 500], using=alias)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(index_existing_stories, migrations.RunPython.noop),
    ]
