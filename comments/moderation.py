"""The moderators' queue: its tabs, one decision or many at once, and the moderation log with
its CSV export. Every view needs the moderation permission; each decision calls the comment's
verb."""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable, Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

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
}
QUEUE_PAGE = 50


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
    decision = form.cleaned_data["decision"]
    with transaction.atomic():
        decision.apply(comment, by=request.user, reason=form.cleaned_data["why"])
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
    chosen = list(form.cleaned_data["comments"])
    with transaction.atomic():
        for comment in chosen:
            decision.apply(comment, by=request.user, reason=form.cleaned_data["why"])
    messages.success(request, decision.told_many(len(chosen)))
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
