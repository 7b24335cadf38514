"""The sign-up form readers submit: an address, the lists, a trap for bots and a stamp."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from newsletter.models import Newsletter


class SignupForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "placeholder": _("you@example.com")}
        ),
    )
    newsletters = forms.ModelMultipleChoiceField(
        label=_("Newsletters"),
        queryset=Newsletter.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Without a choice, you get the one offered in the sign-up box."),
    )
    # Hidden from people (CSS, aria-hidden); bots that fill every field give themselves away.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    stamp = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["newsletters"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Newsletter.objects.filter(is_active=True)

    def chosen(self) -> list[Newsletter]:
        """The lists ticked; from the box (no choice), those it offers, or else the first
        active list, so the box never signs a reader up to nothing."""
        chosen = list(self.cleaned_data["newsletters"])
        if chosen:
            return chosen
        active = Newsletter.objects.filter(is_active=True)
        return list(active.filter(in_signup_box=True)) or list(active[:1])
