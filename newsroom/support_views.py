"""The support page's online gifts: the form's post, Stripe's return pages and its webhook."""

from __future__ import annotations

import logging

import stripe
from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from articles import page_tags
from articles.request_ip import within_hourly_limit
from newsroom import online_gifts
from newsroom.gift_form import GiftForm
from newsroom.models import SupportCampaign

log = logging.getLogger(__name__)


def support_context(request: HttpRequest, form: GiftForm | None = None) -> dict[str, object]:
    """What the support page shows: the campaign, its gift form while Stripe is set up, and for
    signed-in editors only (whose pages are never cached) why the form is missing."""
    campaign = SupportCampaign.objects.current()
    online = settings.NEWSROOM_ONLINE_GIFTS and campaign is not None
    if online and form is None:
        assert campaign is not None  # `online` says so
        form = GiftForm(campaign=campaign)
    # Only a request with a session can be an editor's; looking at the user of any other
    # would touch the session and keep the page out of the cache for every reader.
    staff_note = (
        not settings.NEWSROOM_ONLINE_GIFTS
        and campaign is not None
        and settings.SESSION_COOKIE_NAME in request.COOKIES
        and request.user.has_perm("newsroom.change_supportcampaign")
    )
    return {"campaign": campaign, "gift_form": form if online else None, "staff_note": staff_note}


# No CSRF token: the form sits on a page cached for every reader, and this post changes nothing
# of ours and reads no session. It only asks Stripe for a payment page and sends this browser
# there, where the reader still has to pay; a forged post achieves what a link to Stripe would.
@csrf_exempt
@require_POST
def give(request: HttpRequest) -> HttpResponse:
    campaign = SupportCampaign.objects.current()
    if not settings.NEWSROOM_ONLINE_GIFTS or campaign is None:
        raise Http404(gettext("Online gifts are not open."))
    form = GiftForm(request.POST, campaign=campaign)
    if not form.is_valid():
        return render(request, "newsroom/support.html", support_context(request, form), status=400)
    # Each session is a call to Stripe on our key; a card-testing script would start hundreds.
    if not within_hourly_limit(
        request, form="gift-checkout", limit=settings.NEWSROOM_GIFT_CHECKOUTS_PER_HOUR
    ):
        log.info("Gift checkout refused: too many from one network address this hour")
        form.add_error(
            None,
            gettext(
                "Too many payments have been started from your connection in the last hour. "
                "Nothing was charged; please try again later."
            ),
        )
        return render(request, "newsroom/support.html", support_context(request, form), status=429)
    try:
        url = online_gifts.start_checkout(
            campaign=campaign,
            amount=form.cleaned_data["gift_amount"],
            frequency=form.cleaned_data["frequency"],
            donor_name=form.cleaned_data["donor_name"],
        )
    except online_gifts.CheckoutUnavailable:
        form.add_error(
            None,
            gettext(
                "We could not reach our payment provider just now. Nothing was charged; please "
                "try again in a minute."
            ),
        )
        return render(request, "newsroom/support.html", support_context(request, form), status=503)
    # 303: the browser fetches Stripe's page with GET, never re-posting the form.
    return HttpResponseRedirect(url, status=303)


@require_safe
def thanks(request: HttpRequest) -> HttpResponse:
    page_tags.shows(request)  # fixed words: kept until the site itself changes
    return render(request, "newsroom/support_thanks.html")


@require_safe
def cancelled(request: HttpRequest) -> HttpResponse:
    page_tags.shows(request, page_tags.CAMPAIGN)
    return render(request, "newsroom/support_cancelled.html", support_context(request))


@csrf_exempt  # Stripe signs its calls; the signature is checked instead
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    if not settings.NEWSROOM_ONLINE_GIFTS:
        raise Http404("Online gifts are not set up.")
    try:
        event = online_gifts.verify(request.body, request.headers.get("Stripe-Signature"))
    except (ValueError, stripe.SignatureVerificationError):
        log.warning("Refused a Stripe webhook call: missing or wrong signature, or not an event.")
        return HttpResponseBadRequest("Bad signature.", content_type="text/plain")
    online_gifts.record_event(event)
    # 200 for every verified event, even those we ignore: anything else makes Stripe retry.
    return HttpResponse("OK", content_type="text/plain")
