"""Who may publish without a moderator: a browser that has shown it belongs to the address.

Typing a regular's address proves nothing, so the first-time rule (comments/rules.py) trusts an
address only on a browser that earned it, in one of two ways:

- a comment this browser posted with the address was published. The own-comments cookie
  (comments/threads.py) already names the comments a browser posted; the next time it posts,
  the published ones among them earn their addresses;
- its reader opened the link we mailed to the address ("confirm it's you") and confirmed.

What was earned is kept in a signed cookie (TRUSTED_COOKIE) for TRUST_MAX_AGE, renewed each
time the browser comments. It lists keyed hashes of the addresses, never the addresses, and
it changes nothing a page shows: it is read only when a comment is posted or confirmed, and
set only on those responses, which are never cached (see comments/cookies.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from comments.cookies import TRUSTED_COOKIE
from comments.models import Comment
from comments.privacy import email_digest
from comments.threads import own_comment_ids

TRUST_SALT = "comments.trusted"
TRUST_MAX_AGE = 60 * 60 * 24 * 180  # half a year without commenting, then confirm again
TRUST_LIMIT = 5  # addresses one browser keeps (a family computer, a work and a home address)
CONFIRM_SALT = "comments.confirm-address"
# Long enough to find the mail the next day; a moderator sees the comment meanwhile anyway.
CONFIRM_MAX_AGE = dt.timedelta(days=2)
CONFIRMED_RULE = "confirmed_address"
_DIGEST = re.compile(r"[0-9a-f]{32}")


# --- The browser's cookie -----------------------------------------------------------------


def device_addresses(request: HttpRequest) -> list[str]:
    """The addresses (as hashes) this browser's trust cookie vouches for."""
    # With a default, a missing, forged or expired cookie reads as that default.
    raw = request.get_signed_cookie(
        TRUSTED_COOKIE, default=None, salt=TRUST_SALT, max_age=TRUST_MAX_AGE
    )
    if not raw:
        return []
    return [part for part in raw.split(".") if _DIGEST.fullmatch(part)][:TRUST_LIMIT]


def earned_addresses(request: HttpRequest) -> list[str]:
    """Addresses of this browser's own comments that a moderator (or the rules) published."""
    ids = own_comment_ids(request)
    if not ids:
        return []
    emails = (
        Comment.objects.filter(pk__in=ids, status=Comment.Status.APPROVED)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return [email_digest(email) for email in emails]


def proven_addresses(request: HttpRequest) -> tuple[str, ...]:
    """Everything this browser has shown: newly earned first, so they are the ones kept."""
    both = dict.fromkeys([*earned_addresses(request), *device_addresses(request)])
    return tuple(both)[:TRUST_LIMIT]


def cookie_value(addresses: Sequence[str]) -> str:
    """The cookie's signed value, exactly as `request.get_signed_cookie` reads it back."""
    joined = ".".join(dict.fromkeys(addresses))
    return signing.get_cookie_signer(salt=TRUSTED_COOKIE + TRUST_SALT).sign(joined)


def remember(response: HttpResponse, addresses: Sequence[str]) -> None:
    response.set_cookie(
        TRUSTED_COOKIE,
        cookie_value(list(dict.fromkeys(addresses))[:TRUST_LIMIT]),
        max_age=TRUST_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=not settings.DEBUG,
    )


# --- "Confirm it's you" -------------------------------------------------------------------


@dataclass(frozen=True)
class Confirmation:
    comment_id: int
    address: str  # the hash of the address the link was mailed to
    expired: bool


def confirmation_token(comment: Comment, *, at: dt.datetime | None = None) -> str:
    issued = at or timezone.now()
    return signing.dumps(
        {"c": comment.pk, "e": email_digest(comment.email), "t": int(issued.timestamp())},
        salt=CONFIRM_SALT,
    )


def read_confirmation(token: str, *, now: dt.datetime | None = None) -> Confirmation | None:
    """What a confirmation link says; None if it is not one of ours."""
    if len(token) > 300:
        return None
    try:
        data = signing.loads(token, salt=CONFIRM_SALT)
        comment_id, address = int(data["c"]), str(data["e"])
        issued = dt.datetime.fromtimestamp(float(data["t"]), tz=dt.UTC)
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError, OSError):
        return None
    expired = (now or timezone.now()) - issued > CONFIRM_MAX_AGE
    return Confirmation(comment_id=comment_id, address=address, expired=expired)


def waits_only_for_confirmation(comment: Comment) -> bool:
    """Held for nothing but an address this browser had not confirmed, and no moderator has
    decided on it since."""
    return (
        comment.status == Comment.Status.PENDING
        and comment.moderated_by_id is None
        and comment.flag_state == Comment.FlagState.COUNTING
        and bool(comment.held_reasons)
        and all(record.get("confirm") for record in comment.held_reasons)
    )


def confirm_address(comment: Comment) -> bool:
    """The commenter proved the address: publish the comment if that was all it waited for.

    Returns whether it was published; the caller sets the cookie either way.
    """
    if not waits_only_for_confirmation(comment):
        return False
    comment.approve(
        by=None,
        rule=CONFIRMED_RULE,
        reason="The commenter confirmed the address from the link we mailed to it.",
    )
    return True
