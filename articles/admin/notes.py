"""Editorial notes on the story form: colleagues add notes (kept as written, signed and
dated), and an @mention mails the colleague named."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet, BaseModelForm
from django.http import HttpRequest
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles import notices
from articles.models import Article, EditorialNote


class NoteFormSet(BaseInlineFormSet):
    request: HttpRequest  # set per request by EditorialNoteInline.get_formset()

    def save_new(self, form: BaseModelForm[EditorialNote], commit: bool = True) -> EditorialNote:
        form.instance.author = self.request.user  # type: ignore[assignment]  # staff only here
        note = super().save_new(form, commit)
        told = notices.tell_mentioned(note)
        if told:
            names = ", ".join(p.get_full_name() or p.get_username() for p in told)
            messages.info(self.request, f"Your note was e-mailed to {names}.")
        told_names = {p.get_username().lower() for p in told}
        own = note.author.get_username().lower() if note.author else ""
        unknown = sorted(
            n for n in notices.mentioned_names(note.text) if n.lower() not in {*told_names, own}
        )
        if unknown:
            messages.warning(
                self.request,
                "Nobody was told about @" + ", @".join(unknown) + ": no colleague by that name "
                "with an e-mail address may open this story.",
            )
        return note


class EditorialNoteInline(admin.StackedInline):
    model = EditorialNote
    formset = NoteFormSet
    extra = 0
    fields = ["text", "signed"]
    readonly_fields = ["signed"]
    verbose_name_plural = "editorial notes (staff only; @username e-mails a colleague)"

    def get_formset(self, request: HttpRequest, obj: Article | None = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        # A fresh class per call, so the request is this one's alone.
        formset.request = request  # type: ignore[attr-defined]  # read by NoteFormSet
        return formset

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("author")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a note stays as written: add another to correct it

    @admin.display(description=_("Written"))
    def signed(self, note: EditorialNote) -> str:
        if not note.pk:
            return "When you save."
        who = (note.author.get_full_name() or note.author.get_username()) if note.author else "—"
        return f"{who}, {date_filter(timezone.localtime(note.created_at), 'j M Y, H:i')}"
