"""Search documents carry their story's publication time.

Every story is indexed again by 0009, once the documents have all their
columns: the indexer writes the columns of the current model, so filling the
documents here would fail where 0009's column does not exist yet."""

from django.db import migrations, models


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
    ]
