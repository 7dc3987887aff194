"""The Reporter and Editor groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Reporters write and submit; they never publish or touch appeals.
REPORTER = {
    "articles": {
        "article": ["add", "change", "view"],
        "byline": ["add", "change", "delete", "view"],
        "correction": ["view"],
        "image": ["add", "change", "view"],
        "embed": ["add", "change", "view"],
        "author": ["view"],
        "section": ["view"],
        "outlet": ["view"],
    },
    "taggit": {"tag": ["add", "view"], "taggeditem": ["add", "change", "delete", "view"]},
}
# Editors run the site: every newsroom model, tags, and publishing.
EDITOR_MODELS = {
    "articles": [
        "article", "byline", "correction", "image", "rendition", "embed", "author",
        "section", "outlet", "membershipprompt", "membershiptier",
    ],
    "taggit": ["tag", "taggeditem"],
}
ACTIONS = ["add", "change", "delete", "view"]


def _ensure_permissions(apps):
    # Permissions are normally created after migrate; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def _permission(Permission, app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def create_roles(apps, schema_editor):
    _ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    reporter, _ = Group.objects.get_or_create(name="Reporter")
    reporter.permissions.set(
        _permission(Permission, app, f"{action}_{model}")
        for app, models in REPORTER.items()
        for model, actions in models.items()
        for action in actions
    )
    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.set(
        [
            *(
                _permission(Permission, app, f"{action}_{model}")
                for app, models in EDITOR_MODELS.items()
                for model in models
                for action in ACTIONS
            ),
            _permission(Permission, "articles", "publish_article"),
        ]
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Reporter", "Editor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
