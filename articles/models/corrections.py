"""Corrections, clarifications and updates to published stories; a correction may name the
figure or quote it fixes and keep what it said before and after."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from articles.models.provenance import Figure, Quote, Source
from articles.models.stories import Article

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Correction(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        CLARIFICATION = "clarification", _("Clarification")
        UPDATE = "update", _("Update")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(
        max_length=16,
        choices=Kind,
        default=Kind.CORRECTION,
        help_text=_(
            "Correction: we got something wrong. Clarification: it was unclear. Update: "
            "new facts since publication."
        ),
    )
    text = models.TextField(
        help_text=_(
            "Shown in a box on the story and in the public corrections log. Say what was "
            "wrong and what is right."
        )
    )
    created_at = models.DateTimeField(
        default=timezone.now, help_text=_("When the correction was made; shown with it.")
    )
    # The fact it fixes, if it fixes one, and what that fact said before and after. Set by
    # Correction.correct(); readers see them at the fact and in the correction note.
    figure = models.ForeignKey(
        Figure,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrections",
        help_text=_("The figure this corrects, if any."),
    )
    quote = models.ForeignKey(
        Quote,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrections",
        help_text=_("The quote this corrects, if any."),
    )
    before_text = models.TextField("said before", blank=True, editable=False)
    after_text = models.TextField("says now", blank=True, editable=False)
    before_value = models.DecimalField(
        max_digits=24, decimal_places=6, null=True, blank=True, editable=False
    )
    after_value = models.DecimalField(
        max_digits=24, decimal_places=6, null=True, blank=True, editable=False
    )
    before_source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    after_source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    # Part of the story's versions: its history page compares them with the story's text.
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["-created_at"], name="correction_recent_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(figure__isnull=True) | models.Q(quote__isnull=True),
                name="correction_fixes_one_fact",
                violation_error_message="A correction fixes one figure or one quote, not both.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.article}"

    @classmethod
    def correct(
        cls,
        fact: Figure | Quote,
        *,
        text: str,
        note: str,
        value: Decimal | None = None,
        source: Source | None = None,
        by: User | None = None,
    ) -> Correction:
        """Fix a figure or a quote of a story and say so.

        The fact takes its new words (and value, and source if one is given), the story's body
        prints the new words where it printed the old, and a correction note keeps both.
        The story's history names `by`; its modification time moves, so feeds and structured
        data show the change.
        """
        with transaction.atomic():
            article = fact.article
            correction = cls(article=article, kind=cls.Kind.CORRECTION, text=note.strip())
            correction.before_text, correction.after_text = fact.text, text.strip()
            correction.before_source = fact.source
            if isinstance(fact, Figure):
                correction.figure = fact
                correction.before_value = fact.value
                if value is not None:
                    fact.value = value
                correction.after_value = fact.value
            else:
                correction.quote = fact
            if source is not None:
                fact.source = source
            correction.after_source = fact.source
            old = fact.text
            fact.text = correction.after_text
            fact.full_clean()
            fact.save()
            pattern = rf"(?<![\w,.]){re.escape(old)}(?![\w])"
            article.body = re.sub(pattern, correction.after_text, article.body)
            article._log(by, f"Corrected “{old}” to “{correction.after_text}”")
            article.save()
            correction.full_clean()
            correction.save()
        return correction
