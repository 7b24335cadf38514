"""Bulk actions on the story list that need a choice first: set the section, add tags. Each
shows a form listing the chosen stories, then changes each story through a normal save, so
its history, search row and cached pages follow. The list's queryset already holds only the
stories this person may change (`for_staff`); live ones are editors' to change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from taggit.utils import parse_tags

from articles.models import Article, Section
from articles.permissions import is_editor, staff_member

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin


class SectionChoiceForm(forms.Form):
    section = forms.ModelChoiceField(
        queryset=Section.objects.order_by("position", "name"),
        empty_label=None,
        help_text=_("Every chosen story moves to this section."),
    )


class TagsForm(forms.Form):
    tags = forms.CharField(
        max_length=500,
        help_text=_("Comma-separated. Added to each chosen story; its other tags stay."),
    )

    def clean_tags(self) -> list[str]:
        names = [name[:100] for name in parse_tags(self.cleaned_data["tags"]) if name.strip()]
        if not names:
            raise forms.ValidationError(_("Give at least one tag."))
        return names


def _changeable(request: HttpRequest, queryset: QuerySet[Article]) -> list[Article]:
    stories = list(queryset.select_related("section"))
    if not is_editor(request.user) and any(s.status == Article.Status.PUBLISHED for s in stories):
        raise PermissionDenied("Only editors change live or scheduled stories.")
    return stories


def _ask(
    model_admin: ModelAdmin[Article],
    request: HttpRequest,
    stories: list[Article],
    form: forms.Form,
    *,
    action: str,
    title: str,
    button: str,
) -> TemplateResponse:
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "stories": stories,
        "form": form,
        "action": action,
        "button": button,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/articles/article/bulk_action.html", context)


@admin.action(description=_("Set the section of…"), permissions=["change"])
def set_section(
    model_admin: ModelAdmin[Article], request: HttpRequest, queryset: QuerySet[Article]
) -> TemplateResponse | None:
    stories = _changeable(request, queryset)
    form = SectionChoiceForm(request.POST if "apply" in request.POST else None)
    if not form.is_valid():
        return _ask(
            model_admin,
            request,
            stories,
            form,
            action="set_section",
            title="Set the section of these stories",
            button="Move them",
        )
    section = form.cleaned_data["section"]
    moved = [story for story in stories if story.section_id != section.pk]
    with transaction.atomic():
        for story in moved:
            story.section = section
            story._history_user = staff_member(request)
            story._change_reason = f"Moved to {section.name} from the story list"
            story.save(update_fields=["section"])
    model_admin.message_user(
        request,
        f"Moved {len(moved)} stor{'y' if len(moved) == 1 else 'ies'} to {section.name}"
        + (
            f"; {len(stories) - len(moved)} were there already."
            if len(moved) < len(stories)
            else "."
        ),
        messages.SUCCESS,
    )
    return None


@admin.action(description=_("Add tags to…"), permissions=["change"])
def add_tags(
    model_admin: ModelAdmin[Article], request: HttpRequest, queryset: QuerySet[Article]
) -> TemplateResponse | None:
    stories = _changeable(request, queryset)
    form = TagsForm(request.POST if "apply" in request.POST else None)
    if not form.is_valid():
        return _ask(
            model_admin,
            request,
            stories,
            form,
            action="add_tags",
            title="Add tags to these stories",
            button="Add the tags",
        )
    names = form.cleaned_data["tags"]
    with transaction.atomic():
        for story in stories:
            story.tags.add(*names)
    model_admin.message_user(
        request,
        f"Added {', '.join(names)} to {len(stories)} stor{'y' if len(stories) == 1 else 'ies'}.",
        messages.SUCCESS,
    )
    return None
