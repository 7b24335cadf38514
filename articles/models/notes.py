"""Editorial notes: what colleagues tell each other about a story. Staff only: never on the
site, in a feed, an export or the story's versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models.stories import Article


class EditorialNote(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    text = models.TextField(
        "note",
        max_length=4000,
        help_text=_(
            "For colleagues only; readers never see it. Write @username to send that "
            "colleague the note by e-mail."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("editorial note")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Note on {self.article}"
