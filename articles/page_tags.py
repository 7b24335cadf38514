"""What a cached page shows, by name, and the version of each name.

Every page the page cache keeps (newsroom/pagecache.py) and every fragment (the comment thread,
comments/threads.py) is stored with the *tags* of what it was rendered from: `story:12` (the
story's own rows: text, bylines, tags, corrections, sources), `comments:12` (its published
comments), `section-list:3` (which stories a section's listing holds), `campaign`, and so on.
Each tag has a version in the cache; a change bumps the versions of exactly the tags it
touches (newsroom/invalidation.py says which), and a stored page is served only while every
tag it carries still has the version it was stored with. A story with nothing to do with a
change keeps its page.

The versions live in their own cache (`CACHES["versions"]` when it exists): they are small,
read on every hit, and must not be evicted by a flood of pages. A version that is missing
anyway (a fresh or emptied cache) is started anew, so whatever was stored under the lost one
can never come back.

This module imports no model, so views, template tags and fragments of every app can name
what they show.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
import time
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.cache import BaseCache, caches
from django.core.cache.backends.base import InvalidCacheBackendError
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import Signal
from django.http import HttpRequest

# --- The tags --------------------------------------------------------------------------------

# Every page carries SITE: what shows everywhere (the section menu) or is rare and broad (a
# section, author or tag renamed, a bulk write that sends no signals) bumps it.
SITE = "site"
# The support box (under stories, on the support page) and the campaign's start and end.
CAMPAIGN = "campaign"
# Which stories the front page, the latest list and every "newest first" listing hold.
LATEST = "latest"
# The feeds and the sitemaps print every story's headline, time and last change; any story
# change bumps them. They are few addresses.
FEEDS = "feeds"
SITEMAPS = "sitemaps"
# Pages not told what they show (search, the year archive, corrections, people, sources,
# metrics, the comment pages) carry all of these, so any change to a story or a visible
# comment reaches them: safe first, exact where it has been worked out.
STORIES = "stories"
COMMENTS = "comments"
EVERYTHING = (SITE, CAMPAIGN, LATEST, FEEDS, SITEMAPS, STORIES, COMMENTS)


def story(pk: int) -> str:
    """The story's own page content, wherever it is printed (its page, cards in listings)."""
    return f"story:{pk}"


def comments(article_id: int) -> str:
    """A story's published comments: its thread and every place that prints their count."""
    return f"comments:{article_id}"


def section_list(pk: int) -> str:
    return f"section-list:{pk}"


def tag_list(pk: int) -> str:
    return f"tag-list:{pk}"


def author_list(pk: int) -> str:
    return f"author-list:{pk}"


def month_list(month: dt.date) -> str:
    return f"month-list:{month:%Y-%m}"


# --- What a page records while it renders ----------------------------------------------------

_TAGS = "_page_tags"
_EXACT = "_page_tags_exact"
_DO_NOT_STORE = "_page_tags_do_not_store"
_STARTED = "_page_tags_started"


def mark_started(request: HttpRequest) -> None:
    """The request's start, before it reads any row (newsroom/pagecache.py calls it): whatever
    is stored from its render is kept only if none of its tags changed since."""
    setattr(request, _STARTED, time.time_ns())


def started(request: HttpRequest) -> int | None:
    return getattr(request, _STARTED, None)


def shows(request: HttpRequest, *tags: str, stories: Iterable[Any] = ()) -> None:
    """This page shows these things (and these stories' cards): it is invalidated exactly.

    Views call it; a page whose view never does carries EVERYTHING instead.
    """
    setattr(request, _EXACT, True)
    also_shows(request, *tags, *(story(article.pk) for article in stories))


def also_shows(request: HttpRequest, *tags: str) -> None:
    """Add to what the page shows without making it exact (template tags, fragments)."""
    recorded: set[str] = request.__dict__.setdefault(_TAGS, set())
    recorded.update(tags)


def do_not_store(request: HttpRequest) -> None:
    """This answer is not worth an entry of its own: a page number past the last page, an
    invented reply target. Each would make one more entry per number an address can carry."""
    setattr(request, _DO_NOT_STORE, True)


def page_tags(request: HttpRequest) -> set[str]:
    """Everything the page rendered for this request shows (always with SITE)."""
    recorded: set[str] = getattr(request, _TAGS, set())
    if getattr(request, _EXACT, False):
        return {SITE, *recorded}
    return {*EVERYTHING, *recorded}


def storable(request: HttpRequest) -> bool:
    return not getattr(request, _DO_NOT_STORE, False)


# --- Versions --------------------------------------------------------------------------------

# Kept long: a version must outlive what is stored under it.
VERSION_TIMEOUT = 60 * 60 * 24 * 30


def version_store() -> BaseCache:
    try:
        return caches["versions"]
    except InvalidCacheBackendError:
        return caches["default"]


def _key(tag: str) -> str:
    return f"newsroom:tag:{tag}"


