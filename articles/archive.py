"""The archive's months: which months have live stories and how many, newest first.

One grouped query over the month column (indexed with the publication filter), drawn as the
archive navigation on the front page and the month and year archives. Those pages carry the
LATEST tag (articles/page_tags.py), which every story joining or leaving a listing bumps, so
a stored page never shows an old count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Count
from django.urls import reverse

from articles.models import Article


@dataclass(frozen=True)
class ArchiveMonth:
    month: dt.date  # the first of the month
    stories: int

    def get_absolute_url(self) -> str:
        return month_url(self.month)


@dataclass(frozen=True)
class ArchiveYear:
    year: int
    months: list[ArchiveMonth]

    @property
    def stories(self) -> int:
        return sum(month.stories for month in self.months)

    def get_absolute_url(self) -> str:
        return reverse("articles:year", kwargs={"year": f"{self.year:04d}"})


def month_url(month: dt.date) -> str:
    return reverse("articles:month", kwargs={"year": f"{month.year:04d}", "month": f"{month:%m}"})


def archive_months() -> list[ArchiveMonth]:
    """Every month with a live story, newest first, with its count: one query."""
    rows = (
        Article.objects.published()
        .order_by()
        .values("publication_month")
        .annotate(stories=Count("pk"))
        .order_by("-publication_month")
    )
    return [ArchiveMonth(row["publication_month"], row["stories"]) for row in rows]


def by_year(months: list[ArchiveMonth]) -> list[ArchiveYear]:
    """The months (newest first) grouped under their years, newest year first."""
    grouped = groupby(months, key=lambda month: month.month.year)
    return [ArchiveYear(year, list(group)) for year, group in grouped]
