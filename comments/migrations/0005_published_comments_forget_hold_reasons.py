"""Published comments no longer keep why they were once held; the log still says it."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def forget_answered_hold_reasons(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Comment = apps.get_model("comments", "Comment")
    Comment.objects.filter(status="approved").exclude(held_reasons=[]).update(held_reasons=[])


class Migration(migrations.Migration):
    dependencies = [("comments", "0004_flag_state_and_limit")]

    operations = [
        migrations.RunPython(forget_answered_hold_reasons, migrations.RunPython.noop),
    ]
