"""Let Moderators and Editors see the learned spam model and move its threshold."""

from django.db import migrations

from newsroom.roles import ROLE_PERMISSIONS, grant


def grant_spam_model_roles(apps, schema_editor):
    grant(apps, "comments", ROLE_PERMISSIONS["comments"])


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0006_shared_preview_roles"),
        ("comments", "0008_spam_model"),
    ]

    operations = [migrations.RunPython(grant_spam_model_roles, migrations.RunPython.noop)]
