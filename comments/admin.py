"""Comments in the admin: the same verbs and filters as the moderation queue, plus the word
lists, blocks and limits moderators tune."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from articles.admin.private_fields import PrivateFieldsAdmin, nobody
from articles.permissions import staff_member
from comments.decisions import DECISIONS, Decision, is_moderator
from comments.models import (
    Block,
    Comment,
    Flag,
    ModerationEvent,
    ModerationLimits,
    ModerationWord,
    SpamModel,
)


class FlagInline(admin.TabularInline):
    model = Flag
    extra = 0
    fields = ["reason", "note", "at"]
    readonly_fields = ["reason", "note", "at"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = ModerationEvent
    extra = 0
    fields = ["at", "action", "actor_name", "reason"]
    readonly_fields = ("at", "action", "actor_name", "reason")
    can_delete = False
    ordering = ["at", "pk"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def _admin_action(decision: Decision) -> Callable[..., None]:
    """The decision as an admin action, named for the comment's verb it calls."""

    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        for comment in queryset:
            decision.apply(comment, by=staff_member(request))
        modeladmin.message_user(request, decision.told_many(queryset.count()), messages.SUCCESS)

    action.__name__ = action.__qualname__ = decision.verb
    return admin.action(description=decision.admin_label, permissions=["moderate"])(action)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "name", "article", "status", "created_at", "moderated_by"]
    list_select_related = ["article", "moderated_by"]
    list_filter = ["status", "created_at", "article__section", "article__comment_mode"]
    search_fields = ["body", "name", "email", "=ip_hash", "article__headline"]
    date_hierarchy = "created_at"
    fields = [
        "article", "parent", "name", "email", "user", "body", "notify_replies",
        "status", "flag_state", "reasons", "ip_hash", "created_at", "moderated_by", "moderated_at",
    ]  # fmt: skip
    # Readers' words are not edited: a moderator publishes, rejects or removes, and the log
    # says which.
    readonly_fields = list(fields)  # type: ignore[arg-type]  # the stubs' fields allow groups
    inlines = [FlagInline, EventInline]
    actions = [_admin_action(decision) for decision in DECISIONS if decision.admin_label]
    list_per_page = 50

    @admin.display(description=_("Comment"))
    def excerpt(self, obj: Comment) -> str:
        return Truncator(obj.body).chars(80)

    @admin.display(description=_("Why it was held"))
    def reasons(self, obj: Comment) -> str:
        return obj.reasons_text or "—"

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # The way to the queue from the list, with what waits there.
        waiting = Comment.objects.filter(status=Comment.Status.PENDING).count()
        return super().changelist_view(
            request, {**(extra_context or {}), "moderation_waiting": waiting}
        )

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return is_moderator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Comments come from readers through the rules, never typed in by staff.
        return False


@admin.register(ModerationEvent)
class ModerationEventAdmin(admin.ModelAdmin):
    list_display = ["at", "comment_ref", "action", "actor_kind", "actor_name", "reason"]
    list_filter = ["action", "actor_kind", "at"]
    search_fields = ["actor_name", "reason", "=comment_ref"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Flag)
class FlagAdmin(PrivateFieldsAdmin):
    # The flagger's address hash counts flags per reader and is shown to nobody; a lookup on
    # it would tell a moderator which flags came from a commenter whose hash they have seen.
    private_fields = {"ip_hash": nobody}
    list_display = ["comment", "reason", "note", "at"]
    list_select_related = ["comment"]
    list_filter = ["reason", "at"]
    raw_id_fields = ["comment"]


@admin.register(ModerationWord)
class ModerationWordAdmin(admin.ModelAdmin):
    list_display = ["word", "action", "note", "created_at"]
    list_filter = ["action"]
    search_fields = ["word"]


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["kind", "value", "reason", "created_at", "created_by"]
    list_select_related = ["created_by"]
    list_filter = ["kind"]
    search_fields = ["value", "reason"]

    def save_model(self, request: HttpRequest, obj: Block, form: object, change: bool) -> None:
        if not change:
            obj.created_by = staff_member(request)
        super().save_model(request, obj, form, change)


@admin.register(ModerationLimits)
class ModerationLimitsAdmin(admin.ModelAdmin):
    list_display = ["__str__"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not ModerationLimits.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SpamModel)
class SpamModelAdmin(admin.ModelAdmin):
    """Trained by `manage.py train_spam_model`; moderators may only move its threshold."""

    list_display = ["trained_at", "examples", "held_back", "precision", "recall", "threshold"]
    fields = ["trained_at", "examples", "held_back", "precision", "recall", "threshold"]
    readonly_fields = ["trained_at", "examples", "held_back", "precision", "recall"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
