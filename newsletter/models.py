"""The newsletter: the lists editors define, the readers on them (one address, one
subscription per list with its state), the editions composed from published stories and the
record of who was sent each edition.

Addresses are personal data: they appear in the admin for the roles that manage subscribers
and in the mail itself, never in a reader's page or a log line (`Subscriber.log_id`)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from articles.models import Article

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def validate_one_line(value: str) -> None:
    """A name or subject that goes into a mail header: no line breaks or other control
    characters (Django's mail refuses a header with a newline, so one would stop the send)."""
    if any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in value):
        raise ValidationError(
            _("Use one line of text: no line breaks, tabs or other control characters."),
            code="one_line",
        )


class Newsletter(models.Model):
    """A list readers subscribe to, such as the daily or the weekly."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    name = models.CharField(
        _("name"),
        max_length=100,
        validators=[validate_one_line],
        help_text=_("As readers see it, e.g. “The Morning Tide”."),
    )
    slug = models.SlugField(_("slug"), unique=True, help_text=_("Short name in addresses."))
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=400,
        help_text=_("One or two sentences on the newsletter page saying what readers get."),
    )
    frequency = models.CharField(
        _("frequency"),
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.WEEKLY,
        help_text=_("How much time an edition covers: the day or the week before it."),
    )
    in_signup_box = models.BooleanField(
        _("in the sign-up box"),
        default=False,
        help_text=_(
            "Readers who sign up from the box on the front page and under stories join this "
            "list. The newsletter page offers every active list."
        ),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive lists are not offered to readers and get no editions."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order on the newsletter page.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "name", "pk"]
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")

    def __str__(self) -> str:
        return self.name

    @property
    def period(self) -> dt.timedelta:
        return dt.timedelta(days=1 if self.frequency == self.Frequency.DAILY else 7)


class Subscriber(models.Model):
    """One address, whatever lists it is on. Stored lower-cased so an address is one row."""

    email = models.EmailField(_("e-mail address"), unique=True, max_length=254)
    created_at = models.DateTimeField(_("first signed up"), auto_now_add=True)
    # When the last confirmation mail went out and how many in the current day: what keeps
    # the form from being used to flood someone's inbox (newsletter/signup.py).
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmations_sent_today = models.PositiveSmallIntegerField(default=0, editable=False)
    soft_bounces = models.PositiveSmallIntegerField(
        default=0, editable=False, help_text=_("Temporary delivery failures reported so far.")
    )

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            # One row per mailbox whatever the case it was typed in: a second row for
            # "Ann@…" would get every edition twice and escape erasure and bounces.
            models.UniqueConstraint(
                Lower("email"),
                name="newsletter_subscriber_email_any_case",
                violation_error_message=_("This address is already a subscriber."),
            ),
        ]

    def __str__(self) -> str:
        return f"Subscriber {self.pk}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = self.normalise(self.email)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def find(cls, email: str) -> Subscriber | None:
        """The row for an address however its case was written (bounces, erasure, export)."""
        return cls.objects.filter(email__iexact=email.strip()).first()

    @staticmethod
    def normalise(email: str) -> str:
        return email.strip().lower()

    @property
    def log_id(self) -> str:
        """What a log line names instead of the address: the row and a keyed hash."""
        return f"subscriber {self.pk} ({address_digest(self.email)})"


def address_digest(email: str) -> str:
    """A keyed hash of an address, so logs can tell two addresses apart without naming one."""
    return salted_hmac("newsletter.email", Subscriber.normalise(email)).hexdigest()[:16]


class SubscriptionQuerySet(models.QuerySet["Subscription"]):
    def confirmed(self) -> Self:
        """Who receives editions: the one definition, used by the sender and the admin."""
        return self.filter(status=Subscription.Status.CONFIRMED)


class Subscription(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Address bounced")
        COMPLAINED = "complained", _("Marked as spam")

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.CASCADE, related_name="subscriptions"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    ended_at = models.DateTimeField(
        _("ended"), null=True, blank=True, help_text=_("Unsubscribed, bounced or complained.")
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "newsletter"], name="newsletter_one_subscription_per_list"
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="newsletter_confirmed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["newsletter", "status", "subscriber"])]

    def __str__(self) -> str:
        return f"{self.newsletter} · {self.get_status_display()}"

    def issued_before_end(self, issued_at: dt.datetime) -> bool:
        """Whether a link issued at `issued_at` predates this subscription's end (an
        unsubscribe, bounce or complaint): such a link must not undo it. Links carry whole
        seconds, so a link from the second the subscription ended counts as older."""
        if self.ended_at is None:
            return False
        return issued_at <= self.ended_at.replace(microsecond=0)

    def confirm(self, *, at: dt.datetime | None = None) -> bool:
        """Confirm the address for this list; confirming twice changes nothing. A reader who
        left (or whose address bounced) and confirms a fresh link is back on the list."""
        if self.status == self.Status.CONFIRMED:
            return False
        self.status = self.Status.CONFIRMED
        self.confirmed_at = at or timezone.now()
        self.ended_at = None
        self.save(update_fields=["status", "confirmed_at", "ended_at"])
        return True

    def end(self, status: Status, *, at: dt.datetime | None = None) -> bool:
        """Take the address off this list: unsubscribed, bounced or complained."""
        assert status in {self.Status.UNSUBSCRIBED, self.Status.BOUNCED, self.Status.COMPLAINED}
        if self.status == status:
            return False
        self.status = status
        self.ended_at = at or timezone.now()
        self.save(update_fields=["status", "ended_at"])
        return True


class Edition(models.Model):
    """One issue of a newsletter: the stories of its period, in order, with an editor's note."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved for sending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        # The sender could not build its message (see `held_reason`); nobody was claimed
        # for the failing message. An editor corrects it and approves it again.
        HELD = "held", _("Held: could not be sent")

    newsletter = models.ForeignKey(Newsletter, on_delete=models.PROTECT, related_name="editions")
    subject = models.CharField(
        _("subject"),
        max_length=150,
        validators=[validate_one_line],
        help_text=_("The e-mail's subject line."),
    )
    editor_note = models.TextField(
        _("editor's note"),
        blank=True,
        max_length=2000,
        help_text=_("Plain text shown above the stories. Leave empty for none."),
    )
    period_start = models.DateTimeField(
        _("stories from"), help_text=_("Stories published from this time…")
    )
    period_end = models.DateTimeField(_("stories until"), help_text=_("…up to this time."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    sent_at = models.DateTimeField(_("finished sending"), null=True, blank=True, editable=False)
    held_reason = models.CharField(_("why it was held"), max_length=300, blank=True, editable=False)

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lt=models.F("period_end")),
                name="newsletter_edition_period_forwards",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.HELD}

    def stories(self) -> list[Article]:
        """What the edition prints, in its order: the included stories that are still live
        (a story unpublished since composing drops out by itself)."""
        items = (
            self.items.filter(included=True, article__in=Article.objects.published())
            .select_related("article__section")
            .order_by("position", "pk")
        )
        return [item.article for item in items]

    def approve(self, *, by: User) -> bool:
        if not self.is_editable:
            return False
        self.status = self.Status.APPROVED
        self.approved_at = timezone.now()
        self.approved_by = by
        self.held_reason = ""
        self.save(update_fields=["status", "approved_at", "approved_by", "held_reason"])
        return True

    def hold(self, reason: str) -> None:
        """Stop sending this edition until an editor corrects it and approves it again."""
        self.status = self.Status.HELD
        self.held_reason = reason[:300]
        self.save(update_fields=["status", "held_reason"])

    def start_sending(self) -> None:
        if self.status == self.Status.APPROVED:
            self.status = self.Status.SENDING
            self.save(update_fields=["status"])

    def finish_sending(self) -> None:
        self.status = self.Status.SENT
        self.sent_at = timezone.now()
        self.save(update_fields=["status", "sent_at"])


