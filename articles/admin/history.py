"""The story's history pages in the admin: every version with who, when and what changed in
words; any two versions compared word by word; and what a revert would leave behind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from articles.models import Article
from articles.permissions import is_editor
from articles.versions import StoryHistory

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin


def _version_id(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def history_page(
    model_admin: ModelAdmin[Article], request: HttpRequest, article: Article
) -> HttpResponse:
    story = StoryHistory(article.pk)
    versions = story.newest_first()
    older_id = _version_id(request.GET.get("from"))
    newer_id = _version_id(request.GET.get("to"))
    comparison = None
    if older_id is not None or newer_id is not None:
        older = story.get(older_id) if older_id is not None else None
        newer = story.get(newer_id) if newer_id is not None else None
        if older is None or newer is None:
            messages.error(request, "Choose two versions of this story to compare.")
        elif older is newer:
            messages.error(request, "Choose two different versions to compare.")
        else:
            comparison = story.compare(older, newer)
    default: tuple[int | None, int | None] = (None, None)
    if comparison is None and len(versions) > 1:
        default = (versions[1].history_id, versions[0].history_id)
    elif comparison is not None:
        default = (comparison.older.history_id, comparison.newer.history_id)
    context: dict[str, Any] = {
        **model_admin.admin_site.each_context(request),
        "title": f"History: {article}",
        "opts": model_admin.model._meta,
        "original": article,
        "article": article,
        "versions": versions,
        "comparison": comparison,
        "compare_from": default[0],
        "compare_to": default[1],
    }
    for version in versions:
        version.url = reverse(
            "admin:articles_article_simple_history", args=[article.pk, version.history_id]
        )
    return TemplateResponse(request, "admin/articles/article/history.html", context)


def revert_warnings(article_id: int, history_id: int) -> dict[str, list[str]]:
    """Corrections and figures recorded after the version an editor is about to restore."""
    story = StoryHistory(article_id)
    version = story.get(history_id)
    return story.recorded_after(version) if version else {}


class StoryHistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin with the story's own history page and a revert that asks
    what the story allows now, warns of what came later and runs in one transaction."""

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        """Every version in words, and any two compared (articles/admin/history.py)."""
        article = Article.objects.filter(pk=unquote(object_id)).first()
        if article is None:
            raise Http404("No such story.")
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return history_page(self, request, article)

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict | None = None,
    ) -> HttpResponse:
        if request.method == "POST":
            # django-simple-history checks only that the past version may be *seen*; pressing
            # Revert changes the story as it is now, so ask what the story allows now.
            current = Article.objects.filter(pk=object_id).first()
            if current is None or not self.has_change_permission(request, current):
                raise PermissionDenied("You may not change this story.")
            if current.status == Article.Status.PUBLISHED and not is_editor(request.user):
                raise PermissionDenied("Only editors can revert a live or scheduled story.")
        warnings = (
            revert_warnings(int(object_id), int(version_id))
            if object_id.isdigit() and version_id.isdigit()
            else {}
        )
        extra_context = {**(extra_context or {}), "recorded_later": warnings}
        # One transaction, as the change form has: the version guard locks the story's row
        # (select_for_update, refused outside a transaction on PostgreSQL) and the revert's
        # save and its redirect rows must land together.
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)
