"""Two moderators never decide the same comment: claims, and the guarded decision.

A moderator *claims* the comment they have open in the queue (the script claims the one
selected; the one-comment page claims on opening). Others see "being reviewed by" until the
claim is decided or lapses after `CLAIM_FOR`. A decision is taken with one conditional UPDATE
that succeeds only while the comment is still in the state the moderator saw and nobody else
holds a fresh claim; the database row lock makes a second, simultaneous decision wait for the
first and then find the comment changed, so it is refused, never applied twice.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from comments.models import Comment

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Long enough to read a thread and its context; short enough that a moderator who walks away
# does not lock the comment for the morning.
CLAIM_FOR = dt.timedelta(minutes=10)


class Refused(Exception):
    """The decision was not applied; the message says why, in words for the moderator."""


def held_by_another(user: User, *, now: dt.datetime) -> Q:
    return Q(claimed_by__isnull=False, claimed_at__gte=now - CLAIM_FOR) & ~Q(claimed_by=user)


def reviewer(comment: Comment, user: User, *, now: dt.datetime | None = None) -> str:
    """Who else has this comment open, or "" (the comment's `claimed_by` must be loaded)."""
    now = now or timezone.now()
    if (
        comment.claimed_by_id is None
        or comment.claimed_by_id == user.pk
        or comment.claimed_at is None
        or comment.claimed_at < now - CLAIM_FOR
    ):
        return ""
    assert comment.claimed_by is not None
    return comment.claimed_by.get_username()


def claim(comment_pk: int, *, by: User, now: dt.datetime | None = None) -> str:
    """Claim the comment for `by` and let go of the others they held. Returns "" when it is
    theirs now, or the name of the moderator who has it open."""
    now = now or timezone.now()
    with transaction.atomic():
        taken = (
            Comment.objects.filter(pk=comment_pk)
            .exclude(held_by_another(by, now=now))
            .update(claimed_by=by, claimed_at=now)
        )
        if taken:
            Comment.objects.filter(claimed_by=by).exclude(pk=comment_pk).update(
                claimed_by=None, claimed_at=None
            )
            return ""
    holder = Comment.objects.select_related("claimed_by").filter(pk=comment_pk).first()
    return reviewer(holder, by, now=now) if holder is not None else ""


def take_for_decision(
    comment_pk: int, *, by: User, seen_status: str = "", now: dt.datetime | None = None
) -> Comment:
    """Inside the caller's transaction: the comment, claimed and locked for `by`'s decision,
    or `Refused` if someone else decided it since `seen_status` or has it open."""
    now = now or timezone.now()
    guarded = Comment.objects.filter(pk=comment_pk).exclude(held_by_another(by, now=now))
    if seen_status:
        guarded = guarded.filter(status=seen_status)
    # The UPDATE takes the row lock: a simultaneous decision waits here, then matches nothing.
    if guarded.update(claimed_by=by, claimed_at=now):
        return Comment.objects.select_for_update().get(pk=comment_pk)
    current = Comment.objects.select_related("moderated_by", "claimed_by").get(pk=comment_pk)
    if seen_status and current.status != seen_status:
        who = current.moderated_by.get_username() if current.moderated_by else "the rules"
        when = timezone.localtime(current.moderated_at) if current.moderated_at else None
        at = f" at {when:%H:%M}" if when else ""
        raise Refused(
            f"Comment {comment_pk} has changed since you opened it: "
            f"{current.get_status_display()} by {who}{at}. Your decision was not applied."
        )
    raise Refused(
        f"Comment {comment_pk} is being reviewed by {reviewer(current, by, now=now)}. "
        f"Your decision was not applied."
    )
