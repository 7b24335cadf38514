"""Versions held between changes (articles/page_tags.py, `unchanged`): a page-cache hit reads
the generation and nothing else while no tag changed anywhere, and the first request after a
change, made in this process or another, or after the versions were lost, sees it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches

from articles import page_tags
from tests.factories import CommentFactory, published_article

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store_reads(monkeypatch):
    """The keys every read of the version store asked for, one list per call."""
    reads: list[list[str]] = []
    store = page_tags.version_store()
    real_get, real_get_many = store.get, store.get_many

    def get(key, *args, **kwargs):
        reads.append([key])
        return real_get(key, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        keys = list(keys)
        reads.append(keys)
        return real_get_many(keys, *args, **kwargs)

    monkeypatch.setattr(store, "get", get)
    monkeypatch.setattr(store, "get_many", get_many)
    return reads


def tag_reads(reads: list[list[str]]) -> list[list[str]]:
    """The reads that asked for some tag's version."""
    return [keys for keys in reads if any(key.startswith("newsroom:tag:") for key in keys)]


def test_a_second_hit_reads_only_the_generation(client, store_reads):
    url = published_article(headline="Lifeboat crew doubles its winter drills").get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    store_reads.clear()

    again = client.get(url)
    assert again["X-Page-Cache"] == "hit"
    assert "Lifeboat crew doubles its winter drills" in again.content.decode()
    assert tag_reads(store_reads) == []
    assert store_reads.count([page_tags.GENERATION_KEY]) == 1


def test_an_approved_comment_is_seen_by_the_next_request(client):
    article = published_article(headline="Quay lights fixed after a long wait")
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"

    CommentFactory(article=article, body="About time the lights came back.")

    after = client.get(url)
    assert after["X-Page-Cache"] == "miss"
    assert "About time the lights came back." in after.content.decode()
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_a_change_elsewhere_leaves_the_page_cached_but_rereads_its_versions(client, store_reads):
    kept = published_article(headline="Harbour dues stay the same next year").get_absolute_url()
    other = published_article(headline="Ferry timetable for the spring")
    client.get(kept)
    assert client.get(kept)["X-Page-Cache"] == "hit"

    CommentFactory(article=other, body="Will the 7:10 still run on Sundays?")
    store_reads.clear()

    assert client.get(kept)["X-Page-Cache"] == "hit"
    assert tag_reads(store_reads), "the generation changed, so the page's versions are read again"
    store_reads.clear()
    assert client.get(kept)["X-Page-Cache"] == "hit"
    assert tag_reads(store_reads) == []


def test_emptied_versions_are_not_trusted_from_what_was_held(client):
    article = published_article(headline="Dredger arrives early for the harbour works")
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"

    page_tags.version_store().clear()  # the generation goes with the versions

    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_held_versions_start_again_past_their_size(monkeypatch):
    monkeypatch.setattr(page_tags._HeldVersions, "SIZE", 3)
    held = page_tags._HeldVersions()
    versions = held.at("g1")
    versions.update({f"story:{n}": n for n in range(4)})
    assert held.at("g1") == {}
    held.at("g1").update({"story:9": 9})
    assert held.at("g1") == {"story:9": 9}
    assert held.at("g2") == {}


@pytest.fixture
def shared_versions(settings, tmp_path):
    """The versions in a disk cache another process can open, as gunicorn's workers share it."""
    location = tmp_path / "versions"
    settings.CACHES = {
        **settings.CACHES,
        "versions": {
            "BACKEND": "newsroom.disk_cache.DiskCache",
            "LOCATION": str(location),
            "SHARDS": 1,
            "OPTIONS": {"eviction_policy": "none"},
        },
    }
    yield location
    caches["versions"].close()


def _bump_in_another_process(location: Path, tags: list[str]) -> None:
    code = f"""
import django
from django.conf import settings
settings.configure(CACHES={{
    "default": {{"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    "versions": {{
        "BACKEND": "newsroom.disk_cache.DiskCache", "LOCATION": {str(location)!r},
        "SHARDS": 1, "OPTIONS": {{"eviction_policy": "none"}},
    }},
}})
django.setup()
from articles import page_tags
page_tags.bump({tags!r})
"""
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)


def test_a_bump_in_another_process_is_seen_by_the_next_request(client, shared_versions):
    changed = published_article(headline="Fish market moves to the north quay")
    untouched = published_article(headline="Sea wall survey finds new cracks")
    for article in (changed, untouched):
        client.get(article.get_absolute_url())
        assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"

    _bump_in_another_process(shared_versions, [page_tags.story(changed.pk)])

    assert client.get(changed.get_absolute_url())["X-Page-Cache"] == "miss"
    assert client.get(untouched.get_absolute_url())["X-Page-Cache"] == "hit"
