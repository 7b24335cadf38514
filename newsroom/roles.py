"""The three newsroom roles and what each may do (the README's "Roles").

Migrations call `grant()` with the permissions their models add, so a role never silently
lacks access to a new model: a test compares the groups with this table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.apps.registry import Apps

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
            # Provenance: writers record the figures, quotes and sources of their own
            # stories, and may remove a row from their own story, but the shared registries
            # (sources, people) are only deleted by editors, and metrics are editors' to define.
            "add_source",
            "change_source",
            "view_source",
            "add_articlesource",
            "change_articlesource",
            "delete_articlesource",
            "view_articlesource",
            "add_figure",
            "change_figure",
            "delete_figure",
            "view_figure",
            "add_person",
            "change_person",
            "view_person",
            "add_quote",
            "change_quote",
            "delete_quote",
            "view_quote",
            "view_metric",
            "view_publisher",
            "view_publisherdomain",
            # Notes to colleagues on the stories they may open.
            "add_editorialnote",
            "view_editorialnote",
            # The media library: writers upload and describe pictures and set their focal
            # point; removing one from the library is an editor's call.
            "add_image",
            "change_image",
            "view_image",
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
                "source",
                "articlesource",
                "figure",
                "metric",
                "person",
                "quote",
                "publisher",
                "publisherdomain",
                "image",
            )
            for action in ("add", "change", "delete", "view")
        ]
        # The outlet's one row (logo, share picture): changed, never added or deleted.
        + ["change_outlet", "view_outlet"]
        + ["publish_article", "view_historicalarticle"]
        # Shared previews show an unpublished story to someone outside: editors decide that.
        + ["add_previewlink", "change_previewlink", "view_previewlink"]
        + ["add_editorialnote", "delete_editorialnote", "view_editorialnote"],
        MODERATORS: [
            "view_article",
            "view_section",
            "view_author",
            "view_source",
            "view_articlesource",
            "view_figure",
            "view_metric",
            "view_person",
            "view_quote",
            "view_publisher",
            "view_image",
        ],
    },
    "comments": {
        group: [
            f"{action}_{model}"
            for model in ("comment", "flag", "moderationword", "block", "moderationlimits")
            for action in ("add", "change", "delete", "view")
        ]
        + ["moderate_comment", "view_moderationevent", "view_spammodel", "change_spammodel"]
        for group in (EDITORS, MODERATORS)
    },
    "taggit": {
        WRITERS: ["view_tag"],
        EDITORS: ["add_tag", "change_tag", "delete_tag", "view_tag"],
    },
    "newsroom": {
        EDITORS: [f"{action}_supportcampaign" for action in ("add", "change", "delete", "view")]
        # Gifts are the outlet's money: editors record cheques and event takings by hand and
        # export the list for the accounts; writers and moderators never see who gave what.
        # Donors' e-mail addresses (`see_email_gift`) are no role's: a superuser grants them
        # to the one person who answers donors, if anyone.
        + [f"{action}_gift" for action in ("add", "change", "delete", "view", "export")],
    },
    # The newsletter is the editors' alone. Writers and moderators see none of it: the
    # subscribers' addresses are personal data no story or comment needs. Nobody adds a
    # subscriber by hand (every address confirms itself), and deliveries are the sender's
    # record, read only.
    "newsletter": {
        EDITORS: [
            f"{action}_{model}"
            for model in ("newsletter", "edition", "editionitem")
            for action in ("add", "change", "delete", "view")
        ]
        + [
            f"{action}_{model}"
            for model in ("subscriber", "subscription")
            for action in ("change", "delete", "view")
        ]
        + ["view_delivery"],
    },
}


def grant(apps: Apps, app_label: str, table: dict[str, list[str]]) -> None:
    """Create the groups if needed and give each the listed permissions of `app_label`.

    Only models that exist at this point of the migration history are granted: migrations run
    in an order the graph allows, not the order they were written, so the role migration that
    follows each model's migration grants it. A codename of an existing model that has no
    permission row is a typo and stops the migration.
    """
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; a role migration needs them now.
    app_config = apps.get_app_config(app_label)
    # Historical app configs (in migrations) have no models module; the live one does.
    # create_permissions() skips an app without one, so a stand-in is set while it runs.
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True  # type: ignore[assignment]  # read as a flag
    try:
        create_permissions(app_config, verbosity=0, apps=apps)
    finally:
        app_config.models_module = models_module

    known_models = {m._meta.model_name for m in app_config.get_models() if m._meta.model_name}
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in table.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        wanted = {c for c in codenames if _model_of(c, known_models) is not None}
        perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=wanted)
        missing = wanted - set(perms.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Unknown permissions for {app_label}: {sorted(missing)}")
        group.permissions.add(*perms)


def _model_of(codename: str, known_models: set[str]) -> str | None:
    """The model a codename is about: `add_figure` → `figure`; custom ones by suffix."""
    action, _, model = codename.partition("_")
    if action in {"add", "change", "delete", "view"}:
        return model if model in known_models else None
    # Custom permissions (publish_article, moderate_comment) end with their model's name.
    return next((m for m in known_models if codename.endswith(f"_{m}")), None)
