"""The default shared cache: diskcache's Django backend, kept connected between requests, and
reading many keys in one query per shard.

Django closes every cache when a request finishes (`close_caches` on `request_finished`), which
for most backends does nothing; diskcache's closes its SQLite connections, so each request
opened them again: about 10 ms a request, more than the rest of a page-cache hit together.
diskcache keeps one connection per thread, so leaving them open is what it is made for.

`get_many` is Django's loop of `get`s in diskcache; a listing served from the page cache checks
the versions of some thirty tags (articles/page_tags.py), so for a cache whose reads write
nothing (the versions, which never evict) it asks each shard once. It reads diskcache's table
the way `Cache.get` does (diskcache 5.x, pinned below 6).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from typing import Any

# diskcache ships no type hints.
from diskcache import DjangoCache, Timeout  # type: ignore[import-untyped]
from diskcache.core import EVICTION_POLICY  # type: ignore[import-untyped]


class DiskCache(DjangoCache):
    def close(self, **kwargs: Any) -> None:
        """Keep the connections: they are per thread and reused by its next request."""

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        fanout = self._cache
        policy = fanout._shards[0].eviction_policy
        if EVICTION_POLICY[policy]["get"] is not None or fanout.statistics:
            return super().get_many(keys, version=version)  # reads that write: one by one
        wanted: dict[int, dict[tuple[Any, bool], str]] = {}
        for key in keys:
            made = self.make_key(key, version=version)
            index = fanout._hash(made) % fanout._count
            db_key, raw = fanout._shards[index]._disk.put(made)
            wanted.setdefault(index, {})[(db_key, raw)] = key
        found: dict[str, Any] = {}
        now = time.time()
        for index, by_db_key in wanted.items():
            shard = fanout._shards[index]
            marks = ",".join("?" * len(by_db_key))
            # Only placeholders are joined in; the keys travel as parameters.
            select = (
                "SELECT key, raw, mode, filename, value FROM Cache WHERE key IN ("  # noqa: S608  # nosec B608
                + marks
                + ") AND (expire_time IS NULL OR expire_time > ?)"
            )
            try:
                rows = shard._sql(select, [*(db_key for db_key, _ in by_db_key), now]).fetchall()
            except (Timeout, sqlite3.OperationalError):
                continue  # a busy shard reads as missing: the caller starts those afresh
            for db_key, raw, mode, filename, value in rows:
                asked = by_db_key.get((db_key, bool(raw)))
                if asked is None:
                    continue
                try:
                    found[asked] = shard._disk.fetch(mode, filename, value, False)
                except OSError:
                    continue  # deleted between the query and the read
        return found
