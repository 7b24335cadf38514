"""Give the roles their permissions on sources, figures, metrics, people and quotes.

Only the new models' codenames, taken from `ROLE_PERMISSIONS` so the table stays the one place
that says who may do what; `grant()` checks that each exists.
"""

from django.db import migrations

from newsroom.roles import ROLE_PERMISSIONS, grant

NEW_MODELS = ("source", "articlesource", "figure", "metric", "person", "quote")


def provenance_codenames() -> dict[str, list[str]]:
    return {
        group: [c for c in codenames if c.split("_", 1)[1] in NEW_MODELS]
        for group, codenames in ROLE_PERMISSIONS["articles"].items()
    }


def grant_provenance(apps, schema_editor):
    grant(apps, "articles", provenance_codenames())


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0001_roles"),
        ("articles", "0002_provenance"),
    ]

    operations = [migrations.RunPython(grant_provenance, migrations.RunPython.noop)]
