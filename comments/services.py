"""Workflows that cross models: submitting a comment, flagging one, and the signed form stamp
that both the cached story page and the no-JavaScript path rely on."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from articles.models import Article
from comments import notifications, rules
from comments.decisions import is_moderator
from comments.models import Comment, Flag, ModerationEvent, ModerationLimits

if TYPE_CHECKING:
    from django.contrib.auth.models import User

STAMP_SALT = "comments.form-stamp"
# A form left open longer than this is re-issued (the reader confirms once more) rather than
# refused.
STAMP_MAX_AGE = dt.timedelta(days=2)


# --- The form stamp -----------------------------------------------------------------------
# The cached story page cannot carry a per-reader value, so the stamp is issued by an uncached
# endpoint (or the uncached compose page) when a reader starts to write. It signs a fresh nonce
# (one comment per form, whatever the retries) and the time it was issued (the too-fast rule).


@dataclass(frozen=True)
class Stamp:
    nonce: str
    article_id: int
    issued_at: dt.datetime


def issue_stamp(article: Article, *, at: dt.datetime | None = None, nonce: str = "") -> str:
    issued = at or timezone.now()
    return signing.dumps(
        {"n": nonce or secrets.token_urlsafe(24), "a": article.pk, "t": issued.timestamp()},
        salt=STAMP_SALT,
        compress=False,
    )


class StampExpired(Exception):
    pass


def read_stamp(value: str, article: Article) -> Stamp | None:
    """The stamp's contents, None if forged or for another story; StampExpired if too old."""
    if not value or len(value) > 300:
        return None
    try:
        data = signing.loads(value, salt=STAMP_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("a") != article.pk:
        return None
    try:
        issued = dt.datetime.fromtimestamp(float(data["t"]), tz=dt.UTC)
        nonce = str(data["n"])[:64]
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return None
    # Measured from the signed time, which a re-issued stamp keeps.
    if timezone.now() - issued > STAMP_MAX_AGE:
        raise StampExpired
    return Stamp(nonce=nonce, article_id=article.pk, issued_at=issued)


# --- Submitting ---------------------------------------------------------------------------


class Outcome(StrEnum):
    PUBLISHED = "published"
    HELD = "held"
    REJECTED = "rejected"
    SILENT = "silent"  # a bot, told nothing
    FLOOD = "flood"  # too many too fast; nothing stored
    REPEAT = "repeat"  # the same form again (double click, retry): the first comment stands


@dataclass(frozen=True)
class Submitted:
    outcome: Outcome
    comment: Comment | None
    verdicts: tuple[rules.Verdict, ...]

    @property
    def reason(self) -> str:
        return self.verdicts[0].reason if self.verdicts else ""


def deepest_allowed_parent(parent: Comment | None, max_depth: int) -> Comment | None:
    """A reply deeper than the site allows joins the conversation at the deepest level."""
    while parent is not None and parent.depth + 1 >= max_depth:
        parent = parent.parent
    return parent


def _serialise_per_address(ip_hash: str) -> None:
    """Hold a per-address lock until the transaction ends, so the flood and duplicate counts
    and the insert happen as one step even across workers and hosts.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: the settings open every
    transaction with BEGIN IMMEDIATE, which already admits one writer at a time.
    """
    if connection.vendor == "postgresql" and ip_hash:
        key = int.from_bytes(hashlib.sha256(ip_hash.encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def submit_comment(
    *,
    article: Article,
    body: str,
    name: str,
    email: str,
    ip_hash: str,
    nonce: str,
    rendered_at: dt.datetime | None,
    user: User | None = None,
    parent: Comment | None = None,
    notify_replies: bool = False,
    honeypot: str = "",
    device_addresses: Sequence[str] = (),
    now: dt.datetime | None = None,
) -> Submitted:
    """Run the rules, store the comment with its verdict and reasons, log, and mail after
    commit. A flood stores nothing; a repeated nonce returns the comment already stored.

    `device_addresses` are the hashes of the addresses the sending browser has shown are its
    own (comments/trust.py); a regular's address from any other browser waits, and a link to
    confirm it is mailed to that address.
    """
    now = now or timezone.now()
    limits = ModerationLimits.current()
    if user is not None and user.is_authenticated:
        # Staff post under their account; what the form said is ignored.
        name = user.get_full_name() or user.get_username()
        email = user.email or ""
    else:
        user = None
    submission = rules.Submission(
        article=article,
        body=body,
        name=name,
        email=email,
        ip_hash=ip_hash,
        now=now,
        limits=limits,
        user=user,
        rendered_at=rendered_at,
        honeypot=honeypot,
        trusted=bool(user and is_moderator(user)),
        device_addresses=tuple(device_addresses),
    )
    parent = deepest_allowed_parent(parent, limits.max_depth)
    with transaction.atomic():
        _serialise_per_address(ip_hash)
        existing = Comment.objects.filter(nonce=nonce).first()
        if existing is not None:
            return Submitted(Outcome.REPEAT, existing, ())
        verdicts = rules.run(submission)
        first = verdicts[0]
        if first.flood:
            return Submitted(Outcome.FLOOD, None, tuple(verdicts))
        if first.action == rules.Action.REJECT:
            status = Comment.Status.SPAM if first.silent else Comment.Status.REJECTED
            outcome = Outcome.SILENT if first.silent else Outcome.REJECTED
        elif first.action == rules.Action.HOLD:
            status, outcome = Comment.Status.PENDING, Outcome.HELD
        else:
            status, outcome = Comment.Status.APPROVED, Outcome.PUBLISHED
        comment = Comment(
            article=article,
            parent=parent,
            root=(parent.root or parent) if parent else None,
            depth=parent.depth + 1 if parent else 0,
            name=name,
            email=email,
            user=user,
            body=body,
            status=status,
            held_reasons=[v.as_record() for v in verdicts if v.action != rules.Action.ACCEPT],
            ip_hash=ip_hash,
            nonce=nonce,
            notify_replies=notify_replies and bool(email),
            created_at=now,
        )
        try:
            with transaction.atomic():
                comment.save()
        except IntegrityError:
            # The same form, posted twice at the same instant from another address.
            existing = Comment.objects.filter(nonce=nonce).first()
            if existing is None:
                raise
            return Submitted(Outcome.REPEAT, existing, ())
        _log_verdicts(comment, verdicts)
        if outcome == Outcome.PUBLISHED and comment.parent_id:
            notifications.after_commit(notifications.send_reply_notice, comment.pk)
        if outcome == Outcome.HELD and settings.COMMENTS_MAIL_MODERATORS:
            notifications.after_commit(notifications.send_held_notice, comment.pk)
        if outcome == Outcome.HELD and any(v.confirm for v in verdicts):
            notifications.after_commit(notifications.send_confirmation, comment.pk)
    return Submitted(outcome, comment, tuple(verdicts))


def _log_verdicts(comment: Comment, verdicts: list[rules.Verdict]) -> None:
    action_for = {
        rules.Action.ACCEPT: ModerationEvent.Action.APPROVED,
        rules.Action.HOLD: ModerationEvent.Action.HELD,
        rules.Action.REJECT: (
            ModerationEvent.Action.SPAM
            if comment.status == Comment.Status.SPAM
            else ModerationEvent.Action.REJECTED
        ),
    }
    for verdict in verdicts:
        ModerationEvent.record(
            comment, action_for[verdict.action], by=None, rule=verdict.rule, reason=verdict.reason
        )


# --- Flagging -----------------------------------------------------------------------------


class Flagged(StrEnum):
    COUNTED = "counted"
    REPEAT = "repeat"  # this reader had flagged it already; one flag per reader counts
    LIMITED = "limited"  # this address sent its hour's flags; nothing stored


def flag_comment(
    *, comment: Comment, reason: str, note: str, ip_hash: str, now: dt.datetime | None = None
) -> Flagged:
    """Record a reader's flag; enough flags send a published comment back to the queue,
    unless a moderator has published it again after flags took it down before."""
    now = now or timezone.now()
    limits = ModerationLimits.current()
    with transaction.atomic():
        # Counted and stored as one step per address, as comments are.
        _serialise_per_address(ip_hash)
        recent = Flag.objects.filter(ip_hash=ip_hash, at__gt=now - dt.timedelta(hours=1))
        if recent.count() >= limits.flags_per_hour:
            return Flagged.LIMITED
        try:
            with transaction.atomic():
                Flag.objects.create(
                    comment=comment, reason=reason, note=note, ip_hash=ip_hash, at=now
                )
        except IntegrityError:
            return Flagged.REPEAT
        ModerationEvent.record(
            comment,
            ModerationEvent.Action.FLAGGED,
            by=None,
            reader=True,
            reason=f"{Flag.Reason(reason).label}{': ' + note if note else ''}",
        )
        # Locked so two flags at once cannot both return it (and log it twice).
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if (
            locked.status != Comment.Status.APPROVED
            or locked.flag_state != Comment.FlagState.COUNTING
        ):
            return Flagged.COUNTED
        # A moderator who publishes it again has answered the earlier flags.
        flags = Flag.objects.filter(comment=locked)
        if locked.moderated_at is not None and locked.moderated_by_id is not None:
            flags = flags.filter(at__gt=locked.moderated_at)
        count = flags.count()
        if count >= limits.flag_threshold:
            locked.hide_for_flags(count=count, threshold=limits.flag_threshold)
            comment.status, comment.flag_state = locked.status, locked.flag_state
    return Flagged.COUNTED
