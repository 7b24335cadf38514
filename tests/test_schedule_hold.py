"""The next scheduled time held in each thread (newsroom/invalidation.py, release_due): read
once per NEWSROOM_SCHEDULE_HOLD_SECONDS, and a held time that passes is released at once."""

import datetime as dt

import pytest
from django.utils import timezone

from articles import page_tags
from newsroom import invalidation
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def store_reads(monkeypatch):
    """How many times the version store is asked for the next scheduled time."""
    reads: list[str] = []
    store = page_tags.version_store()
    real_get = store.get

    def counted(key, *args, **kwargs):
        if key == invalidation.NEXT_KEY:
            reads.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(store, "get", counted)
    return reads


def test_within_the_hold_the_next_time_is_not_read_again(client, editor, settings, store_reads):
    settings.NEWSROOM_SCHEDULE_HOLD_SECONDS = 60
    ArticleFactory(headline="Embargoed ferry report").publish(
        by=editor, at=timezone.now() + dt.timedelta(hours=1)
    )
    store_reads.clear()
    for _ in range(5):
        assert client.get("/").status_code == 200
    assert store_reads == []


def test_without_a_hold_every_request_reads_it(client, editor, settings, store_reads):
    settings.NEWSROOM_SCHEDULE_HOLD_SECONDS = 0
    ArticleFactory(headline="Embargoed ferry report").publish(
        by=editor, at=timezone.now() + dt.timedelta(hours=1)
    )
    store_reads.clear()
    for _ in range(3):
        client.get("/")
    assert len(store_reads) == 3


def test_a_held_time_that_passes_is_released_at_once(client, editor, settings, monkeypatch):
    settings.NEWSROOM_SCHEDULE_HOLD_SECONDS = 60
    ArticleFactory(headline="Embargoed ferry report").publish(
        by=editor, at=timezone.now() + dt.timedelta(hours=1)
    )
    assert "Embargoed ferry report" not in client.get("/").content.decode()
    assert client.get("/")["X-Page-Cache"] == "hit"

    later = timezone.now() + dt.timedelta(hours=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    page = client.get("/")
    assert page["X-Page-Cache"] == "miss"
    assert "Embargoed ferry report" in page.content.decode()
