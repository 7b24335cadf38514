"""Django's per-request signal receivers, less one that has nothing to do here.

Django connects `close_caches` to `request_finished`: after every request it walks every
cache opened in the thread and calls `close()`. Django's local-memory, database, file and
Redis backends inherit `BaseCache.close`, which does nothing; django-redis (the site's Redis
backend) closes only when told to (its CLOSE_CONNECTION option); the site's disk cache keeps
its connections on purpose (newsroom/disk_cache.py); memcached's backends do close.
When every configured cache is one of those, the receiver is disconnected at start-up:
58,000 instructions of the trivial view's 1.20 M (bench/instructions.py). With any
other backend configured, Django's receiver stays.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signals
from django.core.cache import close_caches
from django.core.cache.backends.base import BaseCache
from django.utils.module_loading import import_string

from newsroom.disk_cache import DiskCache

# close() implementations known to do nothing between requests.
_NOTHING_TO_CLOSE = {BaseCache.close, DiskCache.close}


def _is_django_redis(backend: type) -> bool:
    # By module name, not issubclass: django-redis is an optional extra (`redis`), and a site
    # without it must start; any backend built on it has it installed.
    return any(base.__module__.split(".")[0] == "django_redis" for base in backend.__mro__)


def closing_needed() -> bool:
    """Whether any configured cache backend closes something after a request."""
    for config in settings.CACHES.values():
        backend = import_string(str(config["BACKEND"]))
        if _is_django_redis(backend):
            options: dict = config.get("OPTIONS") or {}  # type: ignore[assignment]
            default = getattr(settings, "DJANGO_REDIS_CLOSE_CONNECTION", False)
            if options.get("CLOSE_CONNECTION", default):
                return True
        elif backend.close not in _NOTHING_TO_CLOSE:
            return True
    return False


def connect() -> None:
    if not closing_needed():
        signals.request_finished.disconnect(close_caches)
