"""A subscriber's rights: export_subscriber prints all we hold, erase_subscriber forgets it,
and no log line names an address."""

from __future__ import annotations

import json
import logging
from io import StringIO

import pytest
from django.core.management import call_command

from newsletter.models import Delivery, Subscriber, Subscription
from newsletter.signup import sign_up
from tests.newsletters import confirmed_readers, morning_tide

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_export_lists_the_subscriptions_and_deliveries(editor):
    from newsletter.composing import compose_edition

    tide = morning_tide()
    (reader,) = confirmed_readers(tide, 1)
    edition = compose_edition(tide)
    Delivery.objects.create(edition=edition, subscriber=reader, status="sent")
    data = json.loads(run("export_subscriber", "READER0@harbour.example"))
    assert data["subscriber"]["email"] == "reader0@harbour.example"
    assert data["subscriptions"][0]["newsletter"] == "The Morning Tide"
    assert data["subscriptions"][0]["status"] == "confirmed"
    assert data["deliveries"][0]["edition"] == edition.subject
    assert json.loads(run("export_subscriber", "stranger@harbour.example"))["subscriber"] is None


def test_erase_forgets_the_address_and_everything_tied_to_it():
    tide = morning_tide()
    keep, gone = confirmed_readers(tide, 2)
    assert "Erased" in run("erase_subscriber", gone.email)
    assert list(Subscriber.objects.all()) == [keep]
    assert Subscription.objects.count() == 1
    assert run("erase_subscriber", gone.email).strip() == "No such subscriber."


def test_no_log_line_names_the_address(caplog, django_capture_on_commit_callbacks):
    tide = morning_tide()
    with caplog.at_level(logging.DEBUG, logger="newsletter"):
        with django_capture_on_commit_callbacks(execute=True):
            sign_up(email="secret.reader@harbour.example", newsletters=[tide])
        sign_up(email="secret.reader@harbour.example", newsletters=[tide])
    assert caplog.records
    assert all("secret.reader" not in r.getMessage() for r in caplog.records)
    assert any("subscriber" in r.getMessage() for r in caplog.records)
