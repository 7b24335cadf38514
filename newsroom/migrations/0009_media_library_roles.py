"""Give the roles their permissions on the media library's pictures (`ROLE_PERMISSIONS`)."""

from django.db import migrations

from newsroom.roles import ROLE_PERMISSIONS, grant


def grant_images(apps, schema_editor):
    grant(
        apps,
        "articles",
        {
            group: [c for c in codenames if c.endswith("_image")]
            for group, codenames in ROLE_PERMISSIONS["articles"].items()
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0008_editorial_note_roles"),
        ("articles", "0014_image_library"),
    ]

    operations = [migrations.RunPython(grant_images, migrations.RunPython.noop)]
