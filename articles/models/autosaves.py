"""Unsaved copies of the story form, written by the editor's browser while someone types.

One row per story and staff member (and one per staff member for a story not yet saved), so
an autosave never touches the story itself, never adds a history entry and never meets a
colleague's copy. The row remembers the story version the form was opened at, which is how
the form can warn that restoring it would undo a colleague's newer save.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models.stories import Article


class StoryAutosave(models.Model):
    article = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="autosaves",
        help_text=_("The story the copy belongs to; empty for a story not yet saved."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="story_autosaves"
    )
    # The form's fields as the browser sent them: name -> list of values.
    fields = models.JSONField(default=dict)
    based_on_version = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("The story's version when the form was opened.")
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("unsaved copy of a story")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"],
                condition=Q(article__isnull=False),
                name="one_autosave_per_story_and_user",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(article__isnull=True),
                name="one_new_story_autosave_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"Unsaved copy of {self.article or 'a new story'} by {self.user}"
