"""The three newsroom roles and what each may do (DESIGN.md, "Roles").

Migrations call `grant()` with the permissions their models add, so a role never silently
lacks access to a new model: a test compares the groups with this table.
"""

from __future__ import annotations

from typing import Any

WRITERS = "Writers"
EDITORS = "Editors"
MODERATORS = "Moderators"

# app label -> group -> permission codenames
ROLE_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    "articles": {
        WRITERS: [
            "add_article",
            "change_article",
            "view_article",
            "add_articleauthor",
            "change_articleauthor",
            "delete_articleauthor",
            "view_articleauthor",
            "view_section",
            "view_author",
        ],
        EDITORS: [
            f"{action}_{model}"
            for model in (
                "article",
                "articleauthor",
                "section",
                "author",
                "correction",
                "articleredirect",
            )
            for action in ("add", "change", "delete", "view")
        ]
        + ["publish_article", "view_historicalarticle"],
        MODERATORS: ["view_article", "view_section", "view_author"],
    },
    "taggit": {
        WRITERS: ["view_tag"],
        EDITORS: ["add_tag", "change_tag", "delete_tag", "view_tag"],
    },
    "newsroom": {
        EDITORS: [f"{action}_supportcampaign" for action in ("add", "change", "delete", "view")],
    },
}


def grant(apps: Any, app_label: str, table: dict[str, list[str]]) -> None:
    """Create the groups if needed and give each the listed permissions of `app_label`."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; a role migration needs them now.
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in table.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Unknown permissions for {app_label}: {sorted(missing)}")
        group.permissions.add(*perms)