class EditionItem(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="+", verbose_name=_("story")
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in the edition: 1 comes first.")
    )
    included = models.BooleanField(
        _("included"), default=True, help_text=_("Untick to leave the story out.")
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("story in the edition")
        verbose_name_plural = _("stories in the edition")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "article"], name="newsletter_story_once_per_edition"
            )
        ]

    def __str__(self) -> str:
        return self.article.headline


class Delivery(models.Model):
    """One recipient of one edition. The row is written before the message is handed to the
    SMTP server, and its uniqueness is what makes a second send to anyone impossible: see
    newsletter/sending.py."""

    class Status(models.TextChoices):
        # Claimed: the message is being handed over. A row left in this state was interrupted
        # between its claim and the server's answer; it is never retried (at most once).
        SENDING = "sending", _("Sending (outcome unknown if it stays so)")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Refused by the mail server")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.SENDING)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "subscriber"], name="newsletter_one_delivery_per_recipient"
            )
        ]

    def __str__(self) -> str:
        return f"{self.edition} → subscriber {self.subscriber_id}"


def unsubscribe_everywhere(subscriber: Subscriber, status: Subscription.Status) -> int:
    """End every subscription of an address (a bounce or a complaint is about the address,
    not one list); returns how many changed. A bounce leaves a reader's own "unsubscribed"
    as it is; a complaint is recorded over it, since it says more."""
    ended = 0
    with transaction.atomic():
        for subscription in subscriber.subscriptions.exclude(status=status):
            keeps_own_choice = (
                subscription.status == Subscription.Status.UNSUBSCRIBED
                and status != Subscription.Status.COMPLAINED
            )
            if not keeps_own_choice:
                ended += subscription.end(status)
    return ended
