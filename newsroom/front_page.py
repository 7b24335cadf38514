"""What the front page shows: the editors' lead and featured stories, then the rest by date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.cache import cache

from articles import page_tags
from articles.listing_counts import listing_count
from articles.models import Article, ArticleQuerySet, Section
from articles.unions import union_of_ids

MAX_FEATURED = 5
SECTION_BLOCK_SIZE = 4


@dataclass
class SectionBlock:
    section: Section
    articles: list[Article]


@dataclass
class FrontPage:
    lead: Article | None
    featured: list[Article] = field(default_factory=list)
    blocks: list[SectionBlock] = field(default_factory=list)

    @property
    def placed_ids(self) -> list[int]:
        """Stories already shown above the fold, left out of the lists below."""
        return [a.pk for a in [self.lead, *self.featured] if a is not None]


def placed_ids(live: ArticleQuerySet) -> list[int]:
    """The stories at the top of the front page: the editors' choice, or else the newest.

    Editors choose the lead (featured position 1, or the lowest number used) and the order
    of the featured stories after it.
    """
    # Through the featured-position index: the few placed stories are found first and only
    # they are checked for being live, instead of checking every live story for a position.
    candidates = Article.objects.filter(featured_position__isnull=False).values("pk")
    featured = list(
        live.filter(pk__in=candidates)
        .order_by("featured_position", "-published_at", "-pk")
        .values_list("pk", flat=True)[: MAX_FEATURED + 1]
    )
    return featured or list(live.newest_first().values_list("pk", flat=True)[:1])


def front_page(at: dt.datetime | None = None, *, ids: list[int] | None = None) -> FrontPage:
    """The lead story, the featured stories and a block per section.

    `ids` are the placed stories when the caller has already looked them up.
    """
    live = Article.objects.published(at=at)
    if ids is None:
        ids = placed_ids(live)
    placed = {a.pk: a for a in live.filter(pk__in=ids).with_bylines()}
    ordered = [placed[pk] for pk in ids if pk in placed]
    page = FrontPage(lead=ordered[0] if ordered else None, featured=ordered[1:])
    others = live.exclude(pk__in=ids)
    page.blocks = section_blocks(others) if at is not None else _kept_blocks(others, ids)
    return page


def _kept_blocks(stories: ArticleQuerySet, placed: list[int]) -> list[SectionBlock]:
    """section_blocks(), its stories chosen once per change to the listings.

    Which stories the blocks hold changes only when a story joins, leaves or moves within a
    listing (`latest` is bumped: published, unpublished, rescheduled, moved, (un)featured,
    deleted, or going live on time) or a section changes (`site`); the placed stories are
    in the key as well. Building and compiling a subquery per section was a third of the
    front page's time on PostgreSQL at 100,000 stories; now a render fetches the kept ids'
    stories by primary key. The versions are read first, so a choice made across a change
    is kept under the version that change replaces, and never read again.
    """
    versions = page_tags.versions([page_tags.LATEST, page_tags.SITE])
    placed_key = ",".join(str(pk) for pk in placed)
    key = (
        f"newsroom:front-blocks:{versions[page_tags.LATEST]}:{versions[page_tags.SITE]}:"
        f"{SECTION_BLOCK_SIZE}:{placed_key}"
    )
    ids = cache.get(key)
    if ids is not None:
        # Still filtered to live stories: a write that skipped the signals cannot show one.
        return _blocks_of(stories.filter(pk__in=ids).with_bylines())
    blocks = section_blocks(stories)
    cache.set(key, [a.pk for b in blocks for a in b.articles], timeout=page_tags.VERSION_TIMEOUT)
    return blocks


def section_blocks(
    stories: ArticleQuerySet, per_section: int = SECTION_BLOCK_SIZE
) -> list[SectionBlock]:
    """The newest `per_section` stories of every section that has any, in section order.

    One small query for the sections, then one for the stories (plus the byline prefetch)
    however many sections there are: each section's newest stories are a short walk down its
    (section, status, published_at) index. A window function numbering every live story did
    the same in one query but read all of them, 2.5 s at 100,000 stories.
    """
    newest = [
        stories.filter(section_id=section_id)
        .order_by("-published_at", "-pk")
        .values("pk")[:per_section]
        for section_id in Section.objects.order_by().values_list("pk", flat=True)
    ]
    if not newest:
        return []
    # The subqueries already hold every condition; repeating them outside would make SQLite
    # walk all live stories testing membership instead of fetching the few by primary key.
    return _blocks_of(Article.objects.filter(pk__in=union_of_ids(newest)).with_bylines())


def _blocks_of(stories: ArticleQuerySet) -> list[SectionBlock]:
    blocks: list[SectionBlock] = []
    for article in stories.order_by(
        "section__position", "section__name", "section_id", "-published_at", "-pk"
    ):
        if not blocks or blocks[-1].section.pk != article.section_id:
            blocks.append(SectionBlock(section=article.section, articles=[]))
        blocks[-1].articles.append(article)
    return blocks


def latest_count(latest: ArticleQuerySet) -> int:
    """How many stories the front page's latest list holds, counted once per change to it
    (articles/listing_counts.py): counting every live story on each render took most of the
    front page's time on PostgreSQL at 100,000 stories."""
    return listing_count(page_tags.LATEST, latest)
