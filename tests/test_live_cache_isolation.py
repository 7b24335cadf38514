"""Cache isolation through nginx: after an editor signs in and browses every
public page through nginx, fresh readers fetching the same pages through nginx see nothing of
the editor and get no cookie, and are served from the cache. See reliability/isolation.py."""

from __future__ import annotations

import pytest

from loopback.servers import Site
from reliability import isolation

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def report(live_site: Site) -> isolation.IsolationReport:
    return isolation.check_isolation(live_site)


def test_the_editor_browsed_every_public_page_past_the_cache(
    report: isolation.IsolationReport,
) -> None:
    assert report.paths > 50
    assert report.editor_statuses[200] > 50
    assert dict(report.editor_cache) == {"BYPASS": report.paths}


def test_readers_after_the_editor_see_nothing_of_the_editor(
    report: isolation.IsolationReport,
) -> None:
    assert report.leaks == []


def test_readers_after_the_editor_are_never_sent_a_cookie(
    report: isolation.IsolationReport,
) -> None:
    assert report.cookies_to_readers == []


def test_readers_are_served_from_nginx_cache(report: isolation.IsolationReport) -> None:
    # Each page is fetched twice by fresh readers: every second fetch is a HIT (the first may
    # be one too, when an earlier reader filled the cache).
    assert report.not_cached == []
    assert report.hits == report.paths
