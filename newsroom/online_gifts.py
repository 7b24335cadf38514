"""Online gifts through Stripe Checkout: the session a reader is sent to, and the webhook's record.

Newsroom never sees a card. The gift form (newsroom/gift_form.py) posts an amount; we ask Stripe
for a Checkout Session (`start_checkout`) and send the reader to Stripe's page. When the money
has moved, Stripe calls our webhook with a signed event, and `record_event` stores the gift:

- `checkout.session.completed` (and `…async_payment_succeeded` for slower payment methods):
  a one-off gift, keyed by the session's id (cs_…); for a monthly gift, its first payment,
  keyed by the session's first invoice (in_…);
- `invoice.paid`: each payment of a monthly gift, keyed by its invoice. The first invoice
  also arrives this way, in any order with the session's event; the shared key records it once.

Each key is unique in the database (`gift_stripe_payment_once`), and the record is a
get_or_create in a transaction: Stripe's retries, a replayed event or two workers receiving the
same event at once all end with one gift and one receipt. Which campaign and which donor name
a payment belongs to travels in the session's metadata (copied to the subscription, so renewals
carry it too), set by us and signed by Stripe with the event.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import stripe
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from articles.structured_data import absolute_url
from newsroom.models import Gift, SupportCampaign

log = logging.getLogger(__name__)

# The currencies a campaign may use all have two decimal places (ISO 4217 exponent 2): Stripe
# counts them in pence or cents.
MINOR_UNITS = 100
SESSION_EVENTS = {"checkout.session.completed", "checkout.session.async_payment_succeeded"}
INVOICE_EVENTS = {"invoice.paid"}


class CheckoutUnavailable(Exception):
    """Stripe could not be reached or refused the session; the reader is told to try again."""


def start_checkout(
    *, campaign: SupportCampaign, amount: Decimal, frequency: str, donor_name: str
) -> str:
    """Create a Checkout Session for this gift and return the address of Stripe's page."""
    monthly = frequency == Gift.Frequency.MONTHLY
    metadata = {"campaign": str(campaign.pk), "donor_name": donor_name, "frequency": frequency}
    price: dict[str, Any] = {
        "currency": campaign.currency.lower(),
        "unit_amount": int(amount * MINOR_UNITS),
        "product_data": {
            "name": gettext("Monthly gift to %(site)s") % {"site": settings.SITE_NAME}
            if monthly
            else gettext("Gift to %(site)s") % {"site": settings.SITE_NAME}
        },
    }
    params: dict[str, Any] = {
        "mode": "subscription" if monthly else "payment",
        "line_items": [{"quantity": 1, "price_data": price}],
        "success_url": absolute_url(reverse("support-thanks")),
        "cancel_url": absolute_url(reverse("support-cancelled")),
        "metadata": metadata,
    }
    if monthly:
        price["recurring"] = {"interval": "month"}
        # Renewals' invoices carry the subscription's metadata: campaign and name each month.
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["submit_type"] = "donate"
    try:
        session = stripe.checkout.Session.create(api_key=settings.STRIPE_SECRET_KEY, **params)
    except stripe.StripeError as error:
        # The message names no reader: Stripe's own words about the request.
        log.error("Stripe refused a Checkout Session: %s", error.user_message or type(error))
        raise CheckoutUnavailable from error
    if not session.url:
        raise CheckoutUnavailable
    return session.url


@dataclass(frozen=True)
class Payment:
    """One payment as a signed Stripe event describes it."""

    key: str  # the session (one-off) or invoice (monthly) the payment is
    campaign_id: str
    amount_minor: int
    currency: str
    frequency: str
    donor_name: str
    donor_email: str
    subscription: str
    paid_at: dt.datetime


class Unreadable(Exception):
    """A signed event that is not the shape Stripe documents: acknowledged, logged, not stored."""


# The most Stripe takes in one payment (99,999,999 minor units: £999,999.99); anything more in
# a signed event is not a payment Stripe made, and would not fit the database's decimal.
MAX_AMOUNT_MINOR = 99_999_999
KEY_LENGTH = Gift._meta.get_field("stripe_payment").max_length or 255
EMAIL_LENGTH = Gift._meta.get_field("donor_email").max_length or 254
# A campaign's id is a positive integer that fits the database's column.
CAMPAIGN_ID = re.compile(r"[0-9]{1,18}")


