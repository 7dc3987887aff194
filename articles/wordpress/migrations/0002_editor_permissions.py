"""Editors manage old addresses (list, add, edit, delete the redirects) and
look up what each WordPress item became; reporters do neither, as they do
not touch what readers are sent to."""

from importlib import import_module

from django.db import migrations

# Permissions are created after migrate; the roles migration makes them now.
_ensure_permissions = import_module(
    "articles.migrations.0002_roles"
)._ensure_permissions

EDITOR_PERMISSIONS = [
    *(f"{action}_oldaddress" for action in ("add", "change", "delete", "view")),
    # Written by the import alone; read-only in the admin.
    "view_importeditem",
]


def _permissions(apps):
    return apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="wordpress", codename__in=EDITOR_PERMISSIONS
    )


def grant(apps, schema_editor):
    _ensure_permissions(apps)
    for editor in apps.get_model("auth", "Group").objects.filter(name="Editor"):
        editor.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    for editor in apps.get_model("auth", "Group").objects.filter(name="Editor"):
        editor.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("wordpress", "0001_initial"),
        ("articles", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
