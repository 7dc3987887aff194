"""Search folds Latin accents and the letters ı and ə: every story is indexed
again, and the sections 0009 added are filled."""

from django.db import migrations


def index_existing_stories(apps, schema_editor):
    # The indexer is the project's own, not a historical model: it writes the
    # documents' columns as of this migration. A later migration changing
    # what is indexed moves this fill after its own (as this one took it
    # from 0009, and 0009 from 0007).
    from articles.search import index_every_article

    index_every_article(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_search_document_section"),
    ]

    operations = [
        migrations.RunPython(index_existing_stories, migrations.RunPython.noop),
    ]
