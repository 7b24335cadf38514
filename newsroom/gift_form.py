"""The support page's gift form: how often, how much (a preset or another amount), a name."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from newsroom.models import Gift, SupportCampaign, format_money

OTHER = "other"


class GiftForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Gift.Frequency.choices,
        initial=Gift.Frequency.ONE_OFF,
        widget=forms.RadioSelect,
    )
    amount = forms.ChoiceField(label=_("Amount"), widget=forms.RadioSelect)
    other_amount = forms.DecimalField(
        label=_("Another amount"),
        required=False,
        max_digits=8,
        decimal_places=2,
        help_text=_("For example 15 or 12.50."),
    )
    donor_name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        max_length=120,
        help_text=_("For your receipt only; leave it empty to give anonymously."),
    )

    def __init__(self, *args: Any, campaign: SupportCampaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        presets = [Decimal(amount) for amount in settings.NEWSROOM_GIFT_AMOUNTS]
        amount = self.fields["amount"]
        assert isinstance(amount, forms.ChoiceField)  # declared above
        amount.choices = [
            *((str(preset), format_money(preset, campaign.currency)) for preset in presets),
            (OTHER, gettext("Another amount")),
        ]
        amount.initial = str(presets[1]) if len(presets) > 1 else OTHER
        self.fields["other_amount"].widget.attrs.update(
            {
                "min": settings.NEWSROOM_GIFT_MIN,
                "max": settings.NEWSROOM_GIFT_MAX,
                "step": "0.01",
                "inputmode": "decimal",
            }
        )

    def clean(self) -> dict[str, Any]:
        """The gift's amount as `gift_amount`. A typed amount wins over a preset: typing is
        the more deliberate choice, and a reader may not think of the radio button beside it."""
        cleaned = super().clean() or {}
        other = cleaned.get("other_amount")
        if other is None and "other_amount" not in self.errors:
            if cleaned.get("amount") not in (None, "", OTHER):
                cleaned["gift_amount"] = Decimal(cleaned["amount"])
            elif cleaned.get("amount") == OTHER:
                self.add_error("other_amount", gettext("Type the amount you would like to give."))
            return cleaned
        if other is None:
            return cleaned
        low, high = Decimal(settings.NEWSROOM_GIFT_MIN), Decimal(settings.NEWSROOM_GIFT_MAX)
        if not low <= other <= high:
            self.add_error(
                "other_amount",
                gettext("Choose an amount from %(low)s to %(high)s.")
                % {
                    "low": format_money(low, self.campaign.currency),
                    "high": format_money(high, self.campaign.currency),
                },
            )
            return cleaned
        cleaned["gift_amount"] = other
        return cleaned
