"""What one process remembers about an unreachable cache: when it logs, when it tries again,
and that it empties the cache before trusting it (the clock is passed in)."""

from __future__ import annotations

import logging

from redis.exceptions import ConnectionError as RedisConnectionError

from newsroom.resilient_cache import ERROR_LOG_INTERVAL, Outage


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def refused() -> RedisConnectionError:
    return RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def reports(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "newsroom.cache"]


def test_the_first_error_is_logged_and_the_rest_of_the_minute_is_counted(caplog, settings):
    settings.NEWSROOM_CACHE_RETRY_SECONDS = 5
    clock = Clock()
    outage = Outage(clock=clock)
    with caplog.at_level(logging.WARNING, logger="newsroom.cache"):
        for _ in range(30):
            outage.failed(refused())
            clock.now += 1
        assert len(reports(caplog)) == 1
        clock.now += ERROR_LOG_INTERVAL
        outage.failed(refused())

    first, second = reports(caplog)
    assert "The cache is unreachable" in first and "Connection refused" in first
    assert "1 cache error(s)" in first
    assert "30 cache error(s) since the last report" in second


def test_after_an_error_the_server_is_left_alone_for_the_retry_interval(settings):
    settings.NEWSROOM_CACHE_RETRY_SECONDS = 5
    clock = Clock()
    outage = Outage(clock=clock)
    assert not outage.paused()
    outage.failed(refused())
    assert outage.paused()
    clock.now += 4.9
    assert outage.paused()
    clock.now += 0.2
    assert not outage.paused()


def test_the_cache_must_be_emptied_before_it_is_trusted_again(caplog):
    outage = Outage(clock=Clock())
    outage.failed(refused())
    assert outage.must_empty
    with caplog.at_level(logging.WARNING, logger="newsroom.cache"):
        outage.recovered(emptied=True)
    assert not outage.must_empty and not outage.failing
    assert reports(caplog)[-1].startswith("The cache is reachable again; emptied it")
