"""Publication and correction times to the second, as stories now keep them."""

from django.db import migrations, models
from django.db.models.functions import TruncSecond

import articles.models.content

# The times pages print in <time datetime>, and the copy search keeps.
TIMES = [
    ("Article", "published_at"),
    ("Correction", "date"),
    ("SearchDocument", "published_at"),
]


def to_the_second(apps, schema_editor):
    for model_name, field in TIMES:
        model = apps.get_model("articles", model_name)
        model.objects.filter(**{f"{field}__isnull": False}).update(
            **{field: TruncSecond(field)}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_search_folds_accents"),
    ]

    operations = [
        migrations.AlterField(
            model_name="correction",
            name="date",
            field=models.DateTimeField(
                default=articles.models.content.now_to_the_second
            ),
        ),
        migrations.RunPython(to_the_second, migrations.RunPython.noop),
    ]
