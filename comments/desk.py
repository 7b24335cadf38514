"""The desk's figures: what waits now and how quickly moderators decide.

Shown above the queue, on the admin home and in the daily digest; computed here once, from the
comments and the log, in three queries whatever the traffic.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Min
from django.utils import timezone

from comments.models import Comment, ModerationEvent

WINDOW_DAYS = 7
# The decisions a person makes about a comment. Blocking is logged beside its spam mark, and
# returning to the queue is not an answer, so neither counts twice.
DECISIONS = (
    ModerationEvent.Action.APPROVED,
    ModerationEvent.Action.REJECTED,
    ModerationEvent.Action.SPAM,
    ModerationEvent.Action.REMOVED,
)


@dataclass(frozen=True)
class Waiting:
    count: int
    oldest: dt.datetime | None


@dataclass(frozen=True)
class DeskFigures:
    waiting: Waiting
    # From a comment's posting to the first person's decision on it, over the window.
    median_to_decision: dt.timedelta | None
    decided: int
    per_moderator: list[tuple[str, int]]
    days: int = WINDOW_DAYS


def waiting() -> Waiting:
    row = Comment.objects.filter(status=Comment.Status.PENDING).aggregate(
        count=Count("pk"), oldest=Min("created_at")
    )
    return Waiting(count=row["count"], oldest=row["oldest"])


def figures(*, now: dt.datetime | None = None, days: int = WINDOW_DAYS) -> DeskFigures:
    now = now or timezone.now()
    events = (
        ModerationEvent.objects.filter(
            actor_kind=ModerationEvent.ActorKind.PERSON,
            action__in=DECISIONS,
            at__gte=now - dt.timedelta(days=days),
            at__lte=now,
        )
        .order_by()
        .values_list("comment_id", "at", "comment__created_at", "actor_name")
    )
    first_decision: dict[int, dt.timedelta] = {}
    per_moderator: Counter[str] = Counter()
    for comment_id, at, created_at, actor in events:
        per_moderator[actor] += 1
        if comment_id is None or created_at is None:
            continue  # erased on request: its posting time is gone with it
        took = max(at - created_at, dt.timedelta(0))
        if comment_id not in first_decision or took < first_decision[comment_id]:
            first_decision[comment_id] = took
    median = (
        dt.timedelta(seconds=statistics.median(t.total_seconds() for t in first_decision.values()))
        if first_decision
        else None
    )
    return DeskFigures(
        waiting=waiting(),
        median_to_decision=median,
        decided=sum(per_moderator.values()),
        per_moderator=sorted(per_moderator.items(), key=lambda item: (-item[1], item[0])),
        days=days,
    )


def duration(span: dt.timedelta | None) -> str:
    """ "2 h 05 min", "12 min", "40 s": short enough for a figure and a mail line."""
    if span is None:
        return "—"
    seconds = int(span.total_seconds())
    if seconds < 60:
        return f"{seconds} s"
    minutes, _ = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"
