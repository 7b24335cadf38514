"""Give Moderators and Editors the comment permissions (the queue, the log, words, blocks)."""

from django.db import migrations

from newsroom.roles import ROLE_PERMISSIONS, grant


def grant_comment_roles(apps, schema_editor):
    grant(apps, "comments", ROLE_PERMISSIONS["comments"])


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0003_support_campaign"),
        ("comments", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant_comment_roles, migrations.RunPython.noop)]