def verify(body: bytes, signature: str | None) -> dict[str, Any]:
    """The event Stripe signed, as a dict; SignatureVerificationError or ValueError if not.

    Stripe's library refuses a signature older than its tolerance but not one from the future,
    which would let a captured or forged-clock signature be replayed later: both are refused.
    """
    tolerance = stripe.Webhook.DEFAULT_TOLERANCE
    stripe.WebhookSignature.verify_header(
        body, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance
    )
    # The first `t=`, as the library reads it; verify_header has checked it is a number.
    signed_at = next(item[2:] for item in (signature or "").split(",") if item.startswith("t="))
    if int(signed_at) > time.time() + tolerance:
        raise stripe.SignatureVerificationError("Timestamp in the future", signature, body)
    try:
        event = json.loads(body)
    except RecursionError:
        raise ValueError("A signed body nested too deeply") from None
    if not isinstance(event, dict):
        raise ValueError("A signed body that is not an event object")
    return event


def record_event(event: dict[str, Any]) -> Gift | None:
    """Store the gift a verified event reports, once; any other event is acknowledged.

    A signed event of ours that cannot be read is logged with its id and acknowledged: Stripe
    retries anything but a 2xx for days, and a retry would not read any better."""
    kind = event.get("type")
    try:
        data = _object(_object(event.get("data")).get("object"))
        payment = None
        if kind in SESSION_EVENTS:
            payment = _from_session(data)
        elif kind in INVOICE_EVENTS:
            payment = _from_invoice(data)
    except Unreadable as problem:
        log.error(
            "Stripe event %.64s (%.64s) is unreadable (%s); acknowledged, not recorded.",
            event.get("id"),
            kind,
            problem,
        )
        return None
    if payment is None:
        return None
    return record_payment(payment)


def _object(value: Any) -> dict[str, Any]:
    """A nested Stripe object; absent is empty, anything else than an object is unreadable."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Unreadable(f"{type(value).__name__} where an object belongs")
    return value


def _id(value: Any, *, length: int = KEY_LENGTH) -> str:
    """An expandable field: an id, or the object carrying it."""
    if isinstance(value, dict):
        value = value.get("id")
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or len(value) > length:
        raise Unreadable("an id that is not a Stripe id")
    return value


def _amount(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Unreadable("an amount that is not a whole number")
    if not 0 < value <= MAX_AMOUNT_MINOR:
        raise Unreadable(f"an amount of {value} minor units")
    return value


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _campaign_id(metadata: dict[str, Any]) -> str:
    """The campaign's id as the session set it, or '' (then no campaign of ours is found)."""
    value = _text(metadata.get("campaign"))
    return value if CAMPAIGN_ID.fullmatch(value) else ""


def _from_session(session: dict[str, Any]) -> Payment | None:
    if session.get("payment_status") != "paid":
        return None  # a slow payment method: `async_payment_succeeded` follows when it clears
    metadata = _object(session.get("metadata"))
    monthly = session.get("mode") == "subscription"
    key = _id(session.get("invoice")) if monthly else _id(session.get("id"))
    if not key:
        return None  # a subscription without its invoice yet: `invoice.paid` brings it
    return Payment(
        key=key,
        campaign_id=_campaign_id(metadata),
        amount_minor=_amount(session.get("amount_total")),
        currency=_text(session.get("currency")),
        frequency=Gift.Frequency.MONTHLY if monthly else Gift.Frequency.ONE_OFF,
        donor_name=_text(metadata.get("donor_name"))[:120],
        donor_email=_text(_object(session.get("customer_details")).get("email")),
        subscription=_id(session.get("subscription")) if monthly else "",
        paid_at=_when(session.get("created")),
    )


