"""The comments under a story, as the story page shows them, in a fixed number of queries.

A page holds whole conversations: its top-level comments (oldest first) and every reply under
them, loaded together through `root`. Everything here is the same for every reader, except the
commenter's own pending comments and the flash message after posting; when either is shown the
response is marked private so no shared cache keeps it.

The shared part (the count, the conversations and their page links) is rendered once and kept
in the cache as a fragment keyed on the version of the story's `comments:` tag
(articles/page_tags.py), which newsroom/invalidation.py bumps whenever a comment on that story
is published, decided, edited, erased or deleted. A story page rendered after a change to the
story itself then reuses the fragment: no comment queries and no per-comment template work.
A reader with their own pending comments on the story gets the thread rendered just for them,
since those comments sit inside the conversations they answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core import signing
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from articles import page_tags
from articles.fingerprint import code_fingerprint
from articles.models import Article
from comments.cookies import OWN_COMMENTS_COOKIE
from comments.forms import MAX_ID, CommentForm
from comments.models import Comment
from comments.sorting import DEFAULT_SORT, SORT_PARAMETER, SORTS, known_sort

OWN_SALT = "comments.own"
OWN_MAX_AGE = 60 * 60 * 24 * 14  # long enough to see a comment through moderation
OWN_LIMIT = 20

THREAD_TEMPLATE = "comments/_thread.html"
# Fragments expire on their own; the version makes a stale one unreachable long before that.
FRAGMENT_TIMEOUT = 60 * 60 * 24


def own_comment_ids(request: HttpRequest) -> list[int]:
    """Comments this browser posted, from a signed cookie set only when someone comments."""
    if OWN_COMMENTS_COOKIE not in request.COOKIES:
        return []
    try:
        raw = request.get_signed_cookie(OWN_COMMENTS_COOKIE, salt=OWN_SALT, max_age=OWN_MAX_AGE)
    except (KeyError, signing.BadSignature):
        return []
    return [int(part) for part in (raw or "").split(".") if part.isdigit() and len(part) < 18]


def remember_own_comment(request: HttpRequest, response: HttpResponse, comment: Comment) -> None:
    ids = [comment.pk, *(i for i in own_comment_ids(request) if i != comment.pk)][:OWN_LIMIT]
    response.set_signed_cookie(
        OWN_COMMENTS_COOKIE,
        ".".join(map(str, ids)),
        salt=OWN_SALT,
        max_age=OWN_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=not settings.DEBUG,
    )


def comment_version(article_id: int) -> int:
    """The version of the story's `comments:` tag (articles/page_tags.py), which
    newsroom/invalidation.py bumps whenever a visible comment on it changes."""
    tag = page_tags.comments(article_id)
    return page_tags.versions([tag])[tag]


@dataclass(frozen=True)
class ThreadFragment:
    """What every reader of one page of a story's comments sees alike."""

    count: int
    html: SafeString
    # How many pages of conversations there are, so a number past the last is not kept.
    pages: int = 1


def _page_number(request: HttpRequest) -> int | str:
    # Only digits reach the key (anything else is page 1 to the paginator anyway), so odd
    # query strings cannot make new fragments.
    raw = request.GET.get("comments", "")
    return int(raw) if raw.isdigit() and len(raw) < 7 else 1


def _sort(request: HttpRequest) -> str:
    return known_sort(request.GET.get(SORT_PARAMETER))


def _fragment_key(article: Article, page: int | str, is_open: bool, sort: str) -> str:
    version = comment_version(article.pk)
    return (
        f"newsroom:comments:{code_fingerprint()}:{settings.TIME_ZONE}:{article.pk}:{version}:"
        f"{page}:{int(is_open)}:{sort}"
    )


def conversations(article: Article, sort: str = DEFAULT_SORT) -> QuerySet[Comment]:
    """The story's top-level comments in the reader's order, editor's picks first."""
    visible = Comment.objects.visible().filter(article=article)
    roots = visible.filter(parent__isnull=True).select_related("user")
    picks_first = F("picked_at").desc(nulls_last=True)
    if sort == "newest":
        return roots.order_by(picks_first, "-created_at", "-pk")
    if sort == "replies":
        replies = (
            Comment.objects.published()
            .filter(root=OuterRef("pk"))
            .order_by()
            .values("root")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )
        return roots.annotate(
            reply_total=Coalesce(Subquery(replies, output_field=IntegerField()), Value(0))
        ).order_by(picks_first, "-reply_total", "created_at", "pk")
    return roots.order_by(picks_first, "created_at", "pk")


