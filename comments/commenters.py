"""One commenter at a glance, for moderators: who they are taken to be, their record and
their comments, in a fixed number of queries however long the record.

A commenter is the staff account that posted, else the e-mail address given, else the
address hash: the best the site knows without asking readers to sign in. Nothing here is
shown to readers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from comments.models import Block, Comment, Flag


@dataclass(frozen=True)
class Commenter:
    kind: str  # "account", "email" or "address"
    label: str  # what the panel calls them
    match: Q  # their comments

    def comments(self) -> QuerySet[Comment]:
        return Comment.objects.filter(self.match)


def commenter_of(comment: Comment) -> Commenter:
    if comment.user_id is not None:
        return Commenter("account", comment.name, Q(user_id=comment.user_id))
    if comment.email:
        return Commenter("email", comment.email, Q(email__iexact=comment.email))
    if comment.ip_hash:
        return Commenter("address", comment.ip_hash[:12], Q(ip_hash=comment.ip_hash))
    # Anonymised on request: nothing links it to anything else.
    return Commenter("unknown", comment.name, Q(pk=comment.pk))


@dataclass(frozen=True)
class Record:
    total: int
    first_seen: dt.datetime | None
    by_status: dict[str, int]
    flags: int
    blocks: list[Block]

    @property
    def is_blocked(self) -> bool:
        return bool(self.blocks)

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        """(status, its label, how many) in the statuses' own order."""
        # str(): the labels are lazy translations; the template wants the words.
        return [
            (value, str(label), self.by_status[value]) for value, label in Comment.Status.choices
        ]


def record_of(commenter: Commenter, comment: Comment) -> Record:
    """Three queries: the counts and first sighting, the flags, the blocks."""
    statuses = {status: Count("pk", filter=Q(status=status)) for status in Comment.Status.values}
    summary = commenter.comments().aggregate(
        total=Count("pk"), first_seen=Min("created_at"), **statuses
    )
    flags = Flag.objects.filter(comment__in=commenter.comments()).count()
    blocks = Q(pk__in=[])
    if comment.email:
        domain = comment.email.rsplit("@", 1)[-1].lower()
        blocks |= Q(kind=Block.Kind.EMAIL, value=comment.email.lower())
        blocks |= Q(kind=Block.Kind.DOMAIN, value=domain)
    if comment.ip_hash:
        blocks |= Q(kind=Block.Kind.IP_HASH, value=comment.ip_hash)
    return Record(
        total=summary["total"],
        first_seen=summary["first_seen"],
        by_status={status: summary[status] for status in Comment.Status.values},
        flags=flags,
        blocks=list(Block.objects.filter(blocks).select_related("created_by")),
    )


def history(commenter: Commenter) -> QuerySet[Comment]:
    """Their comments, newest first, each with its story, who decided it and its flags."""
    flags = (
        Flag.objects.filter(comment=OuterRef("pk"))
        .order_by()
        .values("comment")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return (
        commenter.comments()
        .select_related("article", "moderated_by")
        .annotate(flag_total=Coalesce(Subquery(flags, output_field=IntegerField()), Value(0)))
        .order_by("-created_at", "-pk")
    )
