"""Readers' comment views (post, form token, flag, unsubscribe) and the moderators' queue and
log. Small function views: look up, validate, call a verb or the service, respond."""

from __future__ import annotations

import csv
import secrets
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.models import Article
from comments import notifications, services
from comments.forms import CommentForm, FlagForm, LogFilterForm, ModerationForm
from comments.models import Comment, ModerationEvent
from comments.privacy import request_ip_hash
from comments.services import Outcome
from comments.threads import remember_own_comment

# --- Readers ------------------------------------------------------------------------------


def _live_article(article_id: int) -> Article:
    return get_object_or_404(Article.objects.published(), pk=article_id)


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
def form_token(request: HttpRequest) -> HttpResponse:
    """What the cached story page cannot carry: a CSRF token and a fresh signed form stamp.

    Fetched by the page's script when a reader starts writing, so readers who never comment
    never get a cookie.
    """
    raw = request.GET.get("article", "")
    if not raw.isdigit() or len(raw) > 18:
        raise Http404("No such story.")
    article = _live_article(int(raw))
    user = request.user
    data: dict[str, Any] = {
        "csrf_token": get_token(request),
        "stamp": services.issue_stamp(article),
        "signed_in": user.is_authenticated,
        "name": (user.get_full_name() or user.get_username()) if user.is_authenticated else "",
    }
    return _private(JsonResponse(data))


def _compose(
    request: HttpRequest,
    article: Article,
    form: CommentForm,
    *,
    note: str = "",
    status: int = 200,
    stamp: services.Stamp | None = None,
) -> HttpResponse:
    """The comment form on its own uncached page, with a token: for readers without
    JavaScript, for corrections, and after "slow down"."""
    # Keep the nonce (a retry still posts once) and the original time (fixing a typo quickly
    # is not "too fast"); only a missing or expired stamp gets a new one.
    fresh = (
        services.issue_stamp(article, at=stamp.issued_at, nonce=stamp.nonce)
        if stamp
        else services.issue_stamp(article)
    )
    raw_parent = str((form.data if form.is_bound else form.initial).get("parent") or "")
    parent = None
    if raw_parent.isdigit() and len(raw_parent) < 18:
        parent = Comment.objects.visible().filter(article=article, pk=int(raw_parent)).first()
    response = render(
        request,
        "comments/compose.html",
        {"article": article, "form": form, "stamp": fresh, "note": note, "reply_to": parent},
        status=status,
    )
    return _private(response)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: an anonymous reader posting from the cached story page without
    JavaScript gets their comment back to confirm on a page with a token. Nothing is stored,
    so this grants nothing; every other failure is Django's 403."""
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    if (
        request.method == "POST"
        and match is not None
        and match.view_name == "comments:post"
        and (user is None or not user.is_authenticated)
    ):
        article = Article.objects.published().filter(pk=match.kwargs.get("article_id")).first()
        if article is not None:
            # Unbound, with what they wrote as initial values: a confirmation, not a list of
            # errors.
            fields = ["name", "email", "body", "notify_replies", "website", "parent"]
            form = CommentForm(initial={f: request.POST.get(f, "") for f in fields}, user=None)
            return _compose(
                request,
                article,
                form,
                note="Please check your comment and post it again.",
            )
    return django_csrf_failure(request, reason=reason)


_PUBLIC_REJECTIONS = {
    "story_closed": "Comments are closed on this story.",
    "duplicate": "You have already posted this comment.",
}


