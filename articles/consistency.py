"""Figures of one metric that disagree across stories: one definition for the editor's check
and the metric's page.

Two figures disagree when they come from different stories, describe days at most
`WINDOW_DAYS` apart and give different values: a count cannot honestly be 2,500 on 6 March
and 3,000 on 4 March. Figures further apart in time are the metric changing, not a dispute.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from articles.models import Article, Figure

WINDOW_DAYS = 3


@dataclass(frozen=True)
class Disagreement:
    """A figure of this story, and another story's figure of the same metric it contradicts."""

    ours: Figure
    theirs: Figure

    def message(self) -> str:
        other = self.theirs.article
        when = _day(other.published_at.date() if other.published_at else None)
        return (
            f"Our story “{other.headline}” of {when} said {self.theirs.text} as of "
            f"{_day(self.theirs.date())}; this says {self.ours.text} as of "
            f"{_day(day_of(self.ours))} ({self.ours.metric})."
        )


def day_of(figure: Figure) -> dt.date:
    """The day a figure describes; a draft's undated figure describes today."""
    return figure.date() or timezone.localdate()


def disagree(a: Figure, b: Figure) -> bool:
    return (
        a.article_id != b.article_id
        and a.metric_id is not None
        and a.metric_id == b.metric_id
        and abs((day_of(a) - day_of(b)).days) <= WINDOW_DAYS
        and a.value != b.value
    )


def disagreements(article: Article, figures: list[Figure]) -> list[Disagreement]:
    """This story's figures that published stories contradict: one query, none without a
    figure on a metric."""
    metrics = {figure.metric_id for figure in figures if figure.metric_id}
    if not metrics:
        return []
    others = list(
        Figure.objects.filter(metric__in=metrics, article__in=Article.objects.published())
        .exclude(article=article)
        .select_related("article", "metric")
        .order_by("article__published_at", "pk")
    )
    found = []
    for ours in figures:
        for theirs in others:
            if disagree(ours, theirs):
                found.append(Disagreement(ours, theirs))
    return found


def conflicts(dated: list[tuple[dt.date, Figure]]) -> list[tuple[dt.date, list[Figure]]]:
    """For a metric's page: runs of figures, in date order, that disagree with each other."""
    groups: list[tuple[dt.date, list[Figure]]] = []
    for day, figure in dated:
        if groups and (day - groups[-1][0]).days <= WINDOW_DAYS:
            groups[-1][1].append(figure)
        else:
            groups.append((day, [figure]))
    return [
        (day, group)
        for day, group in groups
        if any(disagree(a, b) for a in group for b in group if a.pk < b.pk)
    ]


def _day(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "an unknown date"
