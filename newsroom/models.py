"""Site-wide content that is not a story: the support campaign and the gifts it counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles import page_tags


class SupportCampaignQuerySet(models.QuerySet):
    def running(self, at: dt.datetime | None = None) -> SupportCampaignQuerySet:
        """Campaigns readers may see: started, and not yet ended."""
        now = at or timezone.now()
        return self.filter(starts_at__lte=now).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))

    def current(self, at: dt.datetime | None = None) -> SupportCampaign | None:
        """The one campaign shown on the site: the most recently started running one."""
        return self.running(at=at).order_by("-starts_at", "-pk").first()


class SupportCampaign(models.Model):
    """The "Consider helping us!" appeal, with its goal; what it has raised is its gifts' sum."""

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
    currency = models.CharField(
        max_length=3,
        choices=Currency,
        default=Currency.GBP,
        help_text=_("Shown with the goal and the amount raised; every gift is in this currency."),
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
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="campaign_ends_after_start",
                violation_error_message="The campaign must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # Gifts carry the campaign's currency; switching it would mix pounds with euros.
        if self.pk and self.gifts.exclude(currency=self.currency).exists():
            raise ValidationError(
                {"currency": _("This campaign already has gifts in another currency.")}
            )

    @cached_property
    def raised(self) -> Decimal:
        """The sum of the campaign's gifts, read from the cache (`raised_total`)."""
        return raised_total(self.pk)

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

    @property
    def scale(self) -> list[str]:
        """The marks under the bar: its start, middle and end (the goal), as money."""
        return [
            format_money(mark, self.currency) for mark in (Decimal(0), self.goal / 2, self.goal)
        ]


def format_money(amount: Decimal, currency: str) -> str:
    """'£1,250' or '£1,250.50': pence only when there are some, thousands grouped the way the
    site's language writes numbers (Django's number format: '1 250,50' in Spanish)."""
    symbol = SupportCampaign.SYMBOLS.get(currency, f"{currency} ")
    places = 0 if amount == amount.to_integral_value() else 2
    return f"{symbol}{number_format(amount, decimal_pos=places, force_grouping=True)}"


class Gift(models.Model):
    """Money a reader gave to a campaign: online through Stripe, or recorded by hand."""

    class Source(models.TextChoices):
        ONLINE = "online", _("Online (Stripe)")
        CHEQUE = "cheque", _("Cheque")
        EVENT = "event", _("At an event")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        OPENING_BALANCE = "opening_balance", _("Opening balance")

    class Frequency(models.TextChoices):
        ONE_OFF = "one_off", _("One-off")
        MONTHLY = "monthly", _("Monthly")

    campaign = models.ForeignKey(
        SupportCampaign,
        on_delete=models.PROTECT,  # money received is never deleted with its campaign
        related_name="gifts",
        help_text=_("The appeal this gift counts towards; its bar adds the gift at once."),
    )
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, help_text=_("What was given, in the campaign's currency.")
    )
    currency = models.CharField(
        max_length=3,
        choices=SupportCampaign.Currency,
        help_text=_("Must be the campaign's currency."),
    )
    received_at = models.DateTimeField(
        default=timezone.now, help_text=_("When the money arrived (the payment, the cheque).")
    )
    donor_name = models.CharField(
        max_length=120,
        blank=True,
        help_text=_("Leave empty for an anonymous gift. Never shown on the site."),
    )
    donor_email = models.EmailField(
        blank=True,
        help_text=_("Where the receipt was sent. Never shown on the site or written to logs."),
    )
    source = models.CharField(
        max_length=20,
        choices=Source,
        help_text=_("Online gifts come from Stripe; the others are recorded by hand."),
    )
    frequency = models.CharField(
        max_length=10,
        choices=Frequency,
        default=Frequency.ONE_OFF,
        help_text=_("Monthly: one payment of a standing gift; each month is a gift of its own."),
    )
    note = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("For the desk only, e.g. 'Quiz night at the Anchor'."),
    )
    stripe_payment = models.CharField(
        max_length=255,
        blank=True,
        help_text=_(
            "Online gifts: the Stripe Checkout Session (cs_…) of a one-off gift, or the invoice "
            "(in_…) of one monthly payment. Recorded once: a repeated webhook finds it."
        ),
    )
    stripe_subscription = models.CharField(
        max_length=255,
        blank=True,
        help_text=_(
            "Monthly online gifts: the Stripe subscription (sub_…) the payment is part of."
        ),
    )
    recorded_by = models.ForeignKey(
        "auth.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who recorded a gift by hand; empty for online gifts."),
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        permissions = [
            ("export_gift", "Can export gifts as CSV"),
            ("see_email_gift", "Can see donors' e-mail addresses"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="gift_amount_positive",
                violation_error_message=_("A gift must be more than zero."),
            ),
            # What the column holds (max_digits=12): PostgreSQL refuses more by itself, SQLite
            # would store it and then fail to read it back, taking the gifts list with it.
            models.CheckConstraint(
                condition=Q(amount__lt=Decimal("10000000000")),
                name="gift_amount_fits",
                violation_error_message=_("A gift must be less than 10,000,000,000."),
            ),
            # What makes the Stripe webhook idempotent: a payment is stored once, however
            # often Stripe retries or someone replays the event.
            models.UniqueConstraint(
                fields=["stripe_payment"],
                condition=~Q(stripe_payment=""),
                name="gift_stripe_payment_once",
                violation_error_message=_("This Stripe payment is already recorded."),
            ),
            models.CheckConstraint(
                condition=(Q(source="online") & ~Q(stripe_payment=""))
                | (~Q(source="online") & Q(stripe_payment="", stripe_subscription="")),
                name="gift_online_iff_stripe",
                violation_error_message=_(
                    "Online gifts come from Stripe; a gift recorded by hand has no Stripe ids."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{format_money(self.amount, self.currency)} — {self.donor_display}"

    def clean(self) -> None:
        campaign = self.campaign if self.campaign_id else None
        if campaign is not None and self.currency != campaign.currency:
            raise ValidationError(
                {
                    "currency": _("This campaign raises %(currency)s; record the gift in it.")
                    % {"currency": campaign.get_currency_display()}
                }
            )

    @property
    def donor_display(self) -> str:
        return self.donor_name or gettext("Anonymous")

    @property
    def is_online(self) -> bool:
        return self.source == self.Source.ONLINE

    @property
    def amount_display(self) -> str:
        return format_money(self.amount, self.currency)


# --- The amount raised -------------------------------------------------------------------------


CENTS = Decimal("0.01")


def gifts_tag(campaign_id: int) -> str:
    """A version for a campaign's gifts, bumped by every gift saved or deleted (see
    newsroom/invalidation.py); its total is cached under it."""
    return f"campaign-gifts:{campaign_id}"


def raised_total(campaign_id: int | None) -> Decimal:
    """The sum of a campaign's gifts: one SUM per change of its gifts, not one per page.

    Kept under the version of `gifts_tag`, so a gift committed while a total was being summed
    can never leave the old sum in place: the gift's bump after commit moves readers to a new
    key (the page cache's own rule, newsroom/pagecache.py).
    """
    if campaign_id is None:
        return Decimal(0)
    tag = gifts_tag(campaign_id)
    key = f"newsroom:campaign-total:{campaign_id}:{page_tags.versions([tag])[tag]}"
    total = cache.get(key)
    if total is None:
        summed = Gift.objects.filter(campaign_id=campaign_id).aggregate(total=Sum("amount"))
        total = summed["total"] or Decimal(0)
        cache.set(key, total, timeout=page_tags.VERSION_TIMEOUT)
    return Decimal(total).quantize(CENTS)
