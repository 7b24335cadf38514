"""Helpers for the newsletter tests: lists and subscribers, the links in the mail, and a real
SMTP server on loopback that counts what it receives per recipient."""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from urllib.parse import urlsplit

from django.core import mail
from django.core.mail import EmailMessage
from django.utils import timezone

from newsletter.models import Newsletter, Subscriber, Subscription


def morning_tide(**kwargs: object) -> Newsletter:
    fields = {"name": "The Morning Tide", "slug": "morning-tide", "frequency": "daily"}
    return Newsletter.objects.create(**{**fields, "in_signup_box": True, **kwargs})


def confirmed_readers(newsletter: Newsletter, count: int, *, start: int = 0) -> list[Subscriber]:
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{n}@harbour.example") for n in range(start, start + count)
    )
    now = timezone.now()
    Subscription.objects.bulk_create(
        Subscription(
            subscriber=s,
            newsletter=newsletter,
            status=Subscription.Status.CONFIRMED,
            confirmed_at=now,
        )
        for s in subscribers
    )
    return subscribers


def link_in(message: EmailMessage | Message, kind: str) -> str:
    """The path of the /newsletter/<kind>/… link in a mail's plain-text part."""
    if isinstance(message, EmailMessage):
        text = message.body
    else:
        part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
        text = part.get_payload(decode=True).decode()
    match = re.search(rf"https?://\S+/newsletter/{kind}/\S+/", text)
    assert match, text
    return urlsplit(match.group(0)).path


def outbox() -> list[EmailMessage]:
    return list(mail.outbox)  # type: ignore[attr-defined]


@dataclass
class CountingMailbox:
    """What an aiosmtpd server received: every message, and how many per recipient."""

    messages: list[Message] = field(default_factory=list)
    per_recipient: Counter = field(default_factory=Counter)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.arrived:
            self.messages.append(message_from_bytes(envelope.content))
            for rcpt in envelope.rcpt_tos:
                self.per_recipient[rcpt] += 1
            self.arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 30.0) -> None:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
        assert len(self.messages) >= count, f"{len(self.messages)} of {count} messages arrived"
