"""Editors may read the admin log (who published, changed or deleted what)."""

from importlib import import_module

from django.db import migrations

# Permissions are created after migrate; the roles migration makes them now.
_ensure_permissions = import_module("articles.migrations.0002_roles")._ensure_permissions


def grant(apps, schema_editor):
    _ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.add(
        Permission.objects.get(content_type__app_label="admin", codename="view_logentry")
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="Editor"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="admin", codename="view_logentry"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_roles"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
