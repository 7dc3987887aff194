"""Pictures are looked up by their file's digest: a duplicate upload finds the
picture already in the library."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_stories_in_our_words"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="image",
            index=models.Index(fields=["digest"], name="image_digest_idx"),
        ),
    ]
