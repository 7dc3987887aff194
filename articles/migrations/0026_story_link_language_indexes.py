"""Taggings and bylines are indexed by their owner, their story's language and
its publication time, so that a tag's or author's listing in one edition reads
a range of the index for each language it has there, and finds which those are
with a probe per language, never passing over other editions' rows. The
PostgreSQL indexes of 0024, which kept the language beside the time and so
passed over them, are dropped."""

from importlib import import_module

from django.db import migrations, models

earlier = import_module("articles.migrations.0024_story_link_languages")


class Migration(migrations.Migration):
    dependencies = [("articles", "0025_name_lookup_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="byline",
            index=models.Index(
                condition=models.Q(published_at__isnull=False),
                fields=["author", "language", "-published_at", "-article"],
                name="byline_language_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="taggedarticle",
            index=models.Index(
                condition=models.Q(published_at__isnull=False),
                fields=["tag", "language", "-published_at", "-content_object"],
                name="tagged_language_idx",
            ),
        ),
        migrations.RunPython(earlier.drop_indexes, earlier.create_indexes),
    ]
