"""The address a request came from, as the one place that decides, and what the site keeps of
it: a keyed hash, and a count per hour for the public forms one machine must not run many times
over (comment floods and flags count stored comments and flags instead; the newsletter sign-up
and the gift form's Stripe Checkout, which store nothing per attempt, count here). In the lowest
layer so that comments, the newsletter and the site's own pages can all use it; it imports no
model."""

from __future__ import annotations

import datetime as dt
import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac


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
    # The salt keeps its first owner's name: comments and flags store these hashes, and a new
    # salt would make every stored one a stranger's.
    return salted_hmac("comments.ip", ip, algorithm="sha256").hexdigest()


def request_ip_hash(request: HttpRequest) -> str:
    return hash_ip(client_ip(request))


def within_hourly_limit(
    request: HttpRequest, *, form: str, limit: int, now: dt.datetime | None = None
) -> bool:
    """Count one more use of `form` from the request's address this hour; False once the
    address has used it more than `limit` times this hour.

    The count is kept in the shared cache (every worker and host sees it) under the address's
    hash, per clock hour, so nothing about the address is stored and the count forgets itself.
    If the cache cannot count (unreachable, or the entry evicted between the two calls) the
    request is let through: a reader is never refused because the cache is away.
    """
    now = now or timezone.now()
    hour = int(now.timestamp()) // 3600
    key = f"hourly-limit:{form}:{hour}:{request_ip_hash(request)}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:
        return True
    # django-redis, told to ignore a server it cannot reach, answers None instead of raising.
    return count is None or count <= limit
