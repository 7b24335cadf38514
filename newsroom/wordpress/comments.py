"""Readers' comments for an import, with the moderation-log lines of WordPress's decisions.

Comments are written with one `bulk_create` per reply level of a story (parents before
replies), their moderation-log lines with one more. A comment a Newsroom moderator has
decided on keeps that decision when a later export still shows WordPress's old state.
Readers' addresses are hashed with the same keyed hash as comments posted here
(`articles.request_ip.hash_ip`); the raw address is never written.
"""

from __future__ import annotations

import hashlib

from articles import page_tags
from articles.models import Article
from articles.request_ip import hash_ip
from comments.models import Comment, ModerationEvent
from newsroom.wordpress.export import CommentState, WxrComment, WxrPost
from newsroom.wordpress.markup import wordpress_comment_to_text
from newsroom.wordpress.report import ImportReport, Outcome

# The name the moderation log shows for decisions carried over from WordPress.
ACTOR_NAME = "wordpress_import"

_COMMENT_STATUS = {
    CommentState.APPROVED: (Comment.Status.APPROVED, ModerationEvent.Action.APPROVED),
    CommentState.PENDING: (Comment.Status.PENDING, ModerationEvent.Action.HELD),
    CommentState.SPAM: (Comment.Status.SPAM, ModerationEvent.Action.SPAM),
}
_COMMENT_STATE_WORDS = {
    CommentState.APPROVED: "approved",
    CommentState.PENDING: "waiting for moderation",
    CommentState.SPAM: "marked as spam",
}


def import_comments(
    article: Article,
    post: WxrPost,
    *,
    created: bool,
    site_url: str,
    max_depth: int,
    report: ImportReport,
) -> None:
    """Write `post`'s comments under `article`: new ones created, known ones brought up to date.

    `site_url` keeps each comment's nonce unique across sites; replies deeper than
    `max_depth` join the thread at the deepest level allowed.
    """
    known: dict[int, Comment] = (
        {}
        if created
        else {
            comment.wordpress_id: comment
            for comment in Comment.objects.filter(article=article, wordpress_id__isnull=False)
        }
    )
    by_pk = {comment.pk: comment for comment in known.values()}
    in_export = {wxr.wordpress_id for wxr in post.comments}
    changed: list[Comment] = []
    events: list[ModerationEvent] = []
    waiting: list[WxrComment] = []
    for wxr in post.comments:
        comment = known.get(wxr.wordpress_id)
        if comment is None:
            waiting.append(wxr)
        elif _refresh_comment(comment, wxr, events):
            changed.append(comment)
        else:
            report.count("comments", Outcome.UNCHANGED)
    if changed:
        for comment in changed:
            comment.derive()  # bulk_update skips save()
        Comment.objects.bulk_update(
            changed, ["name", "email", "body", "body_html", "created_at", "status"]
        )
        report.count("comments", Outcome.UPDATED, len(changed))
    # Parents before replies: each pass writes the comments whose parent is already in.
    while waiting:
        ready: list[tuple[WxrComment, Comment | None]] = []
        later: list[WxrComment] = []
        for wxr in waiting:
            if wxr.parent_id is None or wxr.parent_id not in in_export:
                ready.append((wxr, None))
            elif wxr.parent_id in known:
                ready.append((wxr, known[wxr.parent_id]))
            else:
                later.append(wxr)
        if not ready:
            # Replies that only answer each other (a hand-edited file): start threads.
            ready, later = [(wxr, None) for wxr in later], []
        new = [
            _new_comment(article, wxr, parent, by_pk, site_url=site_url, max_depth=max_depth)
            for wxr, parent in ready
        ]
        Comment.objects.bulk_create(new)
        for (wxr, _), comment in zip(ready, new, strict=True):
            known[wxr.wordpress_id] = comment
            by_pk[comment.pk] = comment
            events.append(_event(comment, wxr.state))
        report.count("comments", Outcome.CREATED, len(new))
        waiting = later
    ModerationEvent.objects.bulk_create(events)
    if events or changed:
        # Bulk writes send no signals, so the story's cached comment thread is made stale
        # here rather than by newsroom/invalidation.py.
        page_tags.bump_after_commit([page_tags.comments(article.pk), page_tags.COMMENTS])


def _new_comment(
    article: Article,
    wxr: WxrComment,
    parent: Comment | None,
    by_pk: dict[int, Comment],
    *,
    site_url: str,
    max_depth: int,
) -> Comment:
    # Deeper than the site allows: the reply joins the conversation at the deepest level,
    # as `deepest_allowed_parent` does for readers' replies.
    while parent is not None and parent.depth + 1 >= max_depth:
        parent = by_pk.get(parent.parent_id) if parent.parent_id else None
    status, _ = _COMMENT_STATUS[wxr.state]
    seed = f"{site_url}|{article.wordpress_id}|{wxr.wordpress_id}"
    comment = Comment(
        article=article,
        parent=parent,
        root_id=(parent.root_id or parent.pk) if parent else None,
        depth=parent.depth + 1 if parent else 0,
        name=(wxr.author_name or "Anonymous")[:80],
        email=wxr.author_email[:254],
        body=wordpress_comment_to_text(wxr.content),
        status=status,
        ip_hash=hash_ip(wxr.ip_address),
        # Unique like a form's nonce, and the same on every import of this comment.
        nonce="wp-" + hashlib.sha256(seed.encode()).hexdigest()[:61],
        created_at=wxr.created_at,
        wordpress_id=wxr.wordpress_id,
    )
    comment.derive()  # bulk_create skips save()
    return comment


def _refresh_comment(comment: Comment, wxr: WxrComment, events: list[ModerationEvent]) -> bool:
    """Bring an imported comment up to date with the export; True if anything changed.

    A comment removed here (by a moderator, or erased at the commenter's request) stays as
    it is, and so does an address hash the retention job has purged.
    """
    if comment.status == Comment.Status.REMOVED:
        return False
    wanted = {
        "name": (wxr.author_name or "Anonymous")[:80],
        "email": wxr.author_email[:254],
        "body": wordpress_comment_to_text(wxr.content),
        "created_at": wxr.created_at,
    }
    changed = False
    for name, value in wanted.items():
        if getattr(comment, name) != value:
            setattr(comment, name, value)
            changed = True
    status, _ = _COMMENT_STATUS[wxr.state]
    # Every decision verb sets moderated_at: a Newsroom moderator's decision wins.
    if comment.moderated_at is None and comment.status != status:
        comment.status = status
        events.append(_event(comment, wxr.state))
        changed = True
    return changed


def _event(comment: Comment, state: CommentState) -> ModerationEvent:
    _, action = _COMMENT_STATUS[state]
    return ModerationEvent(
        comment=comment,
        comment_ref=comment.pk,
        action=action,
        actor=None,
        actor_kind=ModerationEvent.ActorKind.RULE,
        actor_name=ACTOR_NAME,
        reason=f"Imported from WordPress, where it was {_COMMENT_STATE_WORDS[state]}",
    )