@require_POST
def post(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _live_article(article_id)
    form = CommentForm(request.POST, user=request.user)
    if not form.is_valid():
        stamp = _stamp_or_none(form.data.get("stamp", ""), article)
        return _compose(
            request, article, form, status=400, stamp=stamp, note="Please correct the errors below."
        )
    try:
        stamp = services.read_stamp(form.cleaned_data["stamp"], article)
    except services.StampExpired:
        return _compose(
            request,
            article,
            form,
            note="This form was open a long time. Please check your comment and post it again.",
        )
    if stamp is None and not form.cleaned_data["stamp"]:
        return _compose(request, article, form, note="Please check your comment and post it again.")

    parent = None
    if form.cleaned_data["parent"]:
        parent = (
            Comment.objects.visible()
            .filter(article=article, pk=form.cleaned_data["parent"])
            .first()
        )
        if parent is None:
            form.add_error(None, "The comment you replied to is no longer available.")
            return _compose(request, article, form, status=400, stamp=stamp)

    result = services.submit_comment(
        article=article,
        body=form.cleaned_data["body"],
        name=form.cleaned_data["name"],
        email=form.cleaned_data["email"],
        ip_hash=request_ip_hash(request),
        # A forged stamp still needs a unique nonce; the too-fast rule refuses it anyway.
        nonce=stamp.nonce if stamp else secrets.token_urlsafe(24),
        rendered_at=stamp.issued_at if stamp else None,
        user=request.user,
        parent=parent,
        notify_replies=form.cleaned_data["notify_replies"],
        honeypot=form.cleaned_data["website"],
    )
    return _respond_to_submission(request, article, form, result, stamp)


def _stamp_or_none(value: str, article: Article) -> services.Stamp | None:
    try:
        return services.read_stamp(value, article)
    except services.StampExpired:
        return None


def _respond_to_submission(
    request: HttpRequest,
    article: Article,
    form: CommentForm,
    result: services.Submitted,
    stamp: services.Stamp | None,
) -> HttpResponse:
    comment = result.comment
    story = article.get_absolute_url()
    if result.outcome == Outcome.FLOOD:
        return _compose(
            request,
            article,
            form,
            status=429,
            stamp=stamp,
            note="You are commenting too quickly. Please wait a little and post again.",
        )
    if result.outcome == Outcome.REJECTED:
        rule = result.verdicts[0].rule
        messages.error(
            request, _PUBLIC_REJECTIONS.get(rule, "Sorry, your comment was not published.")
        )
        return HttpResponseRedirect(f"{story}#respond")
    assert comment is not None
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, "Your comment is published.")
        return HttpResponseRedirect(f"{story}#comment-{comment.pk}")
    messages.info(request, "Your comment is awaiting moderation.")
    response = HttpResponseRedirect(f"{story}#respond")
    if comment.status == Comment.Status.PENDING:
        remember_own_comment(request, response, comment)
        response["Location"] = f"{story}#comment-{comment.pk}"
    return response


