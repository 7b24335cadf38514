"""Create the Writers, Editors and Moderators groups with their permissions."""

from django.db import migrations

from newsroom.roles import ROLE_PERMISSIONS, grant


def create_roles(apps, schema_editor):
    for app_label in ("articles", "taggit"):
        grant(apps, app_label, ROLE_PERMISSIONS[app_label])


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("articles", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
