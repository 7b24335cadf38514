"""Give the roles their permissions on the publisher registry (from `ROLE_PERMISSIONS`)."""

from django.db import migrations

from newsroom.roles import ROLE_PERMISSIONS, grant

NEW_MODELS = ("publisher", "publisherdomain")


def grant_publishers(apps, schema_editor):
    grant(
        apps,
        "articles",
        {
            group: [c for c in codenames if c.split("_", 1)[1] in NEW_MODELS]
            for group, codenames in ROLE_PERMISSIONS["articles"].items()
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0004_comment_roles"),
        ("articles", "0007_publishers"),
    ]

    operations = [migrations.RunPython(grant_publishers, migrations.RunPython.noop)]
