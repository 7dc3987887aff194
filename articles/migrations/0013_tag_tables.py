"""Stories' own tag tables, beside django-taggit's (filled by 0014)."""

import django.db.models.deletion
from django.db import migrations, models

import articles.slugs


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_preview_keys"),
    ]

    operations = [
        migrations.CreateModel(
            name="Tag",
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
                    "name",
                    models.CharField(max_length=100, unique=True, verbose_name="name"),
                ),
                (
                    "slug",
                    articles.slugs.LatinSlugField(
                        blank=True,
                        fallback="tag",
                        help_text="The last part of the tag's address, in Latin "
                        "letters. Leave blank to make it from the name, in any "
                        "script.",
                        max_length=100,
                        populate_from="name",
                        unique=True,
                    ),
                ),
            ],
            options={"ordering": ["name"]},
        ),
        migrations.CreateModel(
            name="TaggedArticle",
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
                    "content_object",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tagged_items",
                        to="articles.article",
                    ),
                ),
                (
                    "tag",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tagged_articles",
                        to="articles.tag",
                    ),
                ),
            ],
            options={"ordering": ["id"], "verbose_name": "tagged item"},
        ),
        migrations.AddConstraint(
            model_name="taggedarticle",
            constraint=models.UniqueConstraint(
                fields=("content_object", "tag"), name="one_tag_per_story"
            ),
        ),
    ]
