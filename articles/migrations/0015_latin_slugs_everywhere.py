"""Stories and prompts use the tags of 0014; every slug is in Latin letters.

Slugs are made from names in any script when left blank (articles.slugs). A
section, author, story or outlet whose slug was not Latin (only code could
store one) gets one made from its name: such a slug could not be linked to.
"""

import taggit.managers
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

import articles.slugs

SLUGGED = [
    ("Section", "name", 80, "section"),
    ("Author", "name", 120, "author"),
    ("Article", "headline", 200, "story"),
    ("Outlet", "name", 120, "outlet"),
]
REPORTER = {"tag": ["add", "view"], "taggedarticle": ["add", "change", "delete", "view"]}
EDITOR = ["add", "change", "delete", "view"]


def latin_slugs(apps, schema_editor):
    for model_name, source, max_length, fallback in SLUGGED:
        model = apps.get_model("articles", model_name)
        for row in model.objects.only("pk", "slug", source).iterator():
            if articles.slugs.SLUG.match(row.slug):
                continue
            others = model.objects.exclude(pk=row.pk)
            slug = articles.slugs.unique_slug(
                others, row.slug or getattr(row, source), max_length, fallback
            )
            model.objects.filter(pk=row.pk).update(slug=slug)


def grant_tag_permissions(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permission(action, model):
        return Permission.objects.get(
            content_type__app_label="articles", codename=f"{action}_{model}"
        )

    for group in Group.objects.filter(name="Reporter"):
        group.permissions.add(
            *(permission(a, m) for m, actions in REPORTER.items() for a in actions)
        )
    for group in Group.objects.filter(name="Editor"):
        group.permissions.add(
            *(permission(a, m) for m in REPORTER for a in EDITOR)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_tags_in_latin_letters"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="tags",
            field=taggit.managers.TaggableManager(
                blank=True,
                help_text="A comma-separated list of tags.",
                through="articles.TaggedArticle",
                to="articles.Tag",
                verbose_name="Tags",
            ),
        ),
        migrations.AlterField(
            model_name="membershipprompt",
            name="tags",
            field=models.ManyToManyField(
                blank=True,
                help_text="Only on stories with one of these tags. None: any.",
                related_name="+",
                to="articles.tag",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="slug",
            field=articles.slugs.LatinSlugField(
                blank=True,
                fallback="story",
                help_text="The last part of the story's address, in Latin letters. "
                "Leave blank to make it from the headline, in any script. Changing "
                "it after publication breaks links to the story.",
                max_length=200,
                populate_from="headline",
                unique=True,
            ),
        ),
        migrations.AlterField(
            model_name="author",
            name="slug",
            field=articles.slugs.LatinSlugField(
                blank=True,
                fallback="author",
                help_text="The last part of the author's address, in Latin "
                "letters. Leave blank to make it from the name, in any script.",
                max_length=120,
                populate_from="name",
                unique=True,
            ),
        ),
        migrations.AlterField(
            model_name="outlet",
            name="slug",
            field=articles.slugs.LatinSlugField(
                blank=True,
                fallback="outlet",
                help_text="In Latin letters; leave blank to make it from the name.",
                max_length=120,
                populate_from="name",
                unique=True,
            ),
        ),
        migrations.AlterField(
            model_name="section",
            name="slug",
            field=articles.slugs.LatinSlugField(
                blank=True,
                fallback="section",
                help_text="The last part of the section's address, in Latin "
                "letters. Leave blank to make it from the name, in any script.",
                max_length=80,
                populate_from="name",
                unique=True,
            ),
        ),
        migrations.RunPython(latin_slugs, migrations.RunPython.noop),
        migrations.RunPython(grant_tag_permissions, migrations.RunPython.noop),
    ]
