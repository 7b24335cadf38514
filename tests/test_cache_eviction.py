"""The embedded default cache holds what readers read: bounded on disk, it evicts the least
recently used entries when full, never a random share of them."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from django.core.cache import BaseCache
from django.core.cache.backends.base import InvalidCacheBackendError
from django.utils.module_loading import import_string

from newsroom import settings as project_settings

PAGE = b"x" * 100_000  # about a story page, and kept as a file of its own


def shipped_cache(location: Path, size_limit: int) -> BaseCache:
    """The default cache as settings.py ships it (not the tests' in-memory one), smaller."""
    config = copy.deepcopy(project_settings.CACHES["default"])
    if "disk_cache" not in config["BACKEND"]:
        raise InvalidCacheBackendError("REDIS_URL is set; this test is about the disk cache")
    config["SHARDS"] = 1  # one shard, so the whole budget is one LRU order
    config["OPTIONS"]["size_limit"] = size_limit
    backend = import_string(config.pop("BACKEND"))
    return backend(str(location), config)


def test_the_shipped_default_is_a_bounded_lru_disk_cache():
    config = project_settings.CACHES["default"]
    assert config["BACKEND"] == "newsroom.disk_cache.DiskCache"
    assert config["OPTIONS"]["eviction_policy"] == "least-recently-used"
    assert config["OPTIONS"]["size_limit"] == project_settings.CACHE_SIZE_MB * 1024 * 1024
    assert project_settings.CACHES["versions"]["OPTIONS"]["eviction_policy"] == "none"


def _access_times(cache: BaseCache) -> dict[str, float]:
    shard = cache._cache._shards[0]
    return {
        key.rsplit(":", 1)[-1]: when
        for key, when in shard._sql("SELECT key, access_time FROM Cache").fetchall()
    }


def _age_everything(cache: BaseCache, seconds: float) -> None:
    """As if every entry was last read `seconds` ago (the clock is the disk cache's own)."""
    shard = cache._cache._shards[0]
    with shard._transact(False) as (sql, _):
        sql("UPDATE Cache SET access_time = access_time - ?", (seconds,))


def test_when_full_it_evicts_the_least_recently_read_pages_first(tmp_path):
    cache = shipped_cache(tmp_path, size_limit=3_000_000)
    for n in range(28):
        cache.set(f"page-{n}", PAGE)
    # Stored a while ago: reads record their time only once the last one is older than the
    # cache's resolution (a read that writes takes every worker's shard lock).
    _age_everything(cache, 2 * cache.lru_resolution)
    for n in range(10):  # readers come back to these
        assert cache.get(f"page-{n}") == PAGE

    for n in range(28, 38):  # ten more pages than fit
        cache.set(f"page-{n}", PAGE)

    kept = {n for n in range(38) if cache.get(f"page-{n}") is not None}
    evicted = set(range(38)) - kept
    assert set(range(10)) <= kept  # read lately: kept
    assert set(range(28, 38)) <= kept  # stored lately: kept
    assert evicted  # the budget was passed, so something went
    # Of those neither read nor stored lately, the ones untouched longest went first.
    assert evicted == set(range(10, 10 + len(evicted)))
    assert cache._cache.volume() <= 3_000_000


def test_it_holds_far_more_than_three_hundred_pages(tmp_path):
    cache = shipped_cache(tmp_path, size_limit=64 * 1024 * 1024)
    small = b"y" * 2_000
    for n in range(1_000):
        cache.set(f"page-{n}", small)
    assert all(cache.get(f"page-{n}") == small for n in range(1_000))


@pytest.mark.parametrize("alias", ["default", "versions"])
def test_a_busy_shard_is_waited_for_briefly_not_failed_at_once(alias):
    assert project_settings.CACHES[alias]["DATABASE_TIMEOUT"] >= 0.1


def test_the_versions_cache_reads_many_keys_at_once_exactly_as_one_by_one(tmp_path):
    config = copy.deepcopy(project_settings.CACHES["versions"])
    backend = import_string(config.pop("BACKEND"))
    cache = backend(str(tmp_path), config)
    values = {f"newsroom:tag:story:{n}": 1_700_000_000_000_000_000 + n for n in range(40)}
    cache.set_many(values)
    cache.set("newsroom:tag:gone", 5, timeout=-1)  # already expired
    cache.set("newsroom:tag:text", "a string")
    asked = [*values, "newsroom:tag:gone", "newsroom:tag:never", "newsroom:tag:text"]

    many = cache.get_many(asked)

    assert many == {key: cache.get(key) for key in asked if cache.get(key) is not None}
    assert many["newsroom:tag:text"] == "a string"
    assert "newsroom:tag:gone" not in many and "newsroom:tag:never" not in many
    assert len(many) == 41


def test_a_read_soon_after_the_last_writes_nothing_and_a_later_one_records_it(tmp_path):
    cache = shipped_cache(tmp_path, size_limit=3_000_000)
    assert cache.lru_resolution == 60  # the shipped resolution of the LRU order
    cache.set("page-a", PAGE)
    cache.set("page-b", PAGE)
    stored = _access_times(cache)

    assert cache.get("page-a") == PAGE  # read within the resolution: nothing written
    assert _access_times(cache) == stored

    _age_everything(cache, cache.lru_resolution + 1)
    aged = _access_times(cache)
    assert cache.get("page-a") == PAGE  # read past it: its access is recorded
    after = _access_times(cache)
    assert after["page-a"] > aged["page-a"] + cache.lru_resolution
    assert after["page-b"] == aged["page-b"]  # the entry nobody read keeps its old time
    assert cache.get("page-missing") is None
    assert cache.get("page-missing", "default") == "default"
