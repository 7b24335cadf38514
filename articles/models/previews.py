"""Shared previews: a signed, expiring, revocable address at which someone without an account
(a lawyer, the photographer, the source checking a quote) reads a story before it is published.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models.stories import Article

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Separates these signatures from every other use of SECRET_KEY (comment tokens, sessions).
_SALT = "articles.preview-link"


class PreviewLinkQuerySet(models.QuerySet["PreviewLink"]):
    def usable(self, at: dt.datetime | None = None) -> Self:
        """Links that still open their story: not revoked, not expired, story not published.

        The only definition of a working shared preview; the page and the admin ask it.
        """
        return self.filter(revoked_at__isnull=True, expires_at__gt=at or timezone.now()).exclude(
            article__status=Article.Status.PUBLISHED
        )


class PreviewLink(models.Model):
    """One address an editor handed out for an unpublished story."""

    DEFAULT_LIFETIME = dt.timedelta(hours=48)
    # Two weeks: long enough for a legal read, short enough that a forgotten link dies.
    LONGEST_LIFETIME = dt.timedelta(days=14)

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    # Random, and signed in the address: a guessed or altered address is refused before any
    # lookup, and a leaked database row alone does not give the address.
    key = models.CharField(max_length=43, unique=True, editable=False)
    note = models.CharField(
        "for",
        max_length=200,
        blank=True,
        help_text=_("Who the link is for, e.g. 'the harbour board's lawyer'; only staff see it."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(help_text=_("After this the address shows 'not found'."))
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="preview_link_expires_after_creation",
            )
        ]

    def __str__(self) -> str:
        return f"Preview of {self.article}"

    def get_absolute_url(self) -> str:
        return reverse("articles:shared_preview", kwargs={"token": self.token()})

    @classmethod
    def create(
        cls,
        *,
        article: Article,
        by: User,
        lifetime: dt.timedelta = DEFAULT_LIFETIME,
        note: str = "",
    ) -> PreviewLink:
        if article.status == Article.Status.PUBLISHED:
            raise ValueError("A published story has its own address; there is nothing to preview.")
        now = timezone.now()
        lifetime = min(lifetime, cls.LONGEST_LIFETIME)
        return cls.objects.create(
            article=article,
            key=secrets.token_urlsafe(32),
            note=note,
            created_by=by,
            created_at=now,
            expires_at=now + lifetime,
        )

    def token(self) -> str:
        return signing.Signer(salt=_SALT).sign(self.key)

    @staticmethod
    def key_from(token: str) -> str | None:
        try:
            return signing.Signer(salt=_SALT).unsign(token)
        except signing.BadSignature:
            return None

    def revoke(self, *, by: User | None) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.revoked_by = by
            self.save(update_fields=["revoked_at", "revoked_by"])

    def record_use(self) -> None:
        """Log that the link was opened: when, never who (no address, no browser)."""
        PreviewLinkUse.objects.create(link=self)


class PreviewLinkUse(models.Model):
    """One opening of a shared preview. Only the time is kept: the reader is an outsider."""

    link = models.ForeignKey(PreviewLink, on_delete=models.CASCADE, related_name="uses")
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.link} opened at {self.opened_at:%Y-%m-%d %H:%M}"
