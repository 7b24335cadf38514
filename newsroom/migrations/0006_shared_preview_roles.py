"""Give editors the shared-preview permissions from `ROLE_PERMISSIONS` (the one table)."""

from django.db import migrations

from newsroom.roles import ROLE_PERMISSIONS, grant

NEW_MODELS = ("previewlink",)


def preview_codenames() -> dict[str, list[str]]:
    return {
        group: [c for c in codenames if c.split("_", 1)[1] in NEW_MODELS]
        for group, codenames in ROLE_PERMISSIONS["articles"].items()
    }


def grant_previews(apps, schema_editor):
    grant(apps, "articles", preview_codenames())


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0005_publisher_roles"),
        ("articles", "0010_shared_previews"),
    ]

    operations = [migrations.RunPython(grant_previews, migrations.RunPython.noop)]
