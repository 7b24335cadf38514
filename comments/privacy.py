"""Who sent a comment, without keeping who they are: the sender's address as a keyed hash, and
the retention jobs (purge, erase, export) behind the management commands."""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from comments.models import Comment, Flag


def client_ip(request: HttpRequest) -> str:
    """The reader's address: the one place that decides.

    Behind nginx every connection comes from the proxy, so without this every reader would
    share one flood bucket (issue #7, item 0). nginx replaces X-Real-IP with the address of its
    own connection; the header is believed only when NEWSROOM_BEHIND_PROXY is on and the
    connection comes from a trusted proxy. From anyone else it is a client's claim, ignored.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if settings.NEWSROOM_BEHIND_PROXY and _is_trusted_proxy(remote):
        forwarded = _address(request.META.get("HTTP_X_REAL_IP", ""))
        if forwarded:
            return forwarded
    return remote


def _address(value: str) -> str:
    """The normalised address in `value`, or "" if it is not exactly one address."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


def _is_trusted_proxy(remote: str) -> bool:
    address = _address(remote)
    if not address:
        return False
    ip = ipaddress.ip_address(address)
    return any(
        ip in ipaddress.ip_network(proxy, strict=False)
        for proxy in settings.NEWSROOM_TRUSTED_PROXIES
    )


def hash_ip(ip: str) -> str:
    """A keyed HMAC of the address: the same reader gets the same hash, nobody can reverse it
    without the secret key, and rotating the key forgets everyone."""
    if not ip:
        return ""
    return salted_hmac("comments.ip", ip, algorithm="sha256").hexdigest()


def request_ip_hash(request: HttpRequest) -> str:
    return hash_ip(client_ip(request))


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
