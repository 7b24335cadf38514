"""Signing up: one function for the form's POST and the "send me a new link" button.

It never says whether an address was known: the reader sees the same page whatever happened,
and the request does the same work either way. An address not yet on every list asked for
gets a confirmation link; one already confirmed on all of them gets a short "you are already
subscribed" mail with its unsubscribe links instead. Both count against the same per-address
limits and are handed to the mail server the same way, so neither the response time nor the
mailbox tells a stranger anything the mailbox's owner would not see (docs/architecture.md)."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from newsletter import mail
from newsletter.models import Newsletter, Subscriber, Subscription

log = logging.getLogger(__name__)


def sign_up(
    *, email: str, newsletters: Iterable[Newsletter], now: dt.datetime | None = None
) -> bool:
    """Record the wish to join `newsletters` and mail a confirmation link if one is due;
    returns whether a mail was scheduled (for tests and logs, never for the reader)."""
    now = now or timezone.now()
    lists = [n for n in newsletters if n.is_active]
    if not lists:
        return False
    with transaction.atomic():
        subscriber, _ = Subscriber.objects.select_for_update().get_or_create(
            email=Subscriber.normalise(email)
        )
        existing = {s.newsletter_id: s for s in subscriber.subscriptions.all()}
        for newsletter in lists:
            if newsletter.pk not in existing:
                Subscription.objects.create(subscriber=subscriber, newsletter=newsletter)
        to_confirm = [
            n
            for n in lists
            if n.pk not in existing or existing[n.pk].status != Subscription.Status.CONFIRMED
        ]
        if not to_confirm:
            # Already on every list asked for: say so to the mailbox, the same amount of work
            # as a confirmation, so a stranger cannot tell the two apart by waiting.
            subscriptions = [existing[n.pk] for n in lists]
            return _send_if_due(
                subscriber,
                lambda: mail.already_subscribed_message(subscriber, subscriptions),
                now=now,
                what="already-subscribed note",
            )
        return send_confirmation(subscriber, to_confirm, now=now)


def send_confirmation(
    subscriber: Subscriber, newsletters: list[Newsletter], *, now: dt.datetime
) -> bool:
    """Mail a confirmation link unless this address had one very recently or too many today:
    the form cannot be used to fill someone's inbox."""
    return _send_if_due(
        subscriber,
        lambda: mail.confirmation_message(subscriber, newsletters),
        now=now,
        what="confirmation",
    )


def _send_if_due(
    subscriber: Subscriber,
    build: Callable[[], EmailMessage],
    *,
    now: dt.datetime,
    what: str,
) -> bool:
    """Send what `build` makes after the transaction commits, within the per-address limits
    (one mail per NEWSLETTER_CONFIRM_RESEND_SECONDS, NEWSLETTER_CONFIRMS_PER_DAY a day)."""
    last = subscriber.confirmation_sent_at
    same_day = last is not None and timezone.localdate(last) == timezone.localdate(now)
    sent_today = subscriber.confirmations_sent_today if same_day else 0
    wait = dt.timedelta(seconds=settings.NEWSLETTER_CONFIRM_RESEND_SECONDS)
    if (
        last is not None and now - last < wait
    ) or sent_today >= settings.NEWSLETTER_CONFIRMS_PER_DAY:
        log.info("Newsletter %s held back for %s: sent recently", what, subscriber.log_id)
        return False
    Subscriber.objects.filter(pk=subscriber.pk).update(
        confirmation_sent_at=now, confirmations_sent_today=sent_today + 1
    )
    message = build()
    log_id = subscriber.log_id

    def send() -> None:
        try:
            message.send()
        except (smtplib.SMTPException, OSError):
            # The reader's page is the same either way; "send me a new link" tries again.
            log.warning("Newsletter %s to %s failed", what, log_id, exc_info=True)
            return
        log.info("Newsletter %s sent to %s", what, log_id)

    transaction.on_commit(send)
    return True
