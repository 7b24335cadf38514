"""The story's history pages in the admin: every version with who, when and what changed in
words; any two versions compared word by word; and what a revert would leave behind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from articles.models import Article
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
