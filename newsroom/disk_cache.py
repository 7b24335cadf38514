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

`get` keeps the least-recently-used order to within `LRU_RESOLUTION` seconds instead of
writing it on every read. diskcache's own `get` under that policy updates the entry's access
time in a write transaction each time, so every page-cache hit took the shard's write lock,
which all threads of all workers share: under 16 connections a cached story answered at 0.35x
the trivial view while in one thread it costs 1.4x. Now a read writes only when the entry's
recorded access is older than the resolution (60 s by default), and eviction still goes
least recently used first, at that resolution (tests/test_cache_eviction.py).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from typing import Any

# diskcache ships no type hints.
from diskcache import DjangoCache, Timeout  # type: ignore[import-untyped]
from diskcache.core import EVICTION_POLICY  # type: ignore[import-untyped]

# An entry read again within this many seconds of its recorded access is not rewritten.
LRU_RESOLUTION = 60.0

_SELECT_ONE = (
    "SELECT rowid, access_time, mode, filename, value FROM Cache"
    " WHERE key = ? AND raw = ? AND (expire_time IS NULL OR expire_time > ?)"
)


class DiskCache(DjangoCache):
    def __init__(self, directory: str, params: dict[str, Any]) -> None:
        super().__init__(directory, params)
        self.lru_resolution = float(params.get("LRU_RESOLUTION", LRU_RESOLUTION))

    def get(  # diskcache's signature (read, expire_time, tag, retry), not Django's
        self,
        key: str,
        default: Any = None,
        version: int | None = None,
        read: bool = False,
        expire_time: bool = False,
        tag: bool = False,
        retry: bool = False,
    ) -> Any:
        fanout = self._cache
        shard = fanout._shards[0]
        if read or expire_time or tag or retry or fanout.statistics:
            return super().get(key, default, version, read, expire_time, tag, retry)
        if shard.eviction_policy != "least-recently-used":
            return super().get(key, default, version)  # reads that write nothing already
        made = self.make_key(key, version=version)
        shard = fanout._shards[fanout._hash(made) % fanout._count]
        db_key, raw = shard._disk.put(made)
        now = time.time()
        try:
            rows = shard._sql(_SELECT_ONE, (db_key, raw, now)).fetchall()
        except (Timeout, sqlite3.OperationalError):
            return default  # a busy shard reads as missing, as diskcache's own get does
        if not rows:
            return default
        ((rowid, access_time, mode, filename, stored),) = rows
        try:
            value = shard._disk.fetch(mode, filename, stored, False)
        except OSError:
            return default  # deleted between the query and the read
        if now - (access_time or 0) >= self.lru_resolution:
            try:
                with shard._transact(False) as (sql, _):
                    sql("UPDATE Cache SET access_time = ? WHERE rowid = ?", (now, rowid))
            except (Timeout, sqlite3.OperationalError):
                pass  # only bookkeeping: the next read past the resolution records it
        return value

    def close(self, **kwargs: Any) -> None:
        """Keep the connections: they are per thread and reused by its next request."""

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        fanout = self._cache
        policy = fanout._shards[0].eviction_policy
        if EVICTION_POLICY[policy]["get"] is not None or fanout.statistics:
            return super().get_many(keys, version=version)  # reads that write: one by one
        wanted: dict[int, dict[tuple[Any, bool], str]] = {}
        count = fanout._count
        for key in keys:
            made = self.make_key(key, version=version)
            # One shard (the versions): no key to hash; the front page asks for 36 of them.
            index = fanout._hash(made) % count if count > 1 else 0
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
