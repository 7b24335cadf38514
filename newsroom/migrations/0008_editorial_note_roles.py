"""Give writers and editors the editorial-note permissions from `ROLE_PERMISSIONS`."""

from django.db import migrations

from newsroom.roles import ROLE_PERMISSIONS, grant

NEW_MODELS = ("editorialnote",)


def note_codenames() -> dict[str, list[str]]:
    return {
        group: [c for c in codenames if c.split("_", 1)[1] in NEW_MODELS]
        for group, codenames in ROLE_PERMISSIONS["articles"].items()
    }


def grant_notes(apps, schema_editor):
    grant(apps, "articles", note_codenames())


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0007_spam_model_roles"),
        ("articles", "0012_editorial_notes"),
    ]

    operations = [migrations.RunPython(grant_notes, migrations.RunPython.noop)]
