"""What bumps the page cache's content version (see newsroom/pagecache.py).

Connected to model signals on purpose: invalidation must follow every write a reader could
see — admin, verbs, importers, shell — and forgetting one call site would serve stale pages.
The receivers only schedule a bump after commit; they change no data.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

from newsroom.pagecache import bump_after_commit

# Apps whose every row can appear on a public page (stories, sections, authors, sources,
# figures, quotes, tags, the support campaign).
EDITORIAL_APPS = {"articles", "newsroom", "taggit"}


def _editorial_change(sender: type[models.Model], **kwargs: Any) -> None:
    meta = sender._meta
    # Options.model_name is only empty before the class is set up; a sender always has one.
    historical = (meta.model_name or "").startswith("historical")
    if meta.app_label in EDITORIAL_APPS and not historical:
        bump_after_commit()


def _comment_change(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    # Only what readers can see: a comment that is (or was just decided to be or not to be)
    # published. A spam wave of held comments must not empty the cache on every post. The
    # same change makes the story's cached comment thread stale (comments/threads.py).
    from comments.models import Comment
    from comments.threads import bump_comment_version_after_commit

    if sender is not Comment:
        return
    update_fields = kwargs.get("update_fields")
    decided = update_fields is not None and "status" in update_fields
    if instance.status == Comment.Status.APPROVED or decided or kwargs.get("signal") is post_delete:
        bump_comment_version_after_commit(instance.article_id)
        bump_after_commit()


def connect() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_editorial_change, dispatch_uid=f"newsroom-cache-{signal!r}")
    post_save.connect(_comment_change, dispatch_uid="newsroom-cache-comment-save")
    post_delete.connect(_comment_change, dispatch_uid="newsroom-cache-comment-delete")
