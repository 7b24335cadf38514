"""Readers' comment views: the form token, posting, flagging, unsubscribing, and the CSRF
failure page that gives a comment back. The moderators' queue is in comments/moderation.py.
Small function views: look up, validate, call a verb or the service, respond."""

from __future__ import annotations

import logging
import secrets
import smtplib
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.models import Article
from articles.never_cache import never_cache
from articles.request_ip import request_ip_hash
from comments import notifications, services, trust
from comments.forms import CommentForm, FlagForm
from comments.models import Comment, ModerationLimits
from comments.privacy import email_digest
from comments.services import Outcome
from comments.threads import remember_own_comment

log = logging.getLogger(__name__)


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
        raise Http404(_("No such story."))
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
                note=_("Please check your comment and post it again."),
            )
    return django_csrf_failure(request, reason=reason)


_PUBLIC_REJECTIONS = {
    # Lazy: the dictionary is built at import, the words are chosen when a page is written.
    "story_closed": gettext_lazy("Comments are closed on this story."),
    "duplicate": gettext_lazy("You have already posted this comment."),
}


@require_POST
def post(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _live_article(article_id)
    form = CommentForm(request.POST, user=request.user)
    if not form.is_valid():
        stamp = _stamp_or_none(form.data.get("stamp", ""), article)
        return _compose(
            request,
            article,
            form,
            status=400,
            stamp=stamp,
            note=_("Please correct the errors below."),
        )
    try:
        stamp = services.read_stamp(form.cleaned_data["stamp"], article)
    except services.StampExpired:
        return _compose(
            request,
            article,
            form,
            note=_("This form was open a long time. Please check your comment and post it again."),
        )
    if stamp is None and not form.cleaned_data["stamp"]:
        return _compose(
            request, article, form, note=_("Please check your comment and post it again.")
        )

    parent = None
    if form.cleaned_data["parent"]:
        parent = (
            Comment.objects.visible()
            .filter(article=article, pk=form.cleaned_data["parent"])
            .first()
        )
        if parent is None:
            form.add_error(None, _("The comment you replied to is no longer available."))
            return _compose(request, article, form, status=400, stamp=stamp)

    signed_in = request.user.is_authenticated
    proven = () if signed_in else trust.proven_addresses(request)
    result = services.submit_comment(
        article=article,
        body=form.cleaned_data["body"],
        name=form.cleaned_data["name"],
        email=form.cleaned_data["email"],
        ip_hash=request_ip_hash(request),
        # A forged stamp still needs a unique nonce; the too-fast rule refuses it anyway.
        nonce=stamp.nonce if stamp else secrets.token_urlsafe(24),
        rendered_at=stamp.issued_at if stamp else None,
        user=request.user if request.user.is_authenticated else None,
        parent=parent,
        notify_replies=form.cleaned_data["notify_replies"],
        honeypot=form.cleaned_data["website"],
        device_addresses=proven,
    )
    response = _respond_to_submission(request, article, form, result, stamp)
    if proven:
        # Kept (and renewed) on this browser: what it earned with its own published comments.
        trust.remember(response, proven)
    return response


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
            note=_("You are commenting too quickly. Please wait a little and post again."),
        )
    if result.outcome == Outcome.REJECTED:
        rule = result.verdicts[0].rule
        messages.error(
            request, _PUBLIC_REJECTIONS.get(rule, _("Sorry, your comment was not published."))
        )
        return HttpResponseRedirect(f"{story}#respond")
    assert comment is not None
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, _("Your comment is published."))
        return HttpResponseRedirect(f"{story}#comment-{comment.pk}")
    messages.info(request, _("Your comment is awaiting moderation."))
    first_time = any(verdict.rule == "first_time" for verdict in result.verdicts)
    if first_time and not request.user.is_authenticated:
        # Said to every first-time hold alike, so it tells nobody whether an address is known.
        messages.info(
            request,
            _(
                "If you have commented here before, check your e-mail: the link in it confirms "
                "it's you, and comments from the browser you open it in appear without waiting."
            ),
        )
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
    note = ""
    if request.method == "POST" and form.is_valid():
        flagged = services.flag_comment(
            comment=comment,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            ip_hash=request_ip_hash(request),
        )
        if flagged != services.Flagged.LIMITED:
            messages.info(
                request,
                _("Thank you. A moderator will look at it.")
                if flagged == services.Flagged.COUNTED
                else _("You have already reported this comment."),
            )
            return HttpResponseRedirect(comment.article.get_absolute_url() + "#comments")
        note = _("You have sent a lot of reports in the last hour. Please try again later.")
    status = (429 if note else 400) if request.method == "POST" else 200
    return render(
        request,
        "comments/flag.html",
        {
            "comment": comment,
            "form": form,
            "note": note,
            "threshold": ModerationLimits.current().flag_threshold,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link mailed to a regular's address when it came from a browser that had not shown
    it. Opening it asks; only the button confirms, so a mail scanner that follows links
    confirms nothing. Confirming trusts this browser and publishes the comment if that was
    all it waited for."""
    found = trust.read_confirmation(token)
    comment = None
    if found is not None:
        comment = Comment.objects.select_related("article").filter(pk=found.comment_id).first()
    if found is None or comment is None or email_digest(comment.email) != found.address:
        return render(request, "comments/confirm.html", {"state": "invalid"}, status=400)
    context = {"comment": comment, "token": token, "days": trust.CONFIRM_MAX_AGE.days}
    if found.expired:
        return render(request, "comments/confirm.html", {**context, "state": "expired"})
    if request.method == "GET":
        return render(request, "comments/confirm.html", {**context, "state": "ask"})
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        trust.confirm_address(locked)
    if locked.status == Comment.Status.APPROVED:
        # Published now, or by a moderator before the reader came back.
        messages.success(request, _("Thank you. Your comment is published."))
        target = locked.get_absolute_url()
    elif locked.status == Comment.Status.PENDING:
        messages.info(request, _("Thank you. Your comment still waits for a moderator."))
        target = f"{comment.article.get_absolute_url()}#comments"
    else:
        messages.info(request, _("Thank you."))
        target = f"{comment.article.get_absolute_url()}#comments"
    messages.info(
        request,
        _("Comments you post from this browser with that address now appear without waiting."),
    )
    response = HttpResponseRedirect(target)
    trust.remember(response, [found.address, *trust.proven_addresses(request)])
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One click from the e-mail: no more reply notices for this address.

    A link past its time changes nothing; its page explains and offers to mail a fresh link to
    the address it was for (a POST of the same link), so only that inbox can use it.
    """
    link = notifications.read_unsubscribe_token(token)
    if link is None:
        return render(request, "comments/unsubscribed.html", {"state": "invalid"}, status=400)
    context: dict[str, Any] = {"token": token, "days": notifications.UNSUBSCRIBE_MAX_AGE.days}
    if request.method == "POST":
        try:
            notifications.send_fresh_unsubscribe_link(link.email)
        except (OSError, smtplib.SMTPException):
            # The mail server is down: say so, rather than an error page.
            log.exception("Could not send a fresh unsubscribe link")
            return render(
                request, "comments/unsubscribed.html", {**context, "state": "unsent"}, status=503
            )
        # The same answer whether or not a mail went (nothing to stop, or sent this hour).
        return render(request, "comments/unsubscribed.html", {**context, "state": "sent"})
    if link.expired:
        return render(request, "comments/unsubscribed.html", {**context, "state": "expired"})
    stopped = notifications.unsubscribe(link.email)
    return render(
        request, "comments/unsubscribed.html", {**context, "state": "stopped", "stopped": stopped}
    )
