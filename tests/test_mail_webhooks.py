"""The e-mail services' bounce webhooks: only NEWSLETTER_ESP's is answered, and no request to
any of anymail's tracking addresses is a 500 or a mail to the admins, whatever it carries."""

from __future__ import annotations

import base64

import pytest
from anymail.exceptions import AnymailConfigurationError
from django.core import mail
from django.urls import reverse

from newsroom.mail_webhooks import service_of, tracking_patterns
from tests.test_settings import PRODUCTION, manage

pytestmark = pytest.mark.django_db

SECRET = "tracker:lighthouse-keepers-secret"
PATTERNS = tracking_patterns()
SERVICES = sorted({service_of(p) for p in PATTERNS})
GARBAGE = [
    ("application/json", "nope"),
    ("application/json", "{}"),
    ("application/json", "[]"),
    ("application/json", '{"RecordType": ["Bounce"], "Email": {"a": 1}}'),
    ("application/x-www-form-urlencoded", "mandrill_events=%5B%7B"),
    ("text/plain", "\x00\xff"),
]


def auth(secret: str = SECRET) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(secret.encode()).decode()}


def url(service: str) -> str:
    return reverse(f"anymail:{service}_tracking_webhook")


@pytest.fixture(autouse=True)
def _mailed_admins(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    settings.ADMINS = [("Night desk", "night-desk@example.test")]
    yield
    assert [m.to for m in mail.outbox] == []  # nothing of this is the admins' business


def test_the_tracking_addresses_are_anymails_own():
    assert {p.name for p in PATTERNS} >= {"postmark_tracking_webhook", "mailgun_tracking_webhook"}
    assert len(PATTERNS) >= 14


@pytest.mark.parametrize("service", SERVICES)
def test_without_an_esp_every_webhook_is_missing(client, settings, service):
    settings.NEWSLETTER_ESP = ""
    assert client.get(url(service)).status_code == 404
    for content_type, body in GARBAGE:
        response = client.post(url(service), body, content_type=content_type, headers=auth())
        assert response.status_code == 404


@pytest.mark.parametrize("service", SERVICES)
def test_another_services_webhook_is_missing(client, settings, service):
    settings.NEWSLETTER_ESP = "sparkpost" if service == "postmark" else "postmark"
    response = client.post(url(service), "{}", content_type="application/json", headers=auth())
    assert response.status_code == 404


@pytest.mark.parametrize("service", ["amazon_ses", "brevo", "mailjet", "mailtrap", "postmark",
                                     "resend", "sendgrid", "sparkpost"])  # fmt: skip
def test_the_configured_service_refuses_garbage_with_a_400(client, settings, service):
    settings.NEWSLETTER_ESP = service
    assert client.get(url(service)).status_code == 405
    for content_type, body in GARBAGE:
        for headers in ({}, auth("tracker:wrong"), auth()):
            response = client.post(url(service), body, content_type=content_type, headers=headers)
            assert response.status_code in {200, 400, 401, 403}, (body, headers)
            if headers != auth():
                assert response.status_code in {400, 401, 403}, (body, headers)


def test_postmark_answers_a_body_that_is_not_json_with_a_400(client, settings):
    settings.NEWSLETTER_ESP = "postmark"
    response = client.post(url("postmark"), "nope", content_type="application/json", headers=auth())
    assert response.status_code == 400


@pytest.mark.parametrize("service", SERVICES)
def test_the_services_offered_are_those_that_need_only_the_secret(client, settings, service):
    """NEWSLETTER_ESPS against anymail itself: a listed service's webhook works with the
    basic-auth secret alone; one left out needs keys of its own and fails without them
    (which is why settings.py refuses to name it)."""
    settings.NEWSLETTER_ESP = service
    body = {"mandrill_events": "[]"} if service == "mandrill" else "{}"
    kind = "application/x-www-form-urlencoded" if service == "mandrill" else "application/json"
    if service == "sendinblue":  # anymail's deprecated name for Brevo: works, not offered
        assert "brevo" in settings.NEWSLETTER_ESPS
    elif service in settings.NEWSLETTER_ESPS:
        response = client.post(url(service), body, content_type=kind, headers=auth())
        assert response.status_code < 500
    else:
        with pytest.raises(AnymailConfigurationError):
            client.post(url(service), body, content_type=kind, headers=auth())
        mail.outbox.clear()  # the 500 this would be, mailed: what settings.py prevents


def test_a_service_newsroom_cannot_configure_stops_start_up():
    result = manage("check", env={**PRODUCTION, "NEWSLETTER_ESP": "mailgun"})
    assert result.returncode != 0
    assert "NEWSLETTER_ESP='mailgun' is not one of" in result.stderr
