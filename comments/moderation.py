"""The moderators' desk, part of the admin: the queue (tabs, a story, words), one decision or
many at once (guarded by claims, comments/claims.py), a commenter's record, and the moderation
log with its CSV export. Every view needs the moderation permission; each decision calls the
comment's verb."""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable, Iterator

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_POST

from articles.models import Article
from articles.never_cache import never_cache
from articles.permissions import staff_member
from articles.spreadsheets import safe_cell
from comments import claims, commenters, desk, finding
from comments.decisions import is_moderator
from comments.forms import LogFilterForm, ModerationForm
from comments.models import Comment, Flag, ModerationEvent


def moderator_required(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Signed-out: to the sign-in page. Signed in without the permission: 403."""

    @functools.wraps(view)
    def checked(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if not is_moderator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return never_cache(login_required(checked))


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
    "all": ("All", Q(), ["-created_at", "-pk"]),
}
QUEUE_PAGE = 50
HISTORY_PAGE = 100


def desk_context(request: HttpRequest, title: str, **extra: object) -> dict[str, object]:
    """The admin's own context (header, navigation, sign-out), so the desk is part of it."""
    return {**admin.site.each_context(request), "title": title, **extra}


def _count_for_email(status: str) -> Coalesce:
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
    flags = (
        Flag.objects.filter(comment=OuterRef("pk"))
        .order_by()
        .values("comment")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return (
        Comment.objects.select_related("article", "parent", "user", "moderated_by", "claimed_by")
        .prefetch_related("flags")
        .annotate(
            flag_total=Coalesce(Subquery(flags, output_field=IntegerField()), Value(0)),
            past_approved=_count_for_email(Comment.Status.APPROVED),
            past_rejected=_count_for_email(Comment.Status.REJECTED),
        )
    )


def _story_filter(request: HttpRequest) -> int | None:
    raw = request.GET.get("story", "")
    return int(raw) if raw.isdigit() and len(raw) < 18 else None


@moderator_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab", "pending")
    if tab not in TABS:
        tab = "pending"
    label, condition, ordering = TABS[tab]
    rows = queue_queryset().filter(condition).order_by(*ordering)
    story = _story_filter(request)
    if story is not None:
        rows = rows.filter(article_id=story)
    words = request.GET.get("q", "").strip()[:200]
    rows = finding.matching(rows, words)
    page = Paginator(rows, QUEUE_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    for comment in page.object_list:
        comment.reviewer = claims.reviewer(comment, staff_member(request), now=now)
    # Two counts that each start from an index (the pending ones, the flags), rather than one
    # pass joining every comment ever posted to its flags (issue #6).
    counts = {
        "pending": Comment.objects.filter(status=Comment.Status.PENDING).count(),
        "flagged": Flag.objects.filter(
            comment__status__in=[Comment.Status.APPROVED, Comment.Status.PENDING]
        )
        .values("comment")
        .distinct()
        .count(),
    }
    stories = finding.stories_waiting()
    story_headline = next((s["article__headline"] for s in stories if s["article_id"] == story), "")
    if story is not None and not story_headline:
        # A story with nothing waiting still gets its place in the menu while it is chosen.
        story_headline = (
            Article.objects.filter(pk=story).values_list("headline", flat=True).first() or ""
        )
        if story_headline:
            stories.append({"article_id": story, "article__headline": story_headline, "waiting": 0})
    kept = {"tab": tab, "story": story or "", "q": words}
    return render(
        request,
        "comments/moderation/queue.html",
        desk_context(
            request,
            f"Moderation: {label}",
            desk_page="queue",
            tab=tab,
            tab_label=label,
            tabs=[(key, value[0]) for key, value in TABS.items()],
            page=page,
            counts=counts,
            figures=desk.figures(now=now),
            form=ModerationForm(),
            stories=stories,
            story=story,
            story_headline=story_headline,
            words=words,
            kept=urlencode({k: v for k, v in kept.items() if v}),
            filters=urlencode({k: v for k, v in kept.items() if v and k != "tab"}),
        ),
    )


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
    get_object_or_404(Comment, pk=pk)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That action is not available.")
        return _back(request)
    decision = form.cleaned_data["decision"]
    try:
        with transaction.atomic():
            comment = claims.take_for_decision(
                pk, by=staff_member(request), seen_status=form.cleaned_data["seen"]
            )
            decision.apply(comment, by=request.user, reason=form.cleaned_data["why"])
    except claims.Refused as refused:
        messages.error(request, str(refused))
        return _back(request)
    messages.success(request, decision.told_one(comment))
    return _back(request)


@moderator_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    form = ModerationForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["comments"]:
        messages.error(request, "Select comments and an action.")
        return _back(request)
    decision = form.cleaned_data["decision"]
    done = 0
    for chosen in form.cleaned_data["comments"]:
        # Each its own step: one taken by another moderator does not undo the rest.
        seen = request.POST.get(f"seen-{chosen.pk}", "")
        try:
            with transaction.atomic():
                comment = claims.take_for_decision(
                    chosen.pk, by=staff_member(request), seen_status=seen
                )
                decision.apply(comment, by=request.user, reason=form.cleaned_data["why"])
        except claims.Refused as refused:
            messages.error(request, str(refused))
            continue
        done += 1
    if done:
        messages.success(request, decision.told_many(done))
    return _back(request)


@moderator_required
@require_POST
def pick(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a published comment an editor's pick, or stop it being one."""
    comment = get_object_or_404(Comment.objects.published(), pk=pk)
    if request.POST.get("pick") == "yes":
        comment.pick(by=staff_member(request))
        messages.success(request, f"Comment {pk} is an editor's pick.")
    else:
        comment.unpick(by=staff_member(request))
        messages.success(request, f"Comment {pk} is no longer an editor's pick.")
    return _back(request)


@moderator_required
@require_POST
def claim(request: HttpRequest, pk: int) -> JsonResponse:
    """The queue's script claims the comment the moderator has selected."""
    get_object_or_404(Comment, pk=pk)
    holder = claims.claim(pk, by=staff_member(request))
    return JsonResponse({"reviewer": holder, "yours": not holder})


@moderator_required
@require_GET
def commenter(request: HttpRequest, pk: int) -> HttpResponse:
    """The commenter of comment `pk`: their record and every comment, newest first."""
    comment = get_object_or_404(Comment, pk=pk)
    who = commenters.commenter_of(comment)
    page = Paginator(commenters.history(who), HISTORY_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "comments/moderation/commenter.html",
        desk_context(
            request,
            f"Commenter: {who.label}",
            comment=comment,
            commenter=who,
            record=commenters.record_of(who, comment),
            page=page,
        ),
    )


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
        desk_context(
            request,
            "Moderation log",
            desk_page="log",
            form=form,
            page=page,
            query=query.urlencode(),
            csv_url=reverse("moderation:log_csv") + (f"?{query.urlencode()}" if query else ""),
        ),
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@moderator_required
@require_GET
def log_csv(request: HttpRequest) -> StreamingHttpResponse:
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
                    safe_cell(story),
                    event.action,
                    safe_cell(event.actor_name),
                    event.actor_kind,
                    safe_cell(event.reason),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="moderation-log.csv"'
    return response