# A tag that has no version yet (never bumped, or lost with an emptied cache) starts with one
# dated this far back: no change to it can be under way, or the change's bump would have made
# the version, so a page rendered now may be kept under it. Still a new value each time, so
# nothing stored under a lost version can match it.
_UNSEEN_OFFSET_NS = 60 * 1_000_000_000


def versions(tags: Iterable[str]) -> dict[str, int]:
    """The current version of each tag; a missing one is started."""
    tags = list(tags)
    store = version_store()
    found = store.get_many([_key(tag) for tag in tags])
    current = {tag: found[_key(tag)] for tag in tags if _key(tag) in found}
    for tag in tags:
        if tag not in current:
            current[tag] = _start(store, _key(tag), time.time_ns() - _UNSEEN_OFFSET_NS)
    return current


def _start(store: BaseCache, key: str, fresh: Any) -> Any:
    """`fresh` stored under a missing `key`, or what another process stored there first.

    Started with `add`, never `set`: a bump that lands meanwhile must win.
    """
    if store.add(key, fresh, timeout=VERSION_TIMEOUT):
        return fresh
    return store.get(key, fresh)


# --- Versions held between changes ------------------------------------------------------------

# Set to a value never used before by every bump, after the versions it bumps. A process that
# reads the generation it read last knows no version changed since, so a page-cache hit reads
# one key instead of its page's dozen (a story) to three dozen (the front page) versions, which
# were a third of a story hit's cost and half of the front page's.
GENERATION_KEY = "newsroom:tag-generation"


def _new_generation() -> str:
    # Random, not a counter: a generation lost with an emptied cache must never come back and
    # match what a process held under it.
    return secrets.token_hex(8)


class _HeldVersions:
    """The versions this process read while the generation was the one held, shared by its
    threads. Every value in a held dict was read from the store after the dict was made, by
    a thread that had read that generation first, so it is at least as new as the store was
    then: held values can make a current page look changed (it renders again), never a
    changed one current.
    """

    # Past this many tags the held versions start again (a few megabytes at most).
    SIZE = 20_000

    def __init__(self) -> None:
        # One attribute, swapped whole: a thread must never pair one generation with the
        # versions held under another.
        self._held: tuple[str | None, dict[str, int]] = (None, {})

    def at(self, generation: str) -> dict[str, int]:
        """The versions held under `generation`, started afresh when it is not the one held.

        A thread that read an older generation than another may swap it back for a moment;
        the next reader of the newer one swaps again, and each only ever trusts values read
        after its own generation was.
        """
        held_generation, versions = self._held
        if held_generation != generation or len(versions) > self.SIZE:
            versions = {}
            self._held = (generation, versions)
        return versions

    def clear(self) -> None:
        self._held = (None, {})


_held = _HeldVersions()


def unchanged(shown: Mapping[str, int]) -> bool:
    """Whether every tag still has the version in `shown` (a stored page is still current).

    One read of the generation, plus the versions of the tags this process has not read since
    the last change anywhere on the site.
    """
    store = version_store()
    generation = store.get(GENERATION_KEY)
    if generation is None:  # never set, or lost with an emptied cache
        generation = _start(store, GENERATION_KEY, _new_generation())
    held = _held.at(generation)
    missing = [tag for tag in shown if tag not in held]
    if missing:
        held.update(versions(missing))
    return all(held.get(tag) == version for tag, version in shown.items())


def _forget_held(*, setting: str, **kwargs: object) -> None:
    if setting == "CACHES":  # another store: what was read from the last says nothing of it
        _held.clear()


setting_changed.connect(_forget_held, dispatch_uid="newsroom-page-tags-held")


def bump(tags: Iterable[str]) -> dict[str, int]:
    """New versions for these tags: whatever was stored under the old ones is unreachable.

    A version is the time of the bump in nanoseconds, never a counter: a version lost from the
    cache can never come back and meet entries stored under it, and a page can tell that a
    change happened after it started rendering (newsroom/pagecache.py does).
    """
    now = time.time_ns()
    new = {tag: now for tag in tags}
    if new:
        store = version_store()
        store.set_many({_key(tag): now for tag in new}, timeout=VERSION_TIMEOUT)
        # After the versions, so a process that reads the new generation reads them too.
        store.set(GENERATION_KEY, _new_generation(), timeout=VERSION_TIMEOUT)
    return new


def bump_after_commit(tags: Iterable[str]) -> None:
    """Bump now, and again once the change is visible to other connections.

    The second bump matters: a worker may render the old data between the first bump and
    the commit. The first keeps this connection (and a rolled-back-in-tests transaction) from
    reading its own stale page.
    """
    tags = sorted(set(tags))
    if tags:
        bump(tags)
        transaction.on_commit(functools.partial(_bump_committed, tags))


# Sent once the bump after a commit is done, with the tags: nginx's purge (newsroom/edge_purge.py)
# drops its copies of the pages it can name from them.
committed = Signal()


def _bump_committed(tags: list[str]) -> None:
    bump(tags)
    committed.send(sender=None, tags=tags)
