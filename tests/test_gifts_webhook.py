"""Stripe's webhook: each payment recorded exactly once, a bad signature refused, a receipt sent.

The payloads are signed here with a test secret, exactly as Stripe signs them
(tests/stripe_fakes.py, which also has the `stripe_on` fixture); the webhook checks them with
the official library.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from loopback.servers import free_port
from newsroom import online_gifts
from newsroom.models import Gift
from tests import stripe_fakes
from tests.factories import SupportCampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return SupportCampaignFactory(title="Keep the estuary desk open", goal=8000, raised=0)


def deliver(client: Client, body: str, signature: str | None = None, **headers: str):
    if signature is not None:
        headers["HTTP_STRIPE_SIGNATURE"] = signature
    return client.post(
        reverse("stripe-webhook"), data=body, content_type="application/json", **headers
    )


def signed(client: Client, body: str):
    return deliver(client, body, stripe_fakes.signature(body))


def test_a_webhook_replayed_three_times_records_one_gift_and_one_receipt(
    client, stripe_on, campaign, django_capture_on_commit_callbacks
):
    body = stripe_fakes.event(
        "checkout.session.completed", stripe_fakes.paid_session(campaign.pk, amount=2500)
    )

    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            assert signed(client, body).status_code == 200

    gift = Gift.objects.get()
    assert (gift.amount, gift.currency, gift.source) == (Decimal("25.00"), "GBP", "online")
    assert (gift.frequency, gift.stripe_payment) == ("one_off", "cs_test_a1")
    assert gift.donor_name == "Morwenna Pascoe"  # what the donor typed, not the card's name
    assert gift.campaign == campaign
    assert len(mail.outbox) == 1


def test_the_same_payment_signed_anew_is_still_one_gift(client, stripe_on, campaign):
    # Stripe's retries carry a fresh timestamp and signature; the payment is still one.
    data = stripe_fakes.paid_session(campaign.pk)
    signed(client, stripe_fakes.event("checkout.session.completed", data, event_id="evt_1"))
    time.sleep(1)  # a later second, so a new signature
    signed(client, stripe_fakes.event("checkout.session.completed", data, event_id="evt_1"))
    assert Gift.objects.count() == 1


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "t=123,v1=deadbeef",
        "v1=only-a-signature",
        "nonsense",
        "wrong secret",
        "too old",
    ],
)
def test_a_bad_or_missing_signature_is_refused_with_400_and_nothing_is_recorded(
    client, stripe_on, campaign, signature, caplog
):
    body = stripe_fakes.event("checkout.session.completed", stripe_fakes.paid_session(campaign.pk))
    if signature == "wrong secret":
        signature = stripe_fakes.signature(body, secret="whsec_someone_else")
    elif signature == "too old":  # a captured call replayed after Stripe's five minutes
        signature = stripe_fakes.signature(body, at=int(time.time()) - 301)

    with caplog.at_level(logging.WARNING):
        response = deliver(client, body, signature)

    assert response.status_code == 400
    assert Gift.objects.count() == 0
    assert len(mail.outbox) == 0
    assert "signature" in caplog.text


def test_a_body_changed_after_signing_is_refused(client, stripe_on, campaign):
    body = stripe_fakes.event("checkout.session.completed", stripe_fakes.paid_session(campaign.pk))
    forged = body.replace('"amount_total": 2500', '"amount_total": 2500000')
    assert deliver(client, forged, stripe_fakes.signature(body)).status_code == 400
    assert Gift.objects.count() == 0


def test_a_signed_body_that_is_not_json_is_refused(client, stripe_on):
    assert signed(client, "not json").status_code == 400


def test_the_webhook_is_off_without_stripe_keys(client, campaign, settings):
    settings.NEWSROOM_ONLINE_GIFTS = False
    body = stripe_fakes.event("checkout.session.completed", stripe_fakes.paid_session(campaign.pk))
    assert signed(client, body).status_code == 404
    assert Gift.objects.count() == 0


def test_the_webhook_refuses_get(client, stripe_on):
    assert client.get(reverse("stripe-webhook")).status_code == 405


def test_a_monthly_gift_is_one_gift_a_month_whichever_event_comes_first(
    client, stripe_on, campaign
):
    first = stripe_fakes.paid_invoice(
        campaign.pk, invoice_id="in_first", reason="subscription_create"
    )
    session = stripe_fakes.paid_session(
        campaign.pk,
        session_id="cs_test_monthly",
        amount=1000,
        mode="subscription",
        invoice="in_first",
        subscription="sub_test_1",
    )
    # The first invoice's event may come before the session's; both name the same payment.
    signed(client, stripe_fakes.event("invoice.paid", first, event_id="evt_a"))
    signed(client, stripe_fakes.event("checkout.session.completed", session, event_id="evt_b"))
    assert Gift.objects.count() == 1

    renewal = stripe_fakes.paid_invoice(campaign.pk, invoice_id="in_second")
    for _ in range(2):
        signed(client, stripe_fakes.event("invoice.paid", renewal, event_id="evt_c"))

    gifts = list(Gift.objects.order_by("pk"))
    assert [g.stripe_payment for g in gifts] == ["in_first", "in_second"]
    assert {g.frequency for g in gifts} == {"monthly"}
    assert {g.stripe_subscription for g in gifts} == {"sub_test_1"}
    assert sum(g.amount for g in gifts) == Decimal("20.00")


def test_an_invoice_of_another_product_on_the_account_is_not_a_gift(client, stripe_on, campaign):
    invoice = stripe_fakes.paid_invoice(campaign.pk, invoice_id="in_shop")
    invoice["parent"]["subscription_details"]["metadata"] = {"order": "mug"}
    assert signed(client, stripe_fakes.event("invoice.paid", invoice)).status_code == 200
    assert Gift.objects.count() == 0


def test_an_unpaid_session_is_not_a_gift_until_its_payment_succeeds(client, stripe_on, campaign):
    unpaid = stripe_fakes.paid_session(campaign.pk, payment_status="unpaid")
    signed(client, stripe_fakes.event("checkout.session.completed", unpaid))
    assert Gift.objects.count() == 0
    paid = stripe_fakes.paid_session(campaign.pk)
    signed(client, stripe_fakes.event("checkout.session.async_payment_succeeded", paid))
    assert Gift.objects.count() == 1


def test_a_payment_in_another_currency_is_acknowledged_not_recorded(
    client, stripe_on, campaign, caplog
):
    body = stripe_fakes.event(
        "checkout.session.completed", stripe_fakes.paid_session(campaign.pk, currency="eur")
    )
    with caplog.at_level(logging.ERROR):
        assert signed(client, body).status_code == 200  # a retry would not change it
    assert Gift.objects.count() == 0
    assert "cs_test_a1" in caplog.text  # the desk can find it in Stripe


def test_other_events_are_acknowledged(client, stripe_on):
    body = stripe_fakes.event("customer.created", {"id": "cus_1", "object": "customer"})
    assert signed(client, body).status_code == 200
    assert Gift.objects.count() == 0


def test_the_receipt_has_a_plain_text_and_an_html_part(
    client, stripe_on, campaign, django_capture_on_commit_callbacks
):
    body = stripe_fakes.event(
        "checkout.session.completed", stripe_fakes.paid_session(campaign.pk, amount=4250)
    )
    with django_capture_on_commit_callbacks(execute=True):
        signed(client, body)

    (message,) = mail.outbox
    assert message.to == ["morwenna@example.test"]
    assert message.subject == "Thank you for your gift to The Harbour Gazette"
    assert "Dear Morwenna Pascoe," in message.body
    assert "£42.50" in message.body
    assert "Keep the estuary desk open" in message.body
    assert "cs_test_a1" in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert "<strong>£42.50</strong>" in html


def test_an_anonymous_gift_has_a_receipt_without_a_name(
    client, stripe_on, campaign, django_capture_on_commit_callbacks
):
    body = stripe_fakes.event(
        "checkout.session.completed", stripe_fakes.paid_session(campaign.pk, name="")
    )
    with django_capture_on_commit_callbacks(execute=True):
        signed(client, body)
    assert Gift.objects.get().donor_display == "Anonymous"
    assert mail.outbox[0].body.startswith("Hello,")


def test_donors_names_and_addresses_stay_out_of_the_logs(
    client, stripe_on, campaign, caplog, django_capture_on_commit_callbacks
):
    body = stripe_fakes.event("checkout.session.completed", stripe_fakes.paid_session(campaign.pk))
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        signed(client, body)
    assert "recorded as gift" in caplog.text
    assert "morwenna@example.test" not in caplog.text
    assert "Morwenna" not in caplog.text


def test_a_mail_server_that_is_down_keeps_the_gift(
    client, stripe_on, campaign, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody there
    body = stripe_fakes.event("checkout.session.completed", stripe_fakes.paid_session(campaign.pk))
    with django_capture_on_commit_callbacks(execute=True):
        assert signed(client, body).status_code == 200
    assert Gift.objects.count() == 1


@pytest.fixture
def shared_database(tmp_path):
    """The test database as several connections see it at once. PostgreSQL's test database
    already is; SQLite's is in memory, where threads cannot wait for each other's locks, so it
    is copied to a file that the workers' own connections open with the site's settings
    (WAL, busy timeout, immediate transactions), as gunicorn's workers would."""
    if connection.vendor != "sqlite":
        yield lambda: Gift.objects.count()
        return
    connection.ensure_connection()
    path = tmp_path / "gifts.sqlite3"
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    # In WAL already, as a site's database is from its first migrate on: a copy of the
    # in-memory database has a rollback journal, and four connections switching it to WAL at
    # once fail with "database is locked" whatever the busy timeout (which is what CI saw).
    copy.execute("PRAGMA journal_mode=WAL")
    copy.close()
    default = connections.settings["default"]
    in_memory = default["NAME"]
    default["NAME"] = str(path)
    try:
        yield (
            lambda: (
                sqlite3.connect(path).execute("SELECT COUNT(*) FROM newsroom_gift").fetchone()[0]
            )
        )
    finally:
        default["NAME"] = in_memory


@pytest.mark.django_db(transaction=True)
def test_two_workers_receiving_the_same_payment_at_once_record_one_gift(campaign, shared_database):
    """Stripe may deliver one event to two workers at once: the unique key settles it."""
    payment = online_gifts._from_session(stripe_fakes.paid_session(campaign.pk))
    assert payment is not None
    start = threading.Barrier(4)
    results: list[object] = []

    def worker() -> None:
        try:
            start.wait()
            results.append(online_gifts.record_payment(payment))
        except Exception as error:  # reported by the assertion below
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert all(isinstance(result, Gift) for result in results), results
    assert len({result.pk for result in results}) == 1  # type: ignore[attr-defined]
    assert shared_database() == 1
