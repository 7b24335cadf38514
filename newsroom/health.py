"""What /healthz reports: the state of each part the site leans on, cheaply (it is polled).

The database is the only part the site cannot serve without, so only its failure makes the
answer 503 (and a load balancer take the host out). The cache is an accelerator
(newsroom/resilient_cache.py) and storage holds images and uploads: either failing leaves the
site "degraded", still serving readers, with 200.
"""

from __future__ import annotations

import secrets
import threading
import time

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection

OK = "ok"

# Storage is asked at most this often (seconds) per process: on S3 each check is a request.
STORAGE_CHECK_INTERVAL = 30.0
_storage_memo: dict[str, tuple[float, str]] = {}
_storage_lock = threading.Lock()


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure means the site cannot serve
        return error.__class__.__name__
    return OK


def cache_state() -> str:
    """Write a token and read it back: a cache that ignores its errors (Redis unreachable)
    answers with a miss instead of raising, which is how it is told apart from a working one."""
    token = secrets.token_hex(8)
    try:
        cache.set("newsroom:healthz", token, timeout=30)
        answered = cache.get("newsroom:healthz")
    except Exception as error:  # a backend that raises: unreachable all the same
        return error.__class__.__name__
    return OK if answered == token else "unreachable"


def storage_state() -> str:
    now = time.monotonic()
    with _storage_lock:
        memo = _storage_memo.get("default")
        if memo and now - memo[0] < STORAGE_CHECK_INTERVAL:
            return memo[1]
    try:
        default_storage.exists("healthz-probe")
        state = OK
    except Exception as error:  # unreachable, refused, misconfigured: reported by its class
        state = error.__class__.__name__
    with _storage_lock:
        _storage_memo["default"] = (now, state)
    return state


def forget_storage_state() -> None:
    """Ask storage afresh on the next check (tests change storage under a running process)."""
    with _storage_lock:
        _storage_memo.clear()


def report() -> tuple[dict[str, str], int]:
    """The JSON /healthz answers and its status code."""
    parts = {"database": database_state(), "cache": cache_state(), "storage": storage_state()}
    if parts["database"] != OK:
        status, code = "error", 503
    elif all(state == OK for state in parts.values()):
        status, code = OK, 200
    else:
        status, code = "degraded", 200
    return {"status": status, **parts}, code
