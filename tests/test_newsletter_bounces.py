"""Bounces and complaints from an e-mail service, posted to anymail's tracking webhook as
the service posts them (Postmark's format here, with its HTTP basic auth)."""

from __future__ import annotations

import base64
import json

import pytest
from django.urls import reverse

from newsletter.models import Subscription
from tests.newsletters import confirmed_readers, morning_tide

pytestmark = pytest.mark.django_db

SECRET = "postmark:harbour-webhook-secret"
WEBHOOK = reverse("anymail:postmark_tracking_webhook")


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    settings.NEWSLETTER_ESP = "postmark"


def bounce(email: str, kind: str = "HardBounce", record: str = "Bounce") -> dict:
    """A Postmark bounce webhook body, as its documentation shows one."""
    return {
        "RecordType": record,
        "MessageStream": "broadcast",
        "ID": 4323372036854775807,
        "Type": kind,
        "TypeCode": 1,
        "Name": "Hard bounce",
        "Tag": "newsletter",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": {},
        "ServerID": 23,
        "Description": "The server was unable to deliver your message "
        "(ex: unknown user, mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email,
        "From": "newsroom@harbour.example",
        "BouncedAt": "2026-12-02T10:02:59Z",
        "DumpAvailable": False,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "The Morning Tide — 2 December 2026",
    }


def post(client, payload: dict, secret: str = SECRET):
    auth = base64.b64encode(secret.encode()).decode()
    return client.post(
        WEBHOOK,
        json.dumps(payload),
        content_type="application/json",
        headers={"Authorization": f"Basic {auth}"},
    )


def test_a_hard_bounce_takes_the_address_off_every_list(client):
    tide, anchor = morning_tide(), morning_tide(name="The Weekly Anchor", slug="anchor")
    (reader,) = confirmed_readers(tide, 1)
    Subscription.objects.create(subscriber=reader, newsletter=anchor, status="pending")
    response = post(client, bounce("Reader0@Harbour.example"))
    assert response.status_code == 200
    statuses = set(Subscription.objects.filter(subscriber=reader).values_list("status", flat=True))
    assert statuses == {Subscription.Status.BOUNCED}
    assert Subscription.objects.filter(ended_at__isnull=False).count() == 2


def test_a_spam_complaint_takes_the_address_off(client):
    (reader,) = confirmed_readers(morning_tide(), 1)
    payload = bounce(reader.email, kind="SpamComplaint", record="SpamComplaint")
    assert post(client, payload).status_code == 200
    assert Subscription.objects.get().status == Subscription.Status.COMPLAINED


def test_soft_bounces_count_and_only_the_third_ends_the_subscription(client):
    (reader,) = confirmed_readers(morning_tide(), 1)
    for _ in range(2):
        post(client, bounce(reader.email, kind="SoftBounce"))
    assert Subscription.objects.get().status == Subscription.Status.CONFIRMED
    post(client, bounce(reader.email, kind="SoftBounce"))
    assert Subscription.objects.get().status == Subscription.Status.BOUNCED


def test_a_forged_bounce_without_the_secret_changes_nothing(client):
    (reader,) = confirmed_readers(morning_tide(), 1)
    assert post(client, bounce(reader.email), secret="postmark:guess").status_code == 400
    assert Subscription.objects.get().status == Subscription.Status.CONFIRMED


def test_a_bounce_for_an_unknown_address_is_accepted_and_ignored(client):
    confirmed_readers(morning_tide(), 1)
    assert post(client, bounce("nobody@elsewhere.example")).status_code == 200
    assert Subscription.objects.get().status == Subscription.Status.CONFIRMED


def test_without_a_configured_secret_the_webhook_is_closed(client, settings):
    from importlib import reload

    from newsroom import settings as site_settings

    (reader,) = confirmed_readers(morning_tide(), 1)
    # The default when NEWSLETTER_WEBHOOK_SECRET is unset: a random secret nobody knows.
    reload(site_settings)
    settings.ANYMAIL = site_settings.ANYMAIL
    assert settings.ANYMAIL["WEBHOOK_SECRET"].startswith("closed:")
    assert post(client, bounce(reader.email), secret="postmark:").status_code == 400
    assert Subscription.objects.get().status == Subscription.Status.CONFIRMED