def render_thread(
    article: Article,
    page_number: int | str,
    *,
    is_open: bool,
    own_pending: list[Comment],
    sort: str = DEFAULT_SORT,
) -> tuple[ThreadFragment, list[Comment]]:
    """Query and render one page of conversations; returns the fragment and the reader's own
    pending comments that found no place in it (shown above the conversations)."""
    visible = Comment.objects.visible().filter(article=article).select_related("user")
    paginator = Paginator(conversations(article, sort), settings.COMMENTS_PER_PAGE)
    page = paginator.get_page(page_number)
    roots = list(page.object_list)
    replies = list(visible.filter(root__in=[c.pk for c in roots]).in_order()) if roots else []
    build_tree(roots, replies)
    page.object_list = roots

    unplaced = own_pending
    if own_pending:
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
        unplaced = [c for c in own_pending if c.pk not in placed]

    html = render_to_string(
        THREAD_TEMPLATE,
        {
            "page": page,
            "threads": roots,
            "open": is_open,
            "sort": sort,
            "sorts": SORTS,
            # Carried by the page links, so "Later comments" keeps the reader's order.
            "sort_query": "" if sort == DEFAULT_SORT else f"{SORT_PARAMETER}={sort}&",
        },
    )
    count = Comment.objects.published().filter(article=article).count()
    # Rendered by our own autoescaping template just above.
    safe = mark_safe(html)  # noqa: S308  # nosec B308 B703
    return ThreadFragment(count=count, html=safe, pages=paginator.num_pages), unplaced


def shared_thread(
    article: Article, page_number: int | str, *, is_open: bool, sort: str = DEFAULT_SORT
) -> ThreadFragment:
    """The page of conversations from the cache, rendered and stored on a miss."""
    key = _fragment_key(article, page_number, is_open, sort)
    stored = cache.get(key)
    if stored is not None:
        count, html, pages = stored
        # What this function stored from an autoescaped render; the cache is ours alone.
        safe = mark_safe(html)  # noqa: S308  # nosec B308 B703
        return ThreadFragment(count=count, html=safe, pages=pages)
    fragment, _ = render_thread(article, page_number, is_open=is_open, own_pending=[], sort=sort)
    cache.set(key, (fragment.count, str(fragment.html), fragment.pages), timeout=FRAGMENT_TIMEOUT)
    return fragment


@dataclass
class StoryComments:
    article: Article
    thread: ThreadFragment
    is_open: bool
    form: CommentForm
    post_url: str
    token_url: str
    reply_to: Comment | None = None
    own_pending: list[Comment] = field(default_factory=list)
    flash: list[Any] = field(default_factory=list)
    # The conversations hold this reader's own pending replies (rendered for them alone).
    personal_thread: bool = False

    @property
    def count(self) -> int:
        return self.thread.count

    @property
    def personal(self) -> bool:
        """Shows this reader their own things: the page must stay out of every shared cache."""
        return bool(self.own_pending or self.flash or self.personal_thread)


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
        home = by_pk.get(reply.parent_id or 0) or by_pk.get(reply.root_id or 0)
        if home is not None:
            home.thread_replies.append(reply)


def story_comments(request: HttpRequest, article: Article) -> StoryComments:
    is_open = article.comments_open()
    page_number = _page_number(request)
    sort = _sort(request)
    own_pending: list[Comment] = []
    own_ids = own_comment_ids(request)
    if own_ids:
        own_pending = list(
            Comment.objects.filter(
                pk__in=own_ids, article=article, status=Comment.Status.PENDING
            ).in_order()
        )
    personal_thread = bool(own_pending)
    if personal_thread:
        # Rendered for this reader alone and never stored: the page is private (see personal).
        thread, own_pending = render_thread(
            article, page_number, is_open=is_open, own_pending=own_pending, sort=sort
        )
    else:
        thread = shared_thread(article, page_number, is_open=is_open, sort=sort)
    # The page prints the thread and its count: it goes when a comment on this story changes.
    page_tags.also_shows(request, page_tags.comments(article.pk))
    if isinstance(page_number, int) and page_number > thread.pages:
        page_tags.do_not_store(request)  # answered as the last page, but not kept per number

    reply_to = _reply_to(request, article)
    if "replyto" in request.GET and reply_to is None:
        page_tags.do_not_store(request)
    form = CommentForm(initial={"parent": reply_to.pk if reply_to else None})
    return StoryComments(
        article=article,
        thread=thread,
        is_open=is_open,
        form=form,
        post_url=reverse("comments:post", kwargs={"article_id": article.pk}),
        token_url=reverse("comments:form_token"),
        reply_to=reply_to,
        own_pending=own_pending,
        flash=_flash(request),
        personal_thread=personal_thread,
    )


def _flash(request: HttpRequest) -> list[Any]:
    # Only a reader who has a session or a pending message is asked; touching the session of
    # everyone else would add "Vary: Cookie" to the page every anonymous reader shares.
    names = {CookieStorage.cookie_name, settings.SESSION_COOKIE_NAME}
    if not names & set(request.COOKIES):
        return []
    return list(messages.get_messages(request))
