"""Provenance: the sources a story relied on, the figures it quotes (and the metrics they
follow), and the people it quotes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from articles.links import normalize_url
from articles.models.publishers import Publisher
from articles.models.stories import Article


class Source(models.Model):
    """A document the newsroom relied on, kept once and cited by any number of stories."""

    class Kind(models.TextChoices):
        AGENCY = "agency", _("Agency report")
        REPORT = "report", _("News report")
        STATEMENT = "statement", _("Official statement")
        DOCUMENT = "document", _("Document")
        INTERVIEW = "interview", _("Interview")
        DATA = "data", _("Data set")
        OTHER = "other", _("Other")

    title = models.CharField(
        max_length=300, help_text=_("What the document is called, as readers will see it.")
    )
    publisher = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Who issued it: a news agency, a ministry, a company. Shown beside the title."),
    )
    issued_by = models.ForeignKey(
        Publisher,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sources",
        help_text=_(
            "The publisher in the registry. Links to its web domains find it by "
            "themselves; readers see its name, kind and ownership note."
        ),
    )
    url = models.URLField(
        "URL",
        max_length=1000,
        blank=True,
        help_text=_(
            "Where readers can find it. Leave empty for sources without an address, such "
            "as an interview. Links in story bodies are matched to sources by this address."
        ),
    )
    # Set when a link's words were a stand-in ("LINK", "here") and the title was made from the
    # address: the next link to it with real words names it (articles/sources.py).
    provisional_title = models.BooleanField(default=False, editable=False)
    # The address with case, trailing slash, fragment and tracking parameters removed; links in
    # story bodies are matched on it (articles/sources.py). Empty when there is no URL.
    normalized_url = models.CharField(max_length=1000, blank=True, editable=False)
    kind = models.CharField(
        max_length=12,
        choices=Kind,
        default=Kind.OTHER,
        help_text=_("What sort of source this is; shown to readers."),
    )
    published_on = models.DateField(
        null=True, blank=True, help_text=_("When the source itself was published, if known.")
    )
    accessed_on = models.DateField(
        null=True, blank=True, help_text=_("When the newsroom last read it; shown to readers.")
    )
    archive_url = models.URLField(
        "archived copy",
        max_length=1000,
        blank=True,
        help_text=_(
            "A copy that will not change or vanish (e.g. web.archive.org); readers get "
            "it beside the original link."
        ),
    )
    notes = models.TextField(
        blank=True, help_text=_("For the newsroom only: how reliable it is, whom to ask.")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["normalized_url"],
                condition=~Q(normalized_url=""),
                name="source_url_unique_when_present",
                violation_error_message="A source with this address is already in the "
                "registry; choose it instead of adding another.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.publisher})" if self.publisher else self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._derive()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "url" in update_fields:
            kwargs["update_fields"] = {*update_fields, "normalized_url"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:source", kwargs={"pk": self.pk})

    def clean(self) -> None:
        self._derive()

    @property
    def publisher_name(self) -> str:
        """Who issued it, as readers see it: the registry's name, or the name typed here."""
        return self.issued_by.name if self.issued_by_id and self.issued_by else self.publisher

    def _derive(self) -> None:
        try:
            self.normalized_url = normalize_url(self.url) if self.url else ""
        except ValueError:
            # An ftp:// or other non-web address is kept as typed; links never resolve to it.
            self.normalized_url = self.url.strip()


class ArticleSource(models.Model):
    """A story's use of a source, and whether a link in the body or an editor put it there."""

    class Origin(models.TextChoices):
        BODY = "body", _("Link in the story")
        HAND = "hand", _("Added by hand")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="source_links")
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="article_links",
        help_text=_("Search the registry by title, publisher or address."),
    )
    # Body links come and go with the text; hand-added sources stay until an editor removes them.
    origin = models.CharField(max_length=8, choices=Origin, default=Origin.HAND)

    # Part of the story's versions: its history page compares them with the story's text.
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("source used")
        verbose_name_plural = _("sources used")
        constraints = [
            models.UniqueConstraint(fields=["article", "source"], name="one_link_per_source"),
        ]

    def __str__(self) -> str:
        return str(self.source)


