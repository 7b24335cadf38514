"""Taking a story down empties nginx's cached copy of its pages at once.

nginx (deploy/nginx-newsroom.conf) keeps public pages for their max-age under the address
alone. The app's own page cache is exact because its keys carry the content version, but nginx
cannot key on that: only the app knows the version, and nginx would learn it only from the
answer. So a story returned to draft, deleted or moved to a new address would still be served
by nginx for up to NEWSROOM_PAGE_MAX_AGE seconds, which is too long for a story pulled for legal
reasons. Instead, once such a change commits, the app asks the purge server of every nginx in
NEWSROOM_EDGE_PURGE_URLS (Debian's libnginx-mod-http-cache-purge) to drop the story's page and
each page of its comments.

Connected to model signals like newsroom/invalidation.py, so every write path (admin, verbs,
shell, importer) is covered, and the editorial model knows nothing of it.

Beyond takedowns, nginx follows the app's exact invalidation: once a change commits and the
app has bumped the tags it touched (articles/page_tags.py), every address that can be named
from those tags is purged too — a story's page and comment pages for its `story:` and
`comments:` tags, the first page and feed of each listing it joined or left, the front page,
the feeds, the sitemaps, the support page. What cannot be named from a tag (later pages of a
listing, a story's card on another story's page) reaches readers within the max-age.
"""

from __future__ import annotations

import functools
import http.client
import logging
import math
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.urls import reverse
from taggit.models import Tag

from articles import page_tags
from articles.models import Article, Author, Section
from comments.models import Comment

logger = logging.getLogger(__name__)

# Per nginx. An nginx that does not answer costs the editor's request no more than this, and
# its copy expires within the max-age anyway.
TIMEOUT_SECONDS = 2.0

# The story's live pages, kept on the instance from the signal before a write to the one after.
_PAGES_BEFORE = "_edge_purge_pages_before"


def enabled() -> bool:
    return bool(settings.NEWSROOM_EDGE_PURGE_URLS)


def live_pages(article: Article) -> list[str]:
    """The addresses nginx may hold for a live story: its page first, then its comment pages."""
    if not article.is_live():
        return []
    path = article.public_path()
    # Paged as comments/threads.py pages them: conversations, COMMENTS_PER_PAGE to a page. With
    # two or more pages, each is linked as ?comments=N, page 1 included.
    threads = Comment.objects.visible().filter(article=article, parent__isnull=True).count()
    pages = math.ceil(threads / settings.COMMENTS_PER_PAGE)
    return [path, *(f"{path}?comments={n}" for n in range(1, pages + 1) if pages > 1)]


def purge(paths: list[str]) -> None:
    """Ask every nginx in NEWSROOM_EDGE_PURGE_URLS to drop its cached copy of these addresses.

    A failure is logged, never raised: the story is already down in the app, and whatever an
    unreachable nginx still holds expires within the max-age.
    """
    # The name readers use: nginx keyed their pages on it.
    site_host = urlsplit(settings.SITE_URL).netloc
    for server in settings.NEWSROOM_EDGE_PURGE_URLS:
        parts = urlsplit(server)
        connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(parts.hostname or "", parts.port, timeout=TIMEOUT_SECONDS)
        try:
            for path in paths:
                connection.request("PURGE", path, headers={"Host": site_host})
                response = connection.getresponse()
                response.read()
                # 404: this nginx held no copy of the page, which is just as good.
                if response.status not in {200, 404}:
                    logger.warning(
                        "nginx at %s refused to purge %s: HTTP %s", server, path, response.status
                    )
        except (OSError, http.client.HTTPException) as error:
            logger.warning("Could not ask nginx at %s to purge %s: %s", server, paths, error)
        finally:
            connection.close()


def _after_commit(paths: list[str]) -> None:
    # robust: a purge that fails in some unforeseen way must not stop the callbacks after it.
    transaction.on_commit(functools.partial(purge, paths), robust=True)


