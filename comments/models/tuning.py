"""What moderators tune in the admin: the word lists, blocked addresses and the rules' limits;
and the spam score the site learned from their decisions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class ModerationWord(models.Model):
    class Action(models.TextChoices):
        HOLD = "hold", gettext_lazy("Hold for a moderator")
        REJECT = "reject", gettext_lazy("Reject")

    word = models.CharField(
        max_length=100,
        help_text=gettext_lazy(
            "A whole word or phrase, matched regardless of case ('liar' does not match 'familiar')."
        ),
    )
    action = models.CharField(
        max_length=6,
        choices=Action,
        help_text=gettext_lazy("What happens to a comment that contains it."),
    )
    note = models.CharField(
        max_length=200, blank=True, help_text=gettext_lazy("Why it is on the list.")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["action", "word"]
        verbose_name = gettext_lazy("moderation word")
        constraints = [
            models.UniqueConstraint(fields=["word", "action"], name="moderation_word_unique")
        ]

    def __str__(self) -> str:
        return f"{self.word} ({self.get_action_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.word = " ".join(self.word.split()).lower()
        super().save(*args, **kwargs)


class Block(models.Model):
    class Kind(models.TextChoices):
        EMAIL = "email", gettext_lazy("E-mail address")
        DOMAIN = "domain", gettext_lazy("E-mail domain")
        IP_HASH = "ip_hash", gettext_lazy("Address (hash)")

    kind = models.CharField(max_length=8, choices=Kind)
    value = models.CharField(
        max_length=254,
        help_text=gettext_lazy(
            "An e-mail address, a domain such as example.com, or an address hash from "
            "the moderation queue."
        ),
    )
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="block_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.value = self.value.strip().lower() if self.kind != self.Kind.IP_HASH else self.value
        super().save(*args, **kwargs)

    @classmethod
    def add(cls, kind: str, value: str, *, reason: str, by: User | None) -> Block:
        value = value.strip().lower() if kind != cls.Kind.IP_HASH else value
        block, _ = cls.objects.get_or_create(
            kind=kind, value=value, defaults={"reason": reason, "created_by": by}
        )
        return block


@dataclass(frozen=True)
class Limits:
    max_depth: int
    flag_threshold: int
    flags_per_hour: int
    min_seconds: int
    flood_burst_seconds: int
    flood_per_hour: int
    duplicate_hours: int
    hold_links: int


class ModerationLimits(models.Model):
    """The one row of limits moderators may change; an empty field uses the site default."""

    max_depth = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=gettext_lazy("Reply levels under a story (default 3).")
    )
    flag_threshold = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "Reader flags that send a published comment back to the queue (default 3)."
        ),
    )
    flags_per_hour = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "Flags one address may send in an hour; more are refused and not counted (default 10)."
        ),
    )
    min_seconds = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "A form sent sooner than this after it was opened is treated as a bot (default 3)."
        ),
    )
    flood_burst_seconds = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy("One comment per address within this many seconds (default 15)."),
    )
    flood_per_hour = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=gettext_lazy("Comments per address per hour (default 10).")
    )
    duplicate_hours = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "The same text again from the same reader within this is refused (default 6)."
        ),
    )
    hold_links = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy("This many links or more hold a comment (default 2)."),
    )

    class Meta:
        verbose_name = gettext_lazy("moderation limits")
        verbose_name_plural = gettext_lazy("moderation limits")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="one_limits_row")]

    def __str__(self) -> str:
        return "Moderation limits"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> Limits:
        row = cls.objects.filter(pk=1).first()
        defaults = {
            "max_depth": settings.COMMENTS_MAX_DEPTH,
            "flag_threshold": settings.COMMENTS_FLAG_THRESHOLD,
            "flags_per_hour": settings.COMMENTS_FLAGS_PER_HOUR,
            "min_seconds": settings.COMMENTS_MIN_SECONDS,
            "flood_burst_seconds": settings.COMMENTS_FLOOD_BURST_SECONDS,
            "flood_per_hour": settings.COMMENTS_FLOOD_PER_HOUR,
            "duplicate_hours": settings.COMMENTS_DUPLICATE_HOURS,
            "hold_links": settings.COMMENTS_HOLD_LINKS,
        }
        if row is not None:
            for field in defaults:
                if getattr(row, field) is not None:
                    defaults[field] = getattr(row, field)
        return Limits(**defaults)


class SpamModel(models.Model):
    """What `train_spam_model` learned from moderators' decisions (comments/spam_score.py).

    The newest row is the one the rules use; older rows stay as a record of how it did.
    """

    trained_at = models.DateTimeField(default=timezone.now, editable=False)
    counts = models.JSONField(editable=False, help_text=gettext_lazy("Token counts per class."))
    examples = models.PositiveIntegerField(
        editable=False,
        help_text=gettext_lazy("Decisions it learned from (published, rejected, spam)."),
    )
    held_back = models.PositiveIntegerField(
        editable=False, help_text=gettext_lazy("Decisions kept out of training to measure it.")
    )
    precision = models.FloatField(
        null=True,
        editable=False,
        help_text=gettext_lazy(
            "Of the held-back comments it would hold, the share moderators turned away."
        ),
    )
    recall = models.FloatField(
        null=True,
        editable=False,
        help_text=gettext_lazy(
            "Of the held-back comments moderators turned away, the share it would hold."
        ),
    )
    threshold = models.FloatField(
        default=0.9,
        help_text=gettext_lazy(
            "A comment scoring this or more (0 to 1) waits for a moderator. It never "
            "publishes or rejects anything by itself."
        ),
    )

    class Meta:
        ordering = ["-trained_at", "-pk"]
        verbose_name = gettext_lazy("spam model")
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__gt=0, threshold__lte=1), name="spam_threshold_in_range"
            )
        ]

    def __str__(self) -> str:
        return f"Spam model of {self.trained_at:%Y-%m-%d %H:%M} ({self.examples} decisions)"

    @classmethod
    def current(cls) -> SpamModel | None:
        return cls.objects.order_by("-trained_at", "-pk").first()
