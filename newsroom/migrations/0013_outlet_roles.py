"""Give editors their permissions on the outlet's row (`ROLE_PERMISSIONS`)."""

from django.db import migrations

from newsroom.roles import ROLE_PERMISSIONS, grant


def grant_outlet(apps, schema_editor):
    grant(
        apps,
        "articles",
        {
            group: [c for c in codenames if c.endswith("_outlet")]
            for group, codenames in ROLE_PERMISSIONS["articles"].items()
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0012_remove_campaign_raised"),
        ("articles", "0019_outlet_identity"),
    ]

    operations = [migrations.RunPython(grant_outlet, migrations.RunPython.noop)]
