"""Signing up: one function for the form's POST and the "send me a new link" button.

It never says whether an address was known: the reader sees the same page whatever happened,
and the only thing that differs is whether the address receives a confirmation (nothing else
is ever sent before the reader confirms)."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
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
            return False  # already on every list asked for: nothing to send, nothing to say
        return send_confirmation(subscriber, to_confirm, now=now)


def send_confirmation(
    subscriber: Subscriber, newsletters: list[Newsletter], *, now: dt.datetime
) -> bool:
    """Mail a confirmation link unless this address had one very recently or too many today:
    the form cannot be used to fill someone's inbox."""
    last = subscriber.confirmation_sent_at
    same_day = last is not None and timezone.localdate(last) == timezone.localdate(now)
    sent_today = subscriber.confirmations_sent_today if same_day else 0
    wait = dt.timedelta(seconds=settings.NEWSLETTER_CONFIRM_RESEND_SECONDS)
    if (
        last is not None and now - last < wait
    ) or sent_today >= settings.NEWSLETTER_CONFIRMS_PER_DAY:
        log.info("Newsletter confirmation held back for %s: sent recently", subscriber.log_id)
        return False
    Subscriber.objects.filter(pk=subscriber.pk).update(
        confirmation_sent_at=now, confirmations_sent_today=sent_today + 1
    )
    message = mail.confirmation_message(subscriber, newsletters)
    log_id = subscriber.log_id

    def send() -> None:
        try:
            message.send()
        except (smtplib.SMTPException, OSError):
            # The reader's page is the same either way; "send me a new link" tries again.
            log.warning("Newsletter confirmation to %s failed", log_id, exc_info=True)
            return
        log.info("Newsletter confirmation sent to %s", log_id)

    transaction.on_commit(send)
    return True