def _from_invoice(invoice: dict[str, Any]) -> Payment | None:
    # Stripe moved the subscription under `parent` (API 2025-03-31); older versions keep it at
    # the top. Either way the metadata is the subscription's, as the session set it.
    details = _object(_object(invoice.get("parent")).get("subscription_details"))
    subscription = _id(details.get("subscription") or invoice.get("subscription"))
    metadata = _object(
        details.get("metadata") or _object(invoice.get("subscription_details")).get("metadata")
    )
    if not subscription or "campaign" not in metadata:
        return None  # not a gift of ours (another product on the same Stripe account)
    key = _id(invoice.get("id"))
    if not key:
        raise Unreadable("an invoice without its id")
    transitions = _object(invoice.get("status_transitions"))
    paid_at = transitions.get("paid_at") or invoice.get("created")
    return Payment(
        key=key,
        campaign_id=_campaign_id(metadata),
        amount_minor=_amount(invoice.get("amount_paid")),
        currency=_text(invoice.get("currency")),
        frequency=Gift.Frequency.MONTHLY,
        donor_name=_text(metadata.get("donor_name"))[:120],
        donor_email=_text(invoice.get("customer_email")),
        subscription=subscription,
        paid_at=_when(paid_at),
    )


def _when(timestamp: Any) -> dt.datetime:
    if isinstance(timestamp, int) and not isinstance(timestamp, bool):
        try:
            return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            pass  # a time no calendar holds: the time it arrived
    return timezone.now()


def _valid_email(address: str) -> str:
    if len(address) > EMAIL_LENGTH:
        return ""
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address


def record_payment(payment: Payment) -> Gift | None:
    """The gift for this payment: created the first time, found every time after."""
    pk = int(payment.campaign_id) if CAMPAIGN_ID.fullmatch(payment.campaign_id) else 0
    campaign = SupportCampaign.objects.filter(pk=pk).first()
    if not 0 < payment.amount_minor <= MAX_AMOUNT_MINOR:
        log.error(
            "Stripe payment %s is of %s minor units; not recorded.",
            payment.key,
            payment.amount_minor,
        )
        return None
    if campaign is None:
        # Acknowledged, not retried: no later attempt would find the campaign. Logged with
        # Stripe's reference so the desk can record it by hand.
        log.error("Stripe payment %s names no campaign of ours; not recorded.", payment.key)
        return None
    if payment.currency.upper() != campaign.currency:
        log.error(
            "Stripe payment %s is in %s, campaign %s raises %s; not recorded.",
            payment.key,
            payment.currency.upper(),
            campaign.pk,
            campaign.currency,
        )
        return None
    with transaction.atomic():
        gift, created = Gift.objects.get_or_create(
            stripe_payment=payment.key,
            defaults={
                "campaign": campaign,
                "amount": Decimal(payment.amount_minor) / MINOR_UNITS,
                "currency": campaign.currency,
                "received_at": payment.paid_at,
                "donor_name": payment.donor_name,
                "donor_email": _valid_email(payment.donor_email),
                "source": Gift.Source.ONLINE,
                "frequency": payment.frequency,
                "stripe_subscription": payment.subscription,
            },
        )
        if created:
            _receipt_after_commit(gift.pk)
    # Ids and amounts only: a donor's name and address never reach the logs.
    log.info(
        "Stripe payment %s %s gift %s (%s %s, campaign %s).",
        payment.key,
        "recorded as" if created else "already recorded as",
        gift.pk,
        gift.amount,
        gift.currency,
        campaign.pk,
    )
    return gift


# --- The receipt -------------------------------------------------------------------------------


def _receipt_after_commit(pk: int) -> None:
    # Robust: a mail server that is down is logged; the gift stays recorded and Stripe is
    # still told so (a failing webhook would be retried, and find the gift there anyway).
    def send_gift_receipt() -> None:
        send_receipt(pk)

    transaction.on_commit(send_gift_receipt, robust=True)


def send_receipt(pk: int) -> bool:
    """E-mail the donor a receipt (plain text and HTML); False when there is no address."""
    gift = Gift.objects.select_related("campaign").filter(pk=pk).first()
    if gift is None or not gift.donor_email:
        return False
    context = {
        "gift": gift,
        "SITE_NAME": settings.SITE_NAME,
        "support_url": absolute_url(reverse("support")),
    }
    subject = gettext("Thank you for your gift to %(site)s") % {"site": settings.SITE_NAME}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("newsroom/email/gift_receipt.txt", context),
        to=[gift.donor_email],
    )
    message.attach_alternative(
        render_to_string("newsroom/email/gift_receipt.html", context), "text/html"
    )
    message.send()
    log.info("Receipt sent for gift %s.", gift.pk)
    return True