class Metric(models.Model):
    """A quantity followed across stories, such as the grey seal count in the estuary."""

    name = models.CharField(
        max_length=200, unique=True, help_text=_("What is measured, e.g. 'Grey seals counted'.")
    )
    slug = models.SlugField(
        max_length=200, unique=True, help_text=_("The metric's page: /metrics/<slug>/.")
    )
    unit = models.CharField(
        max_length=40, blank=True, help_text=_("The unit its figures share, e.g. GBP or seals.")
    )
    description = models.TextField(
        blank=True, help_text=_("Shown on the metric's page: how it is measured and by whom.")
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:metric", kwargs={"slug": self.slug})


class Figure(models.Model):
    """A number quoted in a story, with what it counts and where it came from."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="figures")
    text = models.CharField(
        "as written",
        max_length=100,
        help_text=_("The number exactly as the story prints it, e.g. '£4.2 million' or '212'."),
    )
    value = models.DecimalField(
        max_digits=24,
        decimal_places=6,
        help_text=_("The number itself, e.g. 4200000 for '£4.2 million'. Used for charts."),
    )
    unit = models.CharField(
        max_length=60,
        blank=True,
        help_text=_("GBP, USD, percent, km, or what is counted (seals, jobs)."),
    )
    counts = models.CharField(
        "what it counts",
        max_length=200,
        blank=True,
        help_text=_("Shown to readers, e.g. 'Grey seals on the estuary sandbanks'."),
    )
    as_of = models.DateField(
        "as of",
        null=True,
        blank=True,
        help_text=_("The date the number describes, if different from the story's date."),
    )
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="figures",
        help_text=_(
            "Where the number comes from. Empty means unsourced: the story cannot be "
            "published without an editor's written reason."
        ),
    )
    metric = models.ForeignKey(
        Metric,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="figures",
        help_text=_("Optional: put the number on a metric's chart across stories."),
    )

    # Part of the story's versions: its history page compares them with the story's text.
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""),
                name="figure_has_text",
                violation_error_message="Give the figure as the story writes it.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text} {self.counts}".strip()

    def date(self) -> dt.date | None:
        """The date the figure describes: its own, or the story's publication date."""
        if self.as_of:
            return self.as_of
        return timezone.localdate(self.article.published_at) if self.article.published_at else None


class Person(models.Model):
    """Someone the newsroom quotes."""

    name = models.CharField(max_length=200, help_text=_("Full name as printed in stories."))
    slug = models.SlugField(
        max_length=200, unique=True, help_text=_("The person's page: /people/<slug>/.")
    )
    description = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("One line shown on their page, e.g. 'Harbour committee chair since 2021'."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:person", kwargs={"slug": self.slug})


class Quote(models.Model):
    """Words a story attributes to a person."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="quotes")
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="quotes",
        help_text=_("Who said it. Search by name; add a person with the + button."),
    )
    text = models.TextField(
        "quoted words", help_text=_("Exactly as the story quotes them, without quotation marks.")
    )
    role = models.CharField(
        "role at the time",
        max_length=200,
        blank=True,
        help_text=_("How the story describes them when they said it, e.g. 'harbour master'."),
    )
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quotes",
        help_text=_(
            "Where the words were said or printed (an interview, a statement). Empty "
            "means unsourced."
        ),
    )

    # Part of the story's versions: its history page compares them with the story's text.
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""),
                name="quote_has_text",
                violation_error_message="Give the quoted words.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: “{Truncator(self.text).words(12)}”"


def provenance_prefetches() -> list[models.Prefetch]:
    """What the "Sources and figures" section shows, for `prefetch_related()`."""
    return [
        models.Prefetch(
            "source_links",
            queryset=ArticleSource.objects.select_related("source", "source__issued_by"),
        ),
        models.Prefetch(
            "figures",
            queryset=Figure.objects.select_related("source", "source__issued_by", "metric"),
        ),
        models.Prefetch(
            "quotes",
            queryset=Quote.objects.select_related("person", "source", "source__issued_by"),
        ),
    ]