def _flaggable(pk: int) -> Comment:
    return get_object_or_404(
        Comment.objects.published()
        .filter(article__in=Article.objects.published())
        .select_related("article"),
        pk=pk,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def flag(request: HttpRequest, pk: int) -> HttpResponse:
    """Report a comment. An uncached page of its own, so the story page needs no token."""
    comment = _flaggable(pk)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        counted = services.flag_comment(
            comment=comment,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            ip_hash=request_ip_hash(request),
        )
        messages.info(
            request,
            "Thank you. A moderator will look at it."
            if counted
            else "You have already reported this comment.",
        )
        return HttpResponseRedirect(comment.article.get_absolute_url() + "#comments")
    status = 400 if request.method == "POST" else 200
    return render(request, "comments/flag.html", {"comment": comment, "form": form}, status=status)


@never_cache
@require_GET
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One click from the e-mail: no more reply notices for this address."""
    email = notifications.email_from_unsubscribe_token(token)
    if email is None:
        return render(request, "comments/unsubscribed.html", {"valid": False}, status=400)
    stopped = Comment.objects.filter(email__iexact=email, notify_replies=True).update(
        notify_replies=False
    )
    return render(request, "comments/unsubscribed.html", {"valid": True, "stopped": stopped})


# --- Moderators ---------------------------------------------------------------------------


def moderator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-out: to the sign-in page. Signed in without the permission: 403."""
    return never_cache(
        login_required(permission_required("comments.moderate_comment", raise_exception=True)(view))
    )


TABS = {
    "pending": ("Pending", Q(status=Comment.Status.PENDING), ["created_at", "pk"]),
    "flagged": (
        "Flagged",
        Q(flag_total__gt=0, status__in=[Comment.Status.APPROVED, Comment.Status.PENDING]),
        ["-flag_total", "created_at", "pk"],
    ),
    "approved": ("Published", Q(status=Comment.Status.APPROVED), ["-created_at", "-pk"]),
    "rejected": ("Rejected", Q(status=Comment.Status.REJECTED), ["-created_at", "-pk"]),
    "spam": ("Spam", Q(status=Comment.Status.SPAM), ["-created_at", "-pk"]),
    "removed": ("Removed", Q(status=Comment.Status.REMOVED), ["-created_at", "-pk"]),
}
QUEUE_PAGE = 50


def _count_for_email(status: str) -> Subquery:
    return Coalesce(
        Subquery(
            Comment.objects.filter(email=OuterRef("email"), status=status)
            .exclude(email="")
            .order_by()
            .values("email")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def queue_queryset() -> QuerySet:
    """Every column the queue shows, for any number of rows, in one query."""
    from comments.models import Flag

    flags = (
        Flag.objects.filter(comment=OuterRef("pk"))
        .order_by()
        .values("comment")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return (
        Comment.objects.select_related("article", "parent", "user", "moderated_by")
        .prefetch_related("flags")
        .annotate(
            flag_total=Coalesce(Subquery(flags, output_field=IntegerField()), Value(0)),
            past_approved=_count_for_email(Comment.Status.APPROVED),
            past_rejected=_count_for_email(Comment.Status.REJECTED),
        )
    )


@moderator_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab", "pending")
    if tab not in TABS:
        tab = "pending"
    label, condition, ordering = TABS[tab]
    rows = queue_queryset().filter(condition).order_by(*ordering)
    page = Paginator(rows, QUEUE_PAGE).get_page(request.GET.get("page"))
    # Two counts that each start from an index (the pending ones, the flags), rather than one
    # pass joining every comment ever posted to its flags (issue #6).
    from comments.models import Flag

    counts = {
        "pending": Comment.objects.filter(status=Comment.Status.PENDING).count(),
        "flagged": Flag.objects.filter(
            comment__status__in=[Comment.Status.APPROVED, Comment.Status.PENDING]
        )
        .values("comment")
        .distinct()
        .count(),
    }
    return render(
        request,
        "comments/moderation/queue.html",
        {
            "tab": tab,
            "tab_label": label,
            "tabs": [(key, value[0]) for key, value in TABS.items()],
            "page": page,
            "counts": counts,
            "form": ModerationForm(),
        },
    )


VERBS = {
    "approve": lambda c, by, why: c.approve(by=by, reason=why),
    "reject": lambda c, by, why: c.reject(by=by, reason=why),
    "spam": lambda c, by, why: c.mark_spam(by=by, reason=why),
    "remove": lambda c, by, why: c.remove(by=by, reason=why),
    "pending": lambda c, by, why: c.return_to_pending(by=by, reason=why),
    "block": lambda c, by, why: c.block_commenter(by=by, reason=why),
}
DONE = {
    "approve": "Published",
    "reject": "Rejected",
    "spam": "Marked as spam",
    "remove": "Removed",
    "pending": "Returned to the queue",
    "block": "Blocked the commenter of",
}


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect("moderation:queue")


@moderator_required
@require_POST
def act(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=pk)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That action is not available.")
        return _back(request)
    action = form.cleaned_data["action"]
    with transaction.atomic():
        VERBS[action](comment, request.user, form.cleaned_data["why"])
    messages.success(request, f"{DONE[action]} comment {comment.pk}.")
    return _back(request)


@moderator_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    form = ModerationForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["comments"]:
        messages.error(request, "Select comments and an action.")
        return _back(request)
    action = form.cleaned_data["action"]
    chosen = list(form.cleaned_data["comments"])
    with transaction.atomic():
        for comment in chosen:
            VERBS[action](comment, request.user, form.cleaned_data["why"])
    messages.success(request, f"{DONE[action]} {len(chosen)} comments.")
    return _back(request)


def _filtered_log(request: HttpRequest) -> tuple[LogFilterForm, QuerySet]:
    form = LogFilterForm(request.GET or None)
    events = ModerationEvent.objects.select_related("comment__article").order_by("-at", "-pk")
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["actor_kind"]:
            events = events.filter(actor_kind=data["actor_kind"])
        if data["actor"]:
            events = events.filter(actor_name__iexact=data["actor"].strip())
        if data["comment"]:
            events = events.filter(comment_ref=data["comment"])
        if data["since"]:
            events = events.filter(at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(at__date__lte=data["until"])
    return form, events


@moderator_required
@require_GET
def log(request: HttpRequest) -> HttpResponse:
    form, events = _filtered_log(request)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "comments/moderation/log.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "csv_url": reverse("moderation:log_csv") + (f"?{query.urlencode()}" if query else ""),
        },
    )


def _cell(value: object) -> str:
    """Spreadsheet-safe: a cell a reader typed must not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


class _Echo:
    def write(self, value: str) -> str:
        return value


@moderator_required
@require_GET
def log_csv(request: HttpRequest) -> HttpResponse:
    _, events = _filtered_log(request)
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield writer.writerow(["at", "comment", "story", "action", "by", "actor_kind", "reason"])
        for event in events.iterator(chunk_size=500):
            story = event.comment.article.headline if event.comment else ""
            yield writer.writerow(
                [
                    event.at.isoformat(),
                    event.comment_ref,
                    _cell(story),
                    event.action,
                    _cell(event.actor_name),
                    event.actor_kind,
                    _cell(event.reason),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="moderation-log.csv"'
    return response
