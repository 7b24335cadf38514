"""The archive's months: which months have live stories and how many, newest first.

One grouped query over the month column (indexed with the publication filter), drawn as the
archive navigation on the front page and the month and year archives. Those pages carry the
LATEST tag (articles/page_tags.py), which every story joining or leaving a listing bumps, so
a stored page never shows an old count. The months are kept in the cache under that tag's
version too: grouping every live story costs 15 ms of each front-page render at 100,000
stories on SQLite, and the answer changes only when LATEST does (as listing_counts.py keeps
a listing's count).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby

from django.core.cache import cache
from django.db.models import Count
from django.urls import reverse

from articles import page_tags
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
    """Every month with a live story, newest first, with its count: one query, kept until
    the next change to LATEST. The version is read before the query, so months counted across
    a change are stored under the version it replaces and never read again."""
    version = page_tags.versions([page_tags.LATEST])[page_tags.LATEST]
    key = f"newsroom:archive-months:{version}"
    kept = cache.get(key)
    if kept is None:
        rows = (
            Article.objects.published()
            .order_by()
            .values("publication_month")
            .annotate(stories=Count("pk"))
            .order_by("-publication_month")
        )
        kept = [(row["publication_month"].isoformat(), row["stories"]) for row in rows]
        cache.set(key, kept, timeout=page_tags.VERSION_TIMEOUT)
    return [ArchiveMonth(dt.date.fromisoformat(month), stories) for month, stories in kept]


def by_year(months: list[ArchiveMonth]) -> list[ArchiveYear]:
    """The months (newest first) grouped under their years, newest year first."""
    grouped = groupby(months, key=lambda month: month.month.year)
    return [ArchiveYear(year, list(group)) for year, group in grouped]
