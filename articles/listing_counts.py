"""How many stories a listing holds, counted once per change to the listing.

An exact COUNT of a listing's live stories on every render read the whole of a tag's, an
author's or a section's index: about 50 ms for a large tag at 100,000 stories on PostgreSQL,
most of the page. A listing's page links need the count, and the count changes only when the
listing's tag (articles/page_tags.py: `tag-list:N`, `section-list:N`, `latest`…) is bumped, so
it is kept under that tag's version. The version is read before counting: a count taken
across a change is stored under the version that change replaces, and never read again.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import QuerySet

from articles import page_tags


class CountedPaginator(Paginator):
    """A Paginator told its count instead of asking the database for it."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def listing_count(tag: str, stories: QuerySet[Any]) -> int:
    """`stories.count()`, kept until the listing named by `tag` changes."""
    version = page_tags.versions([tag])[tag]
    key = f"newsroom:listing-count:{tag}:{version}"
    count = cache.get(key)
    if count is None:
        count = stories.count()
        cache.set(key, count, timeout=page_tags.VERSION_TIMEOUT)
    return count
