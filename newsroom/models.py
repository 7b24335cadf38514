"""Site-wide content that is not a story: the support campaign."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SupportCampaignQuerySet(models.QuerySet):
    def running(self, at: dt.datetime | None = None) -> SupportCampaignQuerySet:
        """Campaigns readers may see: started, and not yet ended."""
        now = at or timezone.now()
        return self.filter(starts_at__lte=now).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))

    def current(self, at: dt.datetime | None = None) -> SupportCampaign | None:
        """The one campaign shown on the site: the most recently started running one."""
        return self.running(at=at).order_by("-starts_at", "-pk").first()


class SupportCampaign(models.Model):
    """The "Consider helping us!" appeal, with its goal and what has been raised so far."""

    class Currency(models.TextChoices):
        GBP = "GBP", _("Pounds sterling (£)")
        EUR = "EUR", _("Euros (€)")
        USD = "USD", _("US dollars ($)")

    SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}

    title = models.CharField(
        max_length=120, help_text=_("The widget's heading, e.g. 'Do you like this content?'.")
    )
    appeal = models.TextField(
        help_text=_("A short paragraph under the heading asking readers to help; plain text.")
    )
    goal = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        help_text=_("The amount the campaign aims to raise; the progress bar ends here."),
    )
    raised = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        help_text=_(
            "Raised so far. Update it from the payment provider's dashboard; readers see "
            "exactly this figure."
        ),
    )
    currency = models.CharField(
        max_length=3,
        choices=Currency,
        default=Currency.GBP,
        help_text=_("Shown with the goal and the amount raised."),
    )
    donate_url = models.URLField(
        "donate link", help_text=_("The outlet's payment page; the Donate button goes here.")
    )
    starts_at = models.DateTimeField(
        default=timezone.now, help_text=_("The widget appears on the site from this time.")
    )
    ends_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Optional: the widget disappears at this time.")
    )

    objects = SupportCampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(goal__gt=0),
                name="campaign_goal_positive",
                violation_error_message="The goal must be more than zero.",
            ),
            models.CheckConstraint(
                condition=Q(raised__gte=0),
                name="campaign_raised_not_negative",
                violation_error_message="The amount raised cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="campaign_ends_after_start",
                violation_error_message="The campaign must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_running(self, at: dt.datetime | None = None) -> bool:
        now = at or timezone.now()
        return self.starts_at <= now and (self.ends_at is None or self.ends_at > now)

    @property
    def percent(self) -> int:
        """How far along the bar is, 0–100; a campaign past its goal shows a full bar."""
        if self.goal <= 0:
            return 0
        return max(0, min(100, int(self.raised * 100 / self.goal)))

    @property
    def raised_display(self) -> str:
        return format_money(self.raised, self.currency)

    @property
    def goal_display(self) -> str:
        return format_money(self.goal, self.currency)


def format_money(amount: Decimal, currency: str) -> str:
    """'£1,250' or '£1,250.50': pence only when there are some, grouped thousands."""
    symbol = SupportCampaign.SYMBOLS.get(currency, f"{currency} ")
    if amount == amount.to_integral_value():
        return f"{symbol}{int(amount):,}"
    return f"{symbol}{amount:,.2f}"
