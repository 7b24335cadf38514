"""Publishers: the organisations sources come from, with the web domains they publish on.

A link in a story to a known domain becomes a source of that publisher (articles/sources.py);
readers see the publisher's name, kind and ownership note beside every source it issued.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Publisher(models.Model):
    """An organisation that issues what the newsroom cites: an agency, a ministry, a charity."""

    class Kind(models.TextChoices):
        AGENCY = "agency", _("News agency")
        STATE_MEDIA = "state_media", _("State media")
        GOVERNMENT = "government", _("Government body")
        NGO = "ngo", _("NGO or charity")
        NEWSPAPER = "newspaper", _("Newspaper")
        BROADCASTER = "broadcaster", _("Broadcaster")
        COMPANY = "company", _("Company")
        RESEARCH = "research", _("University or research body")
        OTHER = "other", _("Other")

    name = models.CharField(
        max_length=200, help_text=_("As readers will see it, e.g. 'Meridian News Agency'.")
    )
    kind = models.CharField(
        max_length=12, choices=Kind, default=Kind.OTHER, help_text=_("Shown to readers.")
    )
    note = models.TextField(
        "ownership or affiliation",
        blank=True,
        help_text=_(
            "Shown to readers beside its sources, e.g. 'Owned by the state of Velmora' "
            "or 'Funded by the shipping industry'."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="publisher_name_unique",
                violation_error_message="A publisher with this name is already registered.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PublisherDomain(models.Model):
    """A web domain a publisher publishes on; subdomains (www., news.) count as the domain."""

    publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(
        max_length=253,
        unique=True,
        help_text=_("e.g. meridian-news.example, without https:// or www."),
    )

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.domain = bare_domain(self.domain)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.domain = bare_domain(self.domain)


def bare_domain(text: str) -> str:
    """'https://www.Meridian.example/x' -> 'meridian.example'."""
    domain = text.strip().lower()
    domain = domain.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].rstrip(".")
    return domain.removeprefix("www.")


def domain_candidates(host: str) -> list[str]:
    """The host and each parent domain it belongs to, longest first: 'a.b.example' ->
    ['a.b.example', 'b.example']; never a bare top-level domain."""
    parts = bare_domain(host).split(".")
    return [".".join(parts[i:]) for i in range(len(parts) - 1)]
