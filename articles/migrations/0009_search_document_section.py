"""Search documents carry their story's section (0010 fills it)."""

from django.db import migrations, models


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
    ]
