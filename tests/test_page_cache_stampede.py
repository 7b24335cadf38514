"""After a change, the first request for a kept page renders it again and the others asking
for it meanwhile wait for that render (newsroom/pagecache.py): they are answered with the new
page, never the old one, and a render that keeps nothing lets them render for themselves."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import page_tags
from newsroom import pagecache
from tests.factories import published_article

pytestmark = pytest.mark.django_db


def _entry_key() -> str:
    """The one page entry the cache holds (the test warms a single page)."""
    keys = [k for k in cache._cache if ":newsroom:page:" in k]  # type: ignore[attr-defined]
    assert len(keys) == 1
    return keys[0].split(":", 2)[2]  # locmem keys carry Django's prefix and version


def _stale_page(client: Client) -> tuple[str, str]:
    story = published_article(headline="The ferry timetable changes")
    url = story.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    page_tags.bump([page_tags.story(story.pk)])  # the page is now stale
    return url, _entry_key()


def test_a_request_waits_for_the_render_under_way_and_gets_the_new_page(client):
    url, key = _stale_page(client)
    stale = cache.get(key)
    lock = f"{key}:rendering"
    assert cache.add(lock, 1)  # another worker is rendering this page

    def other_worker_finishes() -> None:
        fresh = (stale[0], stale[1], b"the page the other worker rendered", {})
        fresh = (*fresh[:3], page_tags.versions(stale[3]))
        cache.set(key, fresh)
        cache.delete(lock)

    timer = threading.Timer(0.2, other_worker_finishes)
    timer.start()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    timer.join()
    assert response["X-Page-Cache"] == "hit"
    assert response.content == b"the page the other worker rendered"
    assert len(queries) == 0  # it rendered nothing itself


def test_when_the_other_render_keeps_nothing_the_request_renders_itself(client):
    url, key = _stale_page(client)
    lock = f"{key}:rendering"
    assert cache.add(lock, 1)
    timer = threading.Timer(0.2, lambda: cache.delete(lock))  # that render was not storable
    timer.start()
    response = client.get(url)
    timer.join()
    assert response["X-Page-Cache"] == "miss"
    assert "The ferry timetable changes" in response.content.decode()
    assert cache.get(lock) is None  # it took no lock of its own


def test_the_render_after_a_change_holds_the_lock_only_while_it_renders(client, monkeypatch):
    url, key = _stale_page(client)
    held = []
    render = pagecache.AnonymousPageCacheMiddleware._render

    def watching(self, request, query, page_key, *rest):  # type: ignore[no-untyped-def]
        held.append(cache.get(f"{page_key}:rendering"))
        return render(self, request, query, page_key, *rest)

    monkeypatch.setattr(pagecache.AnonymousPageCacheMiddleware, "_render", watching)
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert held == [1]
    assert cache.get(f"{key}:rendering") is None
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_a_page_never_kept_takes_no_lock(client):
    story = published_article(headline="Lifeboat day")
    added = []
    real_add = cache.add

    def add(key, *args, **kwargs):  # type: ignore[no-untyped-def]
        added.append(key)
        return real_add(key, *args, **kwargs)

    cache.add = add  # type: ignore[method-assign]
    try:
        client.get(story.get_absolute_url())  # first render: nothing was kept before
        client.get("/healthz")  # never kept
    finally:
        del cache.add
    assert not [key for key in added if key.endswith(":rendering")]
