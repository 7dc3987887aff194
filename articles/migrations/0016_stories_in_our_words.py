"""The admin calls articles stories (verbose names only: no table changes)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_latin_slugs_everywhere"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="article",
            options={
                "get_latest_by": "published_at",
                "ordering": ["-published_at", "-created_at"],
                "permissions": [
                    ("publish_article", "Can publish, schedule and unpublish stories")
                ],
                "verbose_name": "story",
                "verbose_name_plural": "stories",
            },
        ),
    ]
