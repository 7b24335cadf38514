"""The keepers of the stories' derived data: the search index, the body-link sources and
the sources' publishers (a registered domain claims the sources linked on it).

Both are computed from other rows (a story's text, tags, bylines, section; the authors' and
sections' names), so they are kept by receivers of the model signals, connected once in
`ArticlesConfig.ready()`. Every write that goes through the ORM row by row — the admin, the
verbs, the importers, the demo loader, a shell — passes through them, so no write path has a
call to remember. They run inside the writer's transaction: the index and the source links
are rows of the same database and commit or roll back with the change.

Writes that skip signals (`bulk_create`, `QuerySet.update`) must say so and call
`refresh_stories()` themselves; only benchmark seeding does.

Columns derived from their own row (reading time, cleaned body, comment HTML) are computed
in the model's `save()`, as part of writing that row; the page cache follows the same
signals from the site layer (newsroom/invalidation.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from taggit.models import Tag

from articles.models import (
    Article,
    ArticleAuthor,
    Author,
    Publisher,
    PublisherDomain,
    Section,
    Source,
)
from articles.search import reindex_articles, remove_documents
from articles.sources import claim_sources, sync_sources


def refresh_stories(ids: Iterable[int]) -> int:
    """Rewrite the search rows of these stories in a fixed number of queries."""
    return reindex_articles(Article.objects.filter(pk__in=list(ids)).with_bylines())


# What the index and the sources are computed from; a save of other fields (a workflow verb
# saving its status) leaves them as they are.
_INDEXED_FIELDS = {"headline", "standfirst", "body", "section", "section_id"}


def _story_saved(
    sender: type[models.Model],
    instance: Article,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    if raw:  # loaddata: the fixture's rows are written as they are
        return
    if update_fields is not None and not update_fields & _INDEXED_FIELDS:
        return
    # The body's links are sources of the story. Sources an editor adds by hand in the same
    # admin save are saved after this (the inline), and merge with these (admin/stories.py).
    instance.source_sync = sync_sources(instance)
    refresh_stories([instance.pk])


def _story_deleted(sender: type[models.Model], instance: Article, **kwargs: Any) -> None:
    remove_documents([instance.pk])


def _tags_changed(sender: type[models.Model], instance: Any, action: str, **kwargs: Any) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, Article):
        refresh_stories([instance.pk])
    elif isinstance(instance, Tag):  # tag.tagged_items changed from the tag's side
        refresh_stories(_stories_tagged(instance))


def _byline_changed(
    sender: type[models.Model], instance: ArticleAuthor, raw: bool = False, **kwargs: Any
) -> None:
    if not raw:
        refresh_stories([instance.article_id])


def _author_saved(
    sender: type[models.Model], instance: Author, raw: bool = False, **kwargs: Any
) -> None:
    if not raw:
        bylines = ArticleAuthor.objects.filter(author=instance)
        refresh_stories(bylines.values_list("article_id", flat=True))


def _section_saved(
    sender: type[models.Model], instance: Section, raw: bool = False, **kwargs: Any
) -> None:
    if not raw:
        refresh_stories(Article.objects.filter(section=instance).values_list("pk", flat=True))


def _stories_tagged(tag: Tag) -> list[int]:
    return list(Article.objects.filter(tags=tag).values_list("pk", flat=True))


def _tag_saved(sender: type[models.Model], instance: Tag, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        refresh_stories(_stories_tagged(instance))


def _tag_deleting(sender: type[models.Model], instance: Tag, **kwargs: Any) -> None:
    # Deleting a tag deletes its taggings without an m2m signal: remember whose they were.
    instance._tagged_story_ids = _stories_tagged(instance)


def _tag_deleted(sender: type[models.Model], instance: Tag, **kwargs: Any) -> None:
    refresh_stories(getattr(instance, "_tagged_story_ids", []))


def _domain_saved(
    sender: type[models.Model], instance: PublisherDomain, raw: bool = False, **kwargs: Any
) -> None:
    # A newly registered domain claims the sources already linked on it.
    if not raw:
        claim_sources(instance)


def _publisher_saved(
    sender: type[models.Model], instance: Publisher, raw: bool = False, **kwargs: Any
) -> None:
    # The name typed beside a source follows the registry's (search and old readers use it).
    if not raw:
        Source.objects.filter(issued_by=instance).exclude(publisher=instance.name).update(
            publisher=instance.name
        )


def connect() -> None:
    post_save.connect(_domain_saved, sender=PublisherDomain, dispatch_uid="articles-domain")
    post_save.connect(_publisher_saved, sender=Publisher, dispatch_uid="articles-publisher")
    post_save.connect(_story_saved, sender=Article, dispatch_uid="articles-derived-story")
    post_delete.connect(_story_deleted, sender=Article, dispatch_uid="articles-derived-gone")
    m2m_changed.connect(
        _tags_changed, sender=Article.tags.through, dispatch_uid="articles-derived-tags"
    )
    for signal in (post_save, post_delete):
        uid = f"articles-derived-byline-{signal!r}"
        signal.connect(_byline_changed, sender=ArticleAuthor, dispatch_uid=uid)
    post_save.connect(_author_saved, sender=Author, dispatch_uid="articles-derived-author")
    post_save.connect(_section_saved, sender=Section, dispatch_uid="articles-derived-section")
    post_save.connect(_tag_saved, sender=Tag, dispatch_uid="articles-derived-tag")
    pre_delete.connect(_tag_deleting, sender=Tag, dispatch_uid="articles-derived-tag-deleting")
    post_delete.connect(_tag_deleted, sender=Tag, dispatch_uid="articles-derived-tag-deleted")
