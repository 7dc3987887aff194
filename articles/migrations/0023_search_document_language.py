"""Search documents keep their story's language, so a search in one edition
narrows the documents by it."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_languages(apps, schema_editor):
    """Each document's language from its story, in one statement."""
    Article = apps.get_model("articles", "Article")
    SearchDocument = apps.get_model("articles", "SearchDocument")
    story = Article.objects.filter(pk=OuterRef("article_id"))
    SearchDocument.objects.update(language=Subquery(story.values("language")[:1]))


class Migration(migrations.Migration):
    dependencies = [("articles", "0022_archive_scale")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="language",
            field=models.CharField(blank=True, default="", max_length=35),
        ),
        migrations.RunPython(copy_languages, migrations.RunPython.noop),
    ]
