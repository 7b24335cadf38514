"""What readers and moderators submit. Every form lists its fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from comments.decisions import BY_VALUE, DECISIONS
from comments.models import Comment, Flag, ModerationEvent
from comments.rules import MAX_LENGTH, MIN_LENGTH, RESERVED_NAME_MESSAGE, is_staff_name
from comments.text import clean_text

# Large enough for any real id, small enough for every database's integer column.
MAX_ID = 2**62


class CommentForm(forms.Form):
    name = forms.CharField(max_length=80, label=_("Name"), help_text=_("Shown with your comment."))
    email = forms.EmailField(
        max_length=254,
        label=_("E-mail"),
        help_text=_("Never shown. We write only if you ask below."),
    )
    body = forms.CharField(
        label=_("Comment"),
        min_length=MIN_LENGTH,
        max_length=MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain text. Web addresses become links."),
    )
    notify_replies = forms.BooleanField(required=False, label=_("E-mail me replies"))
    # The honeypot: hidden from people by CSS and from screen readers by aria-hidden.
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    parent = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )
    stamp = forms.CharField(required=False, max_length=300, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.signed_in = bool(user is not None and user.is_authenticated)
        if self.signed_in:
            # Staff post under their account; these are not asked for.
            self.fields["name"].required = False
            self.fields["email"].required = False

    def clean_name(self) -> str:
        name = clean_text(self.cleaned_data.get("name", ""), multiline=False)
        if not self.signed_in:
            if not name:
                raise forms.ValidationError(
                    gettext("Please give a name to show with your comment.")
                )
            if is_staff_name(name):
                raise forms.ValidationError(RESERVED_NAME_MESSAGE, code="reserved")
        return name

    def clean_body(self) -> str:
        body = clean_text(self.cleaned_data.get("body", ""), multiline=True)
        if len(body) < MIN_LENGTH:
            raise forms.ValidationError(
                gettext("Please write at least %(count)d characters.") % {"count": MIN_LENGTH},
                code="min_length",
            )
        return body

    def clean_email(self) -> str:
        return (self.cleaned_data.get("email") or "").strip()


class FlagForm(forms.Form):
    # Radio buttons with none ticked: a reader who only presses "Send report" is asked to
    # choose, rather than filing whichever reason happened to be first.
    reason = forms.ChoiceField(
        choices=Flag.Reason.choices,
        label=_("What is wrong with it?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose what is wrong with the comment.")},
    )
    note = forms.CharField(
        required=False,
        max_length=500,
        label=_("Anything else (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_note(self) -> str:
        return clean_text(self.cleaned_data.get("note", ""), multiline=True)


# Stored as written here (the log and the commenter's record keep the English); each is shown
# to the moderator in the site's language.
REJECT_REASONS = [
    gettext_noop("Breaks the community guidelines"),
    gettext_noop("Abusive or personal attack"),
    gettext_noop("Off-topic"),
    gettext_noop("Spam or advertising"),
    gettext_noop("Shares private details"),
    gettext_noop("Legal risk (defamation, contempt)"),
]


class ModerationForm(forms.Form):
    action = forms.ChoiceField(choices=[(d.value, d.label) for d in DECISIONS])
    reason = forms.ChoiceField(
        required=False, choices=[("", _("No reason"))] + [(r, _(r)) for r in REJECT_REASONS]
    )
    reason_text = forms.CharField(required=False, max_length=300, label=_("Or type a reason"))
    # The status the moderator saw: a decision on a comment decided since is refused.
    seen = forms.ChoiceField(required=False, choices=[("", ""), *Comment.Status.choices])
    comments = forms.ModelMultipleChoiceField(
        queryset=Comment.objects.all(), required=False, widget=forms.MultipleHiddenInput
    )

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        typed = clean_text(cleaned.get("reason_text") or "", multiline=False)
        cleaned["why"] = typed or cleaned.get("reason") or ""
        cleaned["decision"] = decision = BY_VALUE.get(cleaned.get("action") or "")
        if decision is None or not decision.takes_reason:
            # Only what the moderator chose or typed, and only for a decision that takes it.
            cleaned["why"] = ""
        return cleaned


class LogFilterForm(forms.Form):
    action = forms.ChoiceField(
        required=False, choices=[("", _("Any action")), *ModerationEvent.Action.choices]
    )
    actor_kind = forms.ChoiceField(
        required=False,
        label=_("By"),
        choices=[("", _("Anyone")), *ModerationEvent.ActorKind.choices],
    )
    actor = forms.CharField(required=False, max_length=150, label=_("Name or rule"))
    comment = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, label=_("Comment"))
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
