"""Give the editors the newsletter (`ROLE_PERMISSIONS["newsletter"]`); writers and moderators
get nothing of it."""

from django.db import migrations

from newsroom.roles import ROLE_PERMISSIONS, grant


def grant_newsletter(apps, schema_editor):
    grant(apps, "newsletter", ROLE_PERMISSIONS["newsletter"])


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0001_newsletter"),
        # The groups exist from the first role migration on.
        ("newsroom", "0009_media_library_roles"),
    ]

    operations = [migrations.RunPython(grant_newsletter, migrations.RunPython.noop)]