def _remember_live_pages(sender: type[Article], instance: Article, **kwargs: Any) -> None:
    """Before a save: the pages the story has live now, as the database holds it."""
    if not enabled() or instance._state.adding:
        return
    stored = Article.objects.filter(pk=instance.pk).only("status", "published_at", "slug").first()
    setattr(instance, _PAGES_BEFORE, live_pages(stored) if stored else [])


def _purge_if_taken_down(sender: type[Article], instance: Article, **kwargs: Any) -> None:
    """After a save: purge the pages it had if the story is no longer live at that address."""
    before = instance.__dict__.pop(_PAGES_BEFORE, [])
    if not before:
        return
    if instance.is_live() and instance.public_path() == before[0]:  # still at its own address
        return
    _after_commit(before)


def _remember_deleted_pages(sender: type[Article], instance: Article, **kwargs: Any) -> None:
    # Counted before the delete: by the time the story's row goes, its comments are gone.
    if enabled():
        setattr(instance, _PAGES_BEFORE, live_pages(instance))


def _purge_deleted(sender: type[Article], instance: Article, **kwargs: Any) -> None:
    before = instance.__dict__.pop(_PAGES_BEFORE, [])
    if before:
        _after_commit(before)


def pages_for(tags: list[str]) -> list[str]:
    """The addresses nginx may hold that show what these tags name, in the tags' order."""
    paths: list[str] = []
    fixed = {
        page_tags.LATEST: ["/", reverse("feed")],
        page_tags.FEEDS: [reverse("feed")],
        page_tags.SITEMAPS: [reverse("sitemap"), reverse("news-sitemap")],
        page_tags.CAMPAIGN: [reverse("support")],
    }
    for tag in tags:
        kind, _, key = tag.partition(":")
        if tag in fixed:
            paths += fixed[tag]
        elif not key:
            continue  # the catch-alls (site, stories, comments) name no address
        elif kind in {"story", "comments"}:
            article = Article.objects.filter(pk=int(key)).first()
            paths += live_pages(article) if article else []
        elif kind == "section-list":
            paths += [
                reverse(name, kwargs={"slug": slug})
                for slug in Section.objects.filter(pk=int(key)).values_list("slug", flat=True)
                for name in ("articles:section", "articles:section-feed")
            ]
        elif kind == "tag-list":
            paths += [
                reverse(name, kwargs={"slug": slug})
                for slug in Tag.objects.filter(pk=int(key)).values_list("slug", flat=True)
                for name in ("articles:tag", "articles:tag-feed")
            ]
        elif kind == "author-list":
            paths += [
                reverse("articles:author", kwargs={"slug": slug})
                for slug in Author.objects.filter(pk=int(key)).values_list("slug", flat=True)
            ]
        elif kind == "month-list":
            year, month = key.split("-")
            paths.append(reverse("articles:month", kwargs={"year": year, "month": month}))
    return list(dict.fromkeys(paths))


def _purge_committed(sender: object, tags: list[str], **kwargs: Any) -> None:
    """After a commit's bump: purge what the bumped tags name (already on commit)."""
    if enabled():
        paths = pages_for(tags)
        if paths:
            purge(paths)


def connect() -> None:
    """Connect after newsroom/invalidation.py: on commit, the app's page cache must move to a
    new version before nginx is told to drop its copy, or nginx's next request could fetch the
    old page back from the app's cache."""
    pre_save.connect(_remember_live_pages, sender=Article, dispatch_uid="edge-purge-pre-save")
    post_save.connect(_purge_if_taken_down, sender=Article, dispatch_uid="edge-purge-post-save")
    pre_delete.connect(
        _remember_deleted_pages, sender=Article, dispatch_uid="edge-purge-pre-delete"
    )
    post_delete.connect(_purge_deleted, sender=Article, dispatch_uid="edge-purge-post-delete")
    page_tags.committed.connect(_purge_committed, dispatch_uid="edge-purge-committed")
