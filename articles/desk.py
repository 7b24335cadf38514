"""The admin home's desk: the stories waiting for review and the scheduled ones, each as a
short list with its total, for the staff member looking (`for_staff`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from articles.models import Article

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# Enough to act on from the home page; the full list is one click away.
SHOWN = 8


@dataclass
class Queue:
    stories: list[Article]
    total: int

    def more(self) -> int:
        return self.total - len(self.stories)


@dataclass
class Desk:
    waiting: Queue
    scheduled: Queue


def desk_for(user: User | AnonymousUser) -> Desk | None:
    """Four queries at most, however many stories wait; None for who may not see stories."""
    if not user.is_authenticated or not user.has_perm("articles.view_article"):
        return None
    stories = Article.objects.for_staff(user).select_related("section", "created_by")
    waiting = stories.filter(status=Article.Status.REVIEW).order_by("updated_at", "pk")
    scheduled = stories.scheduled().order_by("published_at", "pk")
    return Desk(
        Queue(list(waiting[:SHOWN]), waiting.count()),
        Queue(list(scheduled[:SHOWN]), scheduled.count()),
    )
