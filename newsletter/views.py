"""Readers' newsletter views: the page, the form token, signing up, confirming and
unsubscribing. The box on cached pages (front page, stories) carries no token; its script
fetches one from `form_token`, as the comment form does."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles import page_tags
from articles.request_ip import within_hourly_limit
from newsletter import page_cache, tokens
from newsletter.forms import SignupForm
from newsletter.models import Newsletter, Subscriber, Subscription
from newsletter.signup import send_confirmation, sign_up

log = logging.getLogger(__name__)


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


def _page(
    request: HttpRequest, form: SignupForm, *, note: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "newsletters": Newsletter.objects.filter(is_active=True),
        "note": note,
        "stamp": tokens.issue_stamp(),
    }
    return _private(render(request, "newsletter/page.html", context, status=status))


@require_GET
def page(request: HttpRequest) -> HttpResponse:
    """The newsletter page: every active list and the form, the same for every reader, so it is
    cached like any reader page (until a list changes: `page_cache.NEWSLETTERS`); the form
    fetches its token as the box does. Only the answers to a post carry a token of their own."""
    page_tags.shows(request, page_cache.NEWSLETTERS)
    context = {
        "form": SignupForm(),
        "newsletters": Newsletter.objects.filter(is_active=True),
        "cached": True,
    }
    return render(request, "newsletter/page.html", context)


@require_GET
def form_token(request: HttpRequest) -> HttpResponse:
    """What the cached box cannot carry: a CSRF token and a fresh stamp."""
    return _private(JsonResponse({"csrf_token": get_token(request), "stamp": tokens.issue_stamp()}))


def _csrf_ok(request: HttpRequest) -> bool:
    """Django's own CSRF check, run by hand. The view is exempt from the middleware so that a
    reader without JavaScript, posting the cached box without a token, gets the newsletter
    page back to confirm instead of Django's bare 403."""
    middleware = CsrfViewMiddleware(lambda r: HttpResponse())
    # A plain callback: the exempt view itself would be waved through.
    return middleware.process_view(request, _checked_view, (), {}) is None


def _checked_view(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError  # only named to the CSRF check, never called


@csrf_exempt
@require_POST
def subscribe(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST)
    if not _csrf_ok(request):
        unbound = SignupForm(initial={"email": request.POST.get("email", "")[:254]})
        return _page(request, unbound, note=_("Please check your address and sign up again."))
    if not form.is_valid():
        return _page(request, form, status=400, note=_("Please correct the errors below."))
    age = tokens.stamp_age(form.cleaned_data["stamp"])
    if age is None:
        return _page(request, form, note=_("Please check your address and sign up again."))
    bot = bool(form.cleaned_data["website"]) or age < dt.timedelta(
        seconds=settings.NEWSLETTER_MIN_SECONDS
    )
    if bot:
        # The same answer as everyone gets; nothing is stored or sent.
        log.info("Newsletter sign-up refused: honeypot or too fast")
    else:
        newsletters = form.chosen()
        if not newsletters:
            return _page(request, form, note=_("We have no newsletter at the moment."))
        # One machine must not sign up a list of strangers: the per-address throttle in
        # signup.py protects one inbox, this protects many. Counted before anything is stored.
        if not within_hourly_limit(
            request, form="newsletter-signup", limit=settings.NEWSLETTER_SIGNUPS_PER_HOUR
        ):
            log.info("Newsletter sign-up refused: too many from one network address this hour")
            note = _(
                "Too many sign-ups have come from your connection in the last hour. Please try "
                "again later."
            )
            return _page(request, form, status=429, note=note)
        sign_up(email=form.cleaned_data["email"], newsletters=newsletters)
    return HttpResponseRedirect(reverse("newsletter:check_inbox"))


@require_GET
def check_inbox(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "newsletter/check_inbox.html"))


def _problem(
    request: HttpRequest, *, expired_token: str = "", stale: bool = False, status: int = 400
) -> HttpResponse:
    context = {
        "expired_token": expired_token,
        "stale": stale,
        "form": SignupForm(),
        "stamp": tokens.issue_stamp(),
    }
    return _private(render(request, "newsletter/link_problem.html", context, status=status))


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button and POST confirms: mail scanners that open every link must not
    confirm an address on its owner's behalf."""
    try:
        confirmation = tokens.read_confirmation(token)
    except tokens.Expired:
        return _problem(request, expired_token=token)
    except tokens.Invalid:
        return _problem(request)
    found = list(
        Subscription.objects.filter(
            subscriber_id=confirmation.subscriber_id,
            newsletter_id__in=confirmation.newsletter_ids,
            newsletter__is_active=True,
        ).select_related("newsletter")
    )
    # A link is good only for the state it was issued in: one mailed before the reader
    # unsubscribed, bounced or complained must not put them back on the list.
    subscriptions = [s for s in found if not s.issued_before_end(confirmation.issued_at)]
    if found and not subscriptions:
        return _problem(request, stale=True)
    if not subscriptions:
        return _problem(request)  # erased since, or the lists were closed
    if request.method == "POST":
        now = timezone.now()
        for subscription in subscriptions:
            subscription.confirm(at=now)
        log.info("Newsletter confirmed by subscriber %s", confirmation.subscriber_id)
        confirmed = {"newsletters": [s.newsletter for s in subscriptions]}
        return _private(render(request, "newsletter/confirmed.html", confirmed))
    context: dict[str, object] = {
        "newsletters": [s.newsletter for s in subscriptions],
        "already": all(s.status == Subscription.Status.CONFIRMED for s in subscriptions),
    }
    return _private(render(request, "newsletter/confirm.html", context))


@require_POST
def renew(request: HttpRequest) -> HttpResponse:
    """ "Send me a new link" on an expired link's page: the old link names the address."""
    try:
        confirmation = tokens.read_confirmation(request.POST.get("token", ""), allow_expired=True)
    except (tokens.Invalid, tokens.Expired):
        return _problem(request)
    subscriber = Subscriber.objects.filter(pk=confirmation.subscriber_id).first()
    if subscriber is not None:
        lists = list(Newsletter.objects.filter(pk__in=confirmation.newsletter_ids, is_active=True))
        if lists:
            send_confirmation(subscriber, lists, now=timezone.now())
    return HttpResponseRedirect(reverse("newsletter:check_inbox"))


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks; POST unsubscribes. The POST needs no CSRF token: the signed token is the
    proof, and RFC 8058's one-click POST comes from the reader's mail service, which has none."""
    try:
        subscription_id = tokens.read_unsubscribe(token)
    except tokens.Invalid:
        return _private(render(request, "newsletter/unsubscribe_invalid.html", status=400))
    subscription = (
        Subscription.objects.filter(pk=subscription_id).select_related("newsletter").first()
    )
    if subscription is None:
        raise Http404(_("This subscription no longer exists."))
    if request.method == "POST":
        if subscription.status in {Subscription.Status.PENDING, Subscription.Status.CONFIRMED}:
            subscription.end(Subscription.Status.UNSUBSCRIBED)
            log.info(
                "Newsletter %s: subscriber %s unsubscribed",
                subscription.newsletter_id,
                subscription.subscriber_id,
            )
        done = {"newsletter": subscription.newsletter}
        return _private(render(request, "newsletter/unsubscribed.html", done))
    context: dict[str, object] = {
        "newsletter": subscription.newsletter,
        "subscription": subscription,
    }
    return _private(render(request, "newsletter/unsubscribe.html", context))
