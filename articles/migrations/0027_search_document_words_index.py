"""The search documents' GIN index keys each document by its language as well
as its words (btree_gin keys the language), so that a search in one edition
reads that edition's matches alone: a word common in other editions and rare
in this one no longer has each of its matches checked for the language. It
replaces 0006's index on the words alone, whose searches it serves as well."""

from django.db import migrations

WORDS_ONLY = "search_document_vector_gin"
WORDS = "search_document_words_gin"
TABLE = "articles_searchdocument"


def _build(schema_editor, name, columns):
    # A GIN index is built many times faster with room to sort its keys in.
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} USING gin ({columns})"
    )


def key_by_language(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Left in place when the migration is undone: dropping it would fail
    # once anything else used it, and it costs nothing unused.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    _build(schema_editor, WORDS, "upper(language), vector")
    schema_editor.execute(f"DROP INDEX IF EXISTS {WORDS_ONLY}")


def key_by_words_alone(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _build(schema_editor, WORDS_ONLY, "vector")
    schema_editor.execute(f"DROP INDEX IF EXISTS {WORDS}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0026_story_link_language_indexes")]

    operations = [
        migrations.RunPython(key_by_language, key_by_words_alone, elidable=False),
    ]
