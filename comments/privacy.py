"""Who sent a comment, without keeping who they are: keyed hashes of e-mail addresses, and the
retention jobs (purge, erase, export) behind the management commands. The sender's network
address and its hash are decided in `articles/request_ip.py`, which the newsletter and the
site's pages use too."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from comments.models import Comment, Flag


def email_digest(email: str) -> str:
    """A keyed hash of an e-mail address, for what must name an address without showing it: a
    cookie that lists the addresses a browser has confirmed, a key in the shared cache."""
    normalised = email.strip().lower()
    return salted_hmac("comments.email", normalised, algorithm="sha256").hexdigest()[:32]


def purge(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> dict[str, int]:
    """Forget what moderation no longer needs: e-mails of rejected and spam comments, and every
    address hash, once older than `older_than`."""
    cutoff = (now or timezone.now()) - older_than
    old = Comment.objects.filter(created_at__lt=cutoff)
    with transaction.atomic():
        emails = (
            old.filter(status__in=[Comment.Status.REJECTED, Comment.Status.SPAM])
            .exclude(email="")
            .update(email="", notify_replies=False)
        )
        hashes = old.exclude(ip_hash="").update(ip_hash="")
        flags = Flag.objects.filter(at__lt=cutoff).exclude(ip_hash="").update(ip_hash="")
    return {"emails": emails, "address_hashes": hashes, "flag_hashes": flags}


def comments_by(email: str) -> Any:
    return Comment.objects.filter(email__iexact=email.strip()).select_related("article")


def erase(email: str, *, delete: bool = False) -> int:
    """Anonymise (or delete) everything a reader posted under `email`; returns how many."""
    count = 0
    with transaction.atomic():
        for comment in comments_by(email).order_by("-depth", "-pk"):
            comment.erase(delete=delete)
            count += 1
    return count


def export(email: str) -> dict[str, Any]:
    """Everything we hold about a reader, as plain data (their right of access)."""
    return {
        "email": email.strip(),
        "exported_at": timezone.now().isoformat(),
        "comments": [
            {
                "id": c.pk,
                "story": c.article.headline,
                "story_url": c.article.get_absolute_url(),
                "in_reply_to": c.parent_id,
                "name": c.name,
                "email": c.email,
                "body": c.body,
                "status": c.status,
                "created_at": c.created_at.isoformat(),
                "email_me_replies": c.notify_replies,
                "address_hash": c.ip_hash,
            }
            for c in comments_by(email).order_by("created_at", "pk")
        ],
    }
