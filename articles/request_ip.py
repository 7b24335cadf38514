"""The address a request came from, as the one place that decides, and what the site keeps of
it: a keyed hash. In the lowest layer so that comments, the newsletter and the site's own pages
can all use it; it imports no model."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
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
