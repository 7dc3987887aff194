"""Search documents carry their story's section; every story is indexed again."""

from django.db import migrations, models


def index_existing_stories(apps, schema_editor):
    # The indexer is the project's own, not a historical model: it writes the
    # documents' columns as of this migration. A later migration adding a
    # column moves this fill after its own (as this one took it from 0007).
    from articles.search import index_every_article

    index_every_article(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_translations_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="section",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=models.deletion.SET_NULL,
                related_name="+",
                to="articles.section",
            ),
        ),
        migrations.RunPython(index_existing_stories, migrations.RunPython.noop),
    ]
