"""The signed values in the newsletter's links and forms (django.core.signing, keyed by the
site's secret): a confirmation link that expires, an unsubscribe link that does not, and the
sign-up form's stamp."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils import timezone

CONFIRM_SALT = "newsletter.confirm"
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
STAMP_SALT = "newsletter.form-stamp"
# A sign-up form older than this was not filled in by the reader who loaded it today.
STAMP_MAX_AGE = dt.timedelta(days=2)


class Expired(Exception):
    """A genuine confirmation link past its lifetime: `confirmation` says what it was for."""

    def __init__(self, confirmation: Confirmation) -> None:
        super().__init__("The confirmation link has expired.")
        self.confirmation = confirmation


class Invalid(Exception):
    """A link that was altered or never ours."""


@dataclass(frozen=True)
class Confirmation:
    subscriber_id: int
    newsletter_ids: tuple[int, ...]
    # When the link was signed (whole seconds): a link older than a subscription's end
    # (unsubscribe, bounce, complaint) must not undo it.
    issued_at: dt.datetime


def confirmation_token(subscriber_id: int, newsletter_ids: list[int]) -> str:
    return signing.dumps({"s": subscriber_id, "n": sorted(newsletter_ids)}, salt=CONFIRM_SALT)


def read_confirmation(token: str, *, allow_expired: bool = False) -> Confirmation:
    """The confirmation a link stands for; Expired past NEWSLETTER_CONFIRM_MAX_AGE."""
    max_age = None if allow_expired else settings.NEWSLETTER_CONFIRM_MAX_AGE
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=max_age)
    except signing.SignatureExpired as expired:
        raise Expired(read_confirmation(token, allow_expired=True)) from expired
    except signing.BadSignature as bad:
        raise Invalid from bad
    return _confirmation(data, _signed_at(token))


def _signed_at(token: str) -> dt.datetime:
    """The timestamp signing.dumps() put in a token already verified: `payload:time:sig`."""
    try:
        seconds = signing.b62_decode(token.rsplit(":", 2)[-2])
    except (IndexError, ValueError) as wrong:
        raise Invalid from wrong
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


def _confirmation(data: object, issued_at: dt.datetime) -> Confirmation:
    try:
        assert isinstance(data, dict)
        subscriber = int(data["s"])
        lists = tuple(int(n) for n in data["n"])
    except (AssertionError, KeyError, TypeError, ValueError) as wrong:
        raise Invalid from wrong
    return Confirmation(subscriber, lists, issued_at)


def unsubscribe_token(subscription_id: int) -> str:
    # No expiry: an unsubscribe link in a mail from last year must still work.
    return signing.dumps(subscription_id, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe(token: str) -> int:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as bad:
        raise Invalid from bad
    if not isinstance(value, int):
        raise Invalid
    return value


def issue_stamp(*, at: dt.datetime | None = None) -> str:
    return signing.dumps((at or timezone.now()).timestamp(), salt=STAMP_SALT)


def stamp_age(value: str, *, now: dt.datetime | None = None) -> dt.timedelta | None:
    """How long ago the form was issued; None for a missing, altered or stale stamp."""
    try:
        issued = float(signing.loads(value, salt=STAMP_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    age = (now or timezone.now()) - dt.datetime.fromtimestamp(issued, tz=dt.UTC)
    return age if dt.timedelta(0) <= age <= STAMP_MAX_AGE else None
