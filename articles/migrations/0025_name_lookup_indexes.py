"""Names typed in the search form (an author, a topic) are found by index, as
written or in any case, however many authors and topics the archive has."""

from django.db import migrations, models
from django.db.models.functions import Upper


class Migration(migrations.Migration):
    dependencies = [("articles", "0024_story_link_languages")]

    operations = [
        migrations.AddIndex(
            model_name="author",
            index=models.Index(fields=["name"], name="author_name_idx"),
        ),
        migrations.AddIndex(
            model_name="author",
            index=models.Index(Upper("name"), name="author_name_upper_idx"),
        ),
        migrations.AddIndex(
            model_name="tag",
            index=models.Index(Upper("name"), name="tag_name_upper_idx"),
        ),
    ]
