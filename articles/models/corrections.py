"""Corrections, clarifications and updates to published stories."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from articles.models.stories import Article


class Correction(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(
        max_length=16,
        choices=Kind,
        default=Kind.CORRECTION,
        help_text="Correction: we got something wrong. Clarification: it was unclear. Update: "
        "new facts since publication.",
    )
    text = models.TextField(
        help_text="Shown in a box on the story and in the public corrections log. Say what was "
        "wrong and what is right."
    )
    created_at = models.DateTimeField(
        default=timezone.now, help_text="When the correction was made; shown with it."
    )

    # Part of the story's versions: its history page compares them with the story's text.
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["-created_at"], name="correction_recent_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.article}"
