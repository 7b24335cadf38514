"""A subscriber's rights: everything held about an address (access) and its removal
(erasure), behind `export_subscriber` and `erase_subscriber`."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from newsletter.models import Subscriber


def _find(email: str) -> Subscriber | None:
    return Subscriber.find(email)


def export(email: str) -> dict[str, Any]:
    subscriber = _find(email)
    data: dict[str, Any] = {
        "email": email.strip(),
        "exported_at": timezone.now().isoformat(),
        "subscriber": None,
        "subscriptions": [],
        "deliveries": [],
    }
    if subscriber is None:
        return data
    data["subscriber"] = {
        "id": subscriber.pk,
        "email": subscriber.email,
        "first_signed_up": subscriber.created_at.isoformat(),
        "last_confirmation_mail": subscriber.confirmation_sent_at.isoformat()
        if subscriber.confirmation_sent_at
        else None,
        "soft_bounces": subscriber.soft_bounces,
    }
    data["subscriptions"] = [
        {
            "newsletter": s.newsletter.name,
            "status": s.status,
            "signed_up": s.created_at.isoformat(),
            "confirmed": s.confirmed_at.isoformat() if s.confirmed_at else None,
            "ended": s.ended_at.isoformat() if s.ended_at else None,
        }
        for s in subscriber.subscriptions.select_related("newsletter").order_by("pk")
    ]
    data["deliveries"] = [
        {
            "edition": d.edition.subject,
            "status": d.status,
            "sent_at": d.sent_at.isoformat() if d.sent_at else None,
        }
        for d in subscriber.deliveries.select_related("edition").order_by("pk")
    ]
    return data


def erase(email: str) -> int:
    """Delete the address with its subscriptions and delivery records; returns rows deleted.

    Deleting the delivery records means a later re-subscription could receive an edition it
    was sent before; that is the price of forgetting the address entirely."""
    subscriber = _find(email)
    if subscriber is None:
        return 0
    with transaction.atomic():
        deleted, _ = subscriber.delete()
    return deleted
