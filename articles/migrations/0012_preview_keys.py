"""Preview links that can be revoked: each story gets a key of its own."""

from django.db import migrations, models

import articles.models.content


def give_each_story_its_key(apps, schema_editor):
    # AddField gave every existing story the same key; links are per story.
    Article = apps.get_model("articles", "Article")
    for pk in Article.objects.values_list("pk", flat=True).iterator():
        Article.objects.filter(pk=pk).update(
            preview_key=articles.models.content.new_preview_key()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_times_to_the_second"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="preview_key",
            field=models.CharField(
                default=articles.models.content.new_preview_key,
                editable=False,
                max_length=32,
            ),
        ),
        migrations.RunPython(give_each_story_its_key, migrations.RunPython.noop),
    ]
