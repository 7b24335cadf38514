"""The comments under a story, as the story page shows them, in a fixed number of queries.

A page holds whole conversations: its top-level comments (oldest first) and every reply under
them, loaded together through `root`. Everything here is the same for every reader, except the
commenter's own pending comments and the flash message after posting; when either is shown the
response is marked private so no shared cache keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core import signing
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control

from comments.forms import MAX_ID, CommentForm
from comments.models import Comment

if TYPE_CHECKING:
    from articles.models import Article

OWN_COOKIE = "nr_own_comments"
OWN_SALT = "comments.own"
OWN_MAX_AGE = 60 * 60 * 24 * 14  # long enough to see a comment through moderation
OWN_LIMIT = 20


def own_comment_ids(request: HttpRequest) -> list[int]:
    """Comments this browser posted, from a signed cookie set only when someone comments."""
    if OWN_COOKIE not in request.COOKIES:
        return []
    try:
        raw = request.get_signed_cookie(OWN_COOKIE, salt=OWN_SALT, max_age=OWN_MAX_AGE)
    except (KeyError, signing.BadSignature):
        return []
    return [int(part) for part in raw.split(".") if part.isdigit() and len(part) < 18]


def remember_own_comment(request: HttpRequest, response: HttpResponse, comment: Comment) -> None:
    ids = [comment.pk, *(i for i in own_comment_ids(request) if i != comment.pk)][:OWN_LIMIT]
    response.set_signed_cookie(
        OWN_COOKIE,
        ".".join(map(str, ids)),
        salt=OWN_SALT,
        max_age=OWN_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=not settings.DEBUG,
    )


@dataclass
class StoryComments:
    article: Article
    page: Page
    count: int
    is_open: bool
    form: CommentForm
    post_url: str
    token_url: str
    reply_to: Comment | None = None
    own_pending: list[Comment] = field(default_factory=list)
    flash: list[Any] = field(default_factory=list)

    @property
    def threads(self) -> list[Comment]:
        return list(self.page.object_list)

    @property
    def personal(self) -> bool:
        return bool(self.own_pending or self.flash)

    def protect(self, response: HttpResponse) -> HttpResponse:
        """Keep a page showing this reader's own things out of every shared cache."""
        if self.personal:
            patch_cache_control(response, private=True, no_store=True)
        return response


def _reply_to(request: HttpRequest, article: Article) -> Comment | None:
    raw = request.GET.get("replyto", "")
    if not raw.isdigit() or int(raw) > MAX_ID:
        return None
    return Comment.objects.visible().filter(article=article, pk=int(raw)).first()


def build_tree(roots: list[Comment], replies: list[Comment]) -> None:
    """Hang each reply under its parent (as `.thread_replies`), oldest first."""
    by_pk = {c.pk: c for c in roots}
    for comment in [*roots, *replies]:
        comment.thread_replies = []
    for reply in replies:
        by_pk[reply.pk] = reply
    for reply in replies:
        # A reply whose parent is not shown (a deeper tombstone chain) stays in its
        # conversation rather than vanishing.
        home = by_pk.get(reply.parent_id) or by_pk.get(reply.root_id)
        if home is not None:
            home.thread_replies.append(reply)


def story_comments(request: HttpRequest, article: Article) -> StoryComments:
    visible = Comment.objects.visible().filter(article=article).select_related("user")
    paginator = Paginator(
        visible.filter(parent__isnull=True).in_order(), settings.COMMENTS_PER_PAGE
    )
    page = paginator.get_page(request.GET.get("comments"))
    roots = list(page.object_list)
    replies = list(visible.filter(root__in=[c.pk for c in roots]).in_order()) if roots else []
    build_tree(roots, replies)
    page.object_list = roots

    own_pending: list[Comment] = []
    own_ids = own_comment_ids(request)
    if own_ids:
        own_pending = list(
            Comment.objects.filter(
                pk__in=own_ids, article=article, status=Comment.Status.PENDING
            ).in_order()
        )
        shown = {c.pk: c for c in [*roots, *replies]}
        placed = set()
        for comment in own_pending:
            comment.thread_replies = []
            comment.is_own_pending = True
            if comment.pk in shown:
                # Back in the queue but shown as a tombstone (it has replies): its author sees
                # the text in place, marked pending.
                shown[comment.pk].is_own_pending = True
                placed.add(comment.pk)
            elif comment.parent_id in shown:
                shown[comment.parent_id].thread_replies.append(comment)
                placed.add(comment.pk)
        own_pending = [c for c in own_pending if c.pk not in placed]

    reply_to = _reply_to(request, article)
    form = CommentForm(initial={"parent": reply_to.pk if reply_to else None})
    return StoryComments(
        article=article,
        page=page,
        count=Comment.objects.published().filter(article=article).count(),
        is_open=article.comments_open(),
        form=form,
        post_url=reverse("comments:post", kwargs={"article_id": article.pk}),
        token_url=reverse("comments:form_token"),
        reply_to=reply_to,
        own_pending=own_pending,
        flash=_flash(request),
    )


def _flash(request: HttpRequest) -> list[Any]:
    # Only a reader who has a session or a pending message is asked; touching the session of
    # everyone else would add "Vary: Cookie" to the page every anonymous reader shares.
    names = {CookieStorage.cookie_name, settings.SESSION_COOKIE_NAME}
    if not names & set(request.COOKIES):
        return []
    return list(messages.get_messages(request))
