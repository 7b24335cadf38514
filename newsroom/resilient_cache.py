"""Redis as an accelerator, never a dependency: django-redis, told to ignore a server it cannot
reach, plus the three things its `IGNORE_EXCEPTIONS` alone does not do.

With `IGNORE_EXCEPTIONS` every cache call that meets a connection error or a timeout answers
"nothing cached" (a miss, a write that did not happen), so the request is served from the
database and templates instead of failing with a 500. On top of that:

- **One log line per interval.** django-redis would log every ignored error; a site serving
  hundreds of requests a second would write hundreds of tracebacks. We log the first error, then
  at most one line every `ERROR_LOG_INTERVAL` seconds saying how many more there were.
- **No waiting on a dead server.** After an error, this process does not try Redis again for
  `NEWSROOM_CACHE_RETRY_SECONDS`: each call answers "nothing cached" at once, so an unreachable
  host (a timeout, not a refusal) does not add the socket timeout to every cache call.
- **No stale page after the outage.** A write that did not reach Redis may have been an
  invalidation (a bumped content version, newsroom/pagecache.py; a comment thread's version,
  comments/threads.py), and Redis may come back with what it held before. So the first call
  that reaches Redis again after an error empties it (FLUSHDB) before it does anything else.
  Give Newsroom a Redis database of its own (the number in `REDIS_URL`, e.g. `/1`).

The state is per process: each gunicorn worker finds out about an outage, and its end, by
itself. Outside a request (a management command whose invalidating write failed) nobody
empties the cache later; the content version's timeout bounds how long that could matter.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError

logger = logging.getLogger("newsroom.cache")

# At most one log line about cache errors this often (seconds), per process.
ERROR_LOG_INTERVAL = 60.0

# The client's methods that talk to nobody, or that must never fail (close runs at the end of
# every request): called straight through.
_LOCAL_METHODS = frozenset(
    {
        "close",
        "connect",
        "disconnect",
        "do_close_clients",
        "get_client",
        "get_client_with_index",
        "get_next_client_index",
        "make_key",
        "make_pattern",
        "encode",
        "decode",
    }
)


class Outage:
    """What one process knows about its cache server: whether the last call failed, when to
    try again, whether the cache must be emptied before it is trusted, what was logged."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget any outage (a test that points the cache at a fresh server)."""
        self.retry_at = 0.0
        self.must_empty = False
        self.errors_since_log = 0
        self.logged_at: float | None = None
        self.failing = False

    @property
    def retry_seconds(self) -> float:
        return float(getattr(settings, "NEWSROOM_CACHE_RETRY_SECONDS", 5))

    def paused(self) -> bool:
        """True while this process leaves the server alone after an error."""
        return self._clock() < self.retry_at

    def failed(self, error: BaseException) -> None:
        now = self._clock()
        with self._lock:
            self.retry_at = now + self.retry_seconds
            self.must_empty = True
            self.errors_since_log += 1
            first = not self.failing
            self.failing = True
            due = self.logged_at is None or now - self.logged_at >= ERROR_LOG_INTERVAL
            if not (first or due):
                return
            count, self.errors_since_log, self.logged_at = self.errors_since_log, 0, now
        logger.error(
            "The cache is unreachable (%s); serving pages uncached. %d cache error(s) since the "
            "last report; the next report comes in %.0f s at the earliest.",
            error,
            count,
            ERROR_LOG_INTERVAL,
        )

    def recovered(self, emptied: bool) -> None:
        with self._lock:
            was_failing, self.failing = self.failing, False
            if emptied:
                self.must_empty = False
            self.errors_since_log = 0
        if was_failing:
            logger.warning(
                "The cache is reachable again%s.",
                "; emptied it, so nothing written before the outage is served" if emptied else "",
            )


class _GuardedClient:
    """django-redis's client, with every call that talks to Redis passed through an Outage."""

    def __init__(self, client: Any, outage: Outage) -> None:
        self._client = client
        self._outage = outage

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name.startswith("_") or name in _LOCAL_METHODS or not callable(attribute):
            return attribute

        def guarded(*args: Any, **kwargs: Any) -> Any:
            return self._call(attribute, args, kwargs)

        return guarded

    def _call(self, method: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
        outage = self._outage
        if outage.paused():
            # ConnectionInterrupted is what django-redis ignores; it wants the cause beside it.
            raise ConnectionInterrupted(connection=None) from RedisConnectionError(
                "not retried yet after an error"
            )
        try:
            emptied = False
            if outage.must_empty:
                self._client.clear()
                emptied = True
            result = method(*args, **kwargs)
        except ConnectionInterrupted as error:
            outage.failed(error)
            raise
        if emptied or outage.failing:
            outage.recovered(emptied)
        return result


# Django makes one cache object per thread; what is known about a server is the process's.
_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


def outage_of(server: str) -> Outage:
    with _outages_lock:
        return _outages.setdefault(server, Outage())


class ResilientRedisCache(RedisCache):
    """The Redis cache backend of settings.CACHES when REDIS_URL is set (see the module)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self.outage = outage_of(server)
        self._guarded: _GuardedClient | None = None

    @property
    def client(self) -> Any:
        if self._guarded is None:
            self._guarded = _GuardedClient(super().client, self.outage)
        return self._guarded
