"""Autosave of the story form: the endpoint the browser posts unsaved copies to, and the offer
to restore one when the form is opened again (static/js/autosave.js does the typing side).

A copy is a `StoryAutosave` row, never the story: saving one changes no story field, bumps
no version and writes no history. The copy remembers the version the form was opened at, so
a colleague's newer save is never undone without the editor being told first.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import reverse
from django.utils import formats, timezone

from articles.admin.dates import admin_datetime
from articles.models import Article, StoryAutosave
from articles.permissions import staff_member

if TYPE_CHECKING:
    import datetime as dt

    from django.contrib.admin import ModelAdmin
    from django.contrib.auth.models import User

# What the browser sends that is not the story: the CSRF token, the workflow buttons.
_NOT_STORY = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother", "_publish"}
# A story with its inlines is a few hundred fields; far more is not a story form.
MAX_FIELDS = 3000


def when_label(moment: dt.datetime) -> str:
    """ "14:02" today, "1 Dec 2026, 14:02" another day: in the newsroom's time zone."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return formats.time_format(local, "TIME_FORMAT")
    return admin_datetime(local)


def autosave_view(
    model_admin: ModelAdmin[Article], request: HttpRequest, object_id: str | None = None
) -> HttpResponse:
    """Store (POST) or throw away (POST with `discard`) this person's unsaved copy."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = staff_member(request)
    article = _story_for(model_admin, request, object_id)
    copy = StoryAutosave.objects.filter(user=user, article=article)
    if "discard" in request.POST:
        copy.delete()
        return _json({"discarded": True})
    fields = {
        name: request.POST.getlist(name)[:100]
        for name in list(request.POST)[:MAX_FIELDS]
        if name not in _NOT_STORY
    }
    loaded = _int_or_none(request.POST.get("loaded_version"))
    now = timezone.now()
    with transaction.atomic():
        StoryAutosave.objects.update_or_create(
            user=user,
            article=article,
            defaults={"fields": fields, "based_on_version": loaded, "saved_at": now},
        )
    answer: dict[str, Any] = {"saved_at": when_label(now)}
    if article is not None and loaded is not None and article.version > loaded:
        answer["stale"] = stale_warning(article)
    return _json(answer)


def _story_for(
    model_admin: ModelAdmin[Article], request: HttpRequest, object_id: str | None
) -> Article | None:
    if object_id is None:
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        return None
    article = model_admin.get_object(request, object_id)
    # A story this person may not see is answered like one that does not exist.
    if article is None or not model_admin.has_change_permission(request, article):
        raise PermissionDenied
    return article


def _last_save(article: Article) -> tuple[str, str]:
    """Who saved the story last, and when."""
    last = article.history.select_related("history_user").first()
    who = _name(last.history_user) if last and last.history_user else "A colleague"
    return who, when_label(last.history_date if last else article.updated_at)


def stale_warning(article: Article) -> str:
    who, when = _last_save(article)
    return (
        f"{who} saved this story at {when}, after you opened it. Your typing is kept as an "
        "unsaved copy; saving now would be refused. Reload to see their version, then "
        "restore your copy and compare."
    )


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def restore_offer(request: HttpRequest, article: Article | None, *, offer: bool = True) -> str:
    """What the form's script needs, as JSON: where to autosave, and the copy it may offer
    back (`offer=False` when the form comes back refused: it already holds the latest
    typing). It goes in a data attribute, not a <script>: the admin's policy allows no inline
    script but the editor's import map."""
    user = staff_member(request)
    if article is None:
        url = reverse("admin:articles_article_autosave_new")
    else:
        url = reverse("admin:articles_article_autosave", args=[article.pk])
    config: dict[str, Any] = {
        "url": url,
        "storageKey": f"newsroom-autosave:{user.pk}:{article.pk if article else 'new'}",
        "version": article.version if article else None,
        "timeZone": settings.TIME_ZONE,
        "offer": None,
    }
    copy = StoryAutosave.objects.filter(user=user, article=article).first() if offer else None
    if copy is not None:
        offered: dict[str, Any] = {
            "fields": copy.fields,
            "savedAt": copy.saved_at.isoformat(),
            "label": when_label(copy.saved_at),
            "warning": "",
        }
        if article is not None and (copy.based_on_version or 0) < article.version:
            who, when = _last_save(article)
            offered["warning"] = (
                f"It was made before {who} saved the story at {when}: restoring it puts your "
                "text back in the form, and saving it would replace their changes, so compare "
                "first."
            )
        config["offer"] = offered
    return json.dumps(config, cls=DjangoJSONEncoder)


def forget(request: HttpRequest, article: Article, *, was_new: bool) -> None:
    """The story was saved: this person's unsaved copy (of it, or of the new story) is moot."""
    user = staff_member(request)
    StoryAutosave.objects.filter(user=user, article=None if was_new else article).delete()


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _json(data: dict[str, Any]) -> JsonResponse:
    response = JsonResponse(data)
    response["Cache-Control"] = "private, no-store"
    return response
