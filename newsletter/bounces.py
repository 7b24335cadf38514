"""Bounces and complaints reported by an e-mail service through django-anymail's tracking
webhooks (the `tracking` signal): a hard bounce or a spam complaint takes the address off
every list. SMTP, the default, reports nothing; the webhooks matter once an ESP sends.

Anymail normalises each service's events. `bounced` is a permanent failure for most
services; Postmark also reports soft bounces as `bounced` with its own `Type`, so those are
counted and only NEWSLETTER_SOFT_BOUNCE_LIMIT of them end the subscriptions. `deferred`
(a temporary failure) is ignored: the service retries it."""

from __future__ import annotations

import logging
from typing import Any

from anymail.signals import AnymailTrackingEvent, EventType, tracking
from django.conf import settings
from django.db import transaction
from django.db.models import F

from newsletter.models import Subscriber, Subscription, unsubscribe_everywhere

log = logging.getLogger(__name__)

SOFT_BOUNCE_TYPES = {"SoftBounce"}  # Postmark's name; other services say `deferred`


def connect() -> None:
    tracking.connect(record_event, dispatch_uid="newsletter.bounces")


def record_event(sender: Any, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any) -> None:
    if event.event_type not in {EventType.BOUNCED, EventType.COMPLAINED} or not event.recipient:
        return
    subscriber = Subscriber.find(event.recipient)
    if subscriber is None:
        return
    with transaction.atomic():
        if event.event_type == EventType.COMPLAINED:
            ended = unsubscribe_everywhere(subscriber, Subscription.Status.COMPLAINED)
            log.info(
                "Newsletter complaint from %s (%s): %s list(s) ended",
                subscriber.log_id,
                esp_name,
                ended,
            )
            return
        esp_type = event.esp_event.get("Type") if isinstance(event.esp_event, dict) else None
        if esp_type in SOFT_BOUNCE_TYPES:
            Subscriber.objects.filter(pk=subscriber.pk).update(soft_bounces=F("soft_bounces") + 1)
            subscriber.refresh_from_db(fields=["soft_bounces"])
            if subscriber.soft_bounces < settings.NEWSLETTER_SOFT_BOUNCE_LIMIT:
                return
        ended = unsubscribe_everywhere(subscriber, Subscription.Status.BOUNCED)
        log.info(
            "Newsletter bounce for %s (%s): %s list(s) ended", subscriber.log_id, esp_name, ended
        )
