"""What keeps double opt-in and the sender honest against an editor's mistakes and old
links: subscribers' states and addresses in the admin, addresses unique in any case, one-line
subjects and list names, an edition that cannot be built held instead of blocking the rest,
and confirmation links that cannot undo a later unsubscribe or complaint."""

from __future__ import annotations

import io
import time
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsletter import privacy, sending
from newsletter.composing import compose_edition
from newsletter.mail import confirmation_message, unsubscribe_url
from newsletter.models import Delivery, Edition, Newsletter, Subscriber, Subscription
from tests.factories import published_article
from tests.newsletters import confirmed_readers, link_in, morning_tide
from tests.signing_in import browser, csrf_token
from tests.test_newsletter_bounces import bounce, post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _commits(django_capture_on_commit_callbacks, monkeypatch, settings):
    """Each request's transaction commits, so the mail it scheduled after commit goes out."""
    settings.NEWSLETTER_MIN_SECONDS = 0
    original = Client.post

    def committing_post(self, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(self, *args, **kwargs)

    monkeypatch.setattr(Client, "post", committing_post)


def evening_bell() -> Newsletter:
    return Newsletter.objects.create(name="The Evening Bell", slug="evening-bell")


def subscriber_form(subscriber: Subscriber, statuses: dict[int, str]) -> dict[str, str]:
    """The subscriber's change form as the admin posts it, with each subscription's status."""
    subscriptions = list(subscriber.subscriptions.order_by("pk"))
    data = {
        "email": "someone.else@harbour.example",  # not a field of the form: must be ignored
        "subscriptions-TOTAL_FORMS": str(len(subscriptions)),
        "subscriptions-INITIAL_FORMS": str(len(subscriptions)),
        "subscriptions-MIN_NUM_FORMS": "0",
        "subscriptions-MAX_NUM_FORMS": "1000",
    }
    for n, subscription in enumerate(subscriptions):
        data |= {
            f"subscriptions-{n}-id": str(subscription.pk),
            f"subscriptions-{n}-subscriber": str(subscriber.pk),
            f"subscriptions-{n}-status": statuses.get(subscription.pk, subscription.status),
        }
    return data


def test_an_editor_cannot_confirm_a_reader_or_change_their_address(editor_client):
    tide, bell = morning_tide(), evening_bell()
    (warm,) = confirmed_readers(tide, 1)
    left = warm.subscriptions.get()
    left.end(Subscription.Status.UNSUBSCRIBED)  # confirmed_at stays set
    waiting = Subscription.objects.create(subscriber=warm, newsletter=bell)
    url = reverse("admin:newsletter_subscriber_change", args=[warm.pk])

    page = editor_client.get(url).content.decode()
    assert 'name="email"' not in page
    assert 'value="confirmed"' not in page  # neither row offers "Confirmed"

    confirmed = Subscription.Status.CONFIRMED
    response = editor_client.post(url, subscriber_form(warm, {left.pk: confirmed}))
    assert response.status_code == 200
    assert "Only the reader&#x27;s confirmation link confirms" in response.content.decode()
    response = editor_client.post(url, subscriber_form(warm, {waiting.pk: confirmed}))
    assert response.status_code == 200  # a form error, not the CHECK constraint's 500
    assert "Only the reader&#x27;s confirmation link confirms" in response.content.decode()

    # Saved with the statuses as they are, the address posted alongside changes nothing.
    assert editor_client.post(url, subscriber_form(warm, {})).status_code == 302
    warm.refresh_from_db()
    assert warm.email == "reader0@harbour.example"
    left.refresh_from_db()
    waiting.refresh_from_db()
    assert (left.status, waiting.status) == ("unsubscribed", "pending")
    assert 'name="subscriptions-__prefix__-status"' not in page  # no list added by hand


def test_an_editor_can_unsubscribe_a_reader_who_asked(editor, editor_client):
    tide = morning_tide()
    asked, other = confirmed_readers(tide, 2)
    subscription = asked.subscriptions.get()
    url = reverse("admin:newsletter_subscriber_change", args=[asked.pk])
    response = editor_client.post(
        url, subscriber_form(asked, {subscription.pk: Subscription.Status.UNSUBSCRIBED})
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.UNSUBSCRIBED
    assert subscription.ended_at is not None
    published_article(headline="Quay lights repaired")
    edition = compose_edition(tide)
    edition.approve(by=editor)
    assert sending.send_edition(edition).sent == 1
    assert [m.to for m in mail.outbox] == [[other.email]]


def test_an_address_is_one_row_whatever_its_case():
    ann = Subscriber.objects.create(email="  Ann.Quay@Harbour.Example ")
    assert Subscriber.objects.get(pk=ann.pk).email == "ann.quay@harbour.example"
    bob = Subscriber.objects.create(email="bob@harbour.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        # Even an update that skips save() cannot make a second row for Ann's mailbox.
        Subscriber.objects.filter(pk=bob.pk).update(email="ANN.QUAY@harbour.example")


def test_erasure_and_bounces_find_an_address_stored_in_another_case(client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "postmark:harbour-webhook-secret"}
    settings.NEWSLETTER_ESP = "postmark"
    tide = morning_tide()
    mixed, bounced = confirmed_readers(tide, 2)
    # Rows written before addresses were lower-cased on every save.
    Subscriber.objects.filter(pk=mixed.pk).update(email="Reader0@Harbour.example")
    Subscriber.objects.filter(pk=bounced.pk).update(email="Reader1@Harbour.example")

    assert privacy.export("reader0@harbour.example")["subscriber"]["id"] == mixed.pk
    out = io.StringIO()
    call_command("erase_subscriber", "reader0@harbour.example", stdout=out)
    assert out.getvalue().startswith("Erased")
    assert not Subscriber.objects.filter(pk=mixed.pk).exists()
    assert not Subscription.objects.filter(subscriber_id=mixed.pk).exists()

    assert post(client, bounce("READER1@HARBOUR.EXAMPLE")).status_code == 200
    assert bounced.subscriptions.get().status == Subscription.Status.BOUNCED


@pytest.mark.django_db(transaction=True)
def test_the_migration_merges_rows_that_differ_only_in_case():
    executor = MigrationExecutor(connection)
    before = [("newsletter", "0002_roles")]
    after = [("newsletter", "0003_held_editions_one_line_names_addresses_unique_any_case")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    OldNewsletter = apps.get_model("newsletter", "Newsletter")
    OldSubscriber = apps.get_model("newsletter", "Subscriber")
    OldSubscription = apps.get_model("newsletter", "Subscription")
    tide = OldNewsletter.objects.create(name="The Morning Tide", slug="morning-tide")
    bell = OldNewsletter.objects.create(name="The Evening Bell", slug="evening-bell")
    now = timezone.now()
    genuine = OldSubscriber.objects.create(email="csrf1@harbour.example")
    copy = OldSubscriber.objects.create(email="CSRF1@harbour.example")
    lone = OldSubscriber.objects.create(email="Lone@Harbour.example")
    OldSubscription.objects.create(
        subscriber=genuine, newsletter=tide, status="unsubscribed", confirmed_at=now, ended_at=now
    )
    OldSubscription.objects.create(
        subscriber=copy, newsletter=tide, status="confirmed", confirmed_at=now
    )
    OldSubscription.objects.create(
        subscriber=copy, newsletter=bell, status="confirmed", confirmed_at=now
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "csrf1@harbour.example",
        "lone@harbour.example",
    ]
    assert Subscriber.objects.get(email="csrf1@harbour.example").pk == genuine.pk
    assert dict(
        Subscription.objects.filter(subscriber_id=genuine.pk).values_list(
            "newsletter__slug", "status"
        )
    ) == {"morning-tide": "unsubscribed", "evening-bell": "pending"}
    assert lone.pk in Subscriber.objects.values_list("pk", flat=True)


def test_a_subject_or_list_name_with_a_line_break_is_refused_with_words(editor, editor_client):
    tide = morning_tide()
    published_article(headline="Tide tables printed")
    edition = compose_edition(tide)
    url = reverse("admin:newsletter_edition_change", args=[edition.pk])
    start, end = timezone.localtime(edition.period_start), timezone.localtime(edition.period_end)
    data = {
        "newsletter": str(tide.pk),
        "subject": "Hello\r\nBcc: everyone@harbour.example",
        "period_start_0": start.strftime("%Y-%m-%d"),
        "period_start_1": start.strftime("%H:%M:%S"),
        "period_end_0": end.strftime("%Y-%m-%d"),
        "period_end_1": end.strftime("%H:%M:%S"),
        "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Use one line of text" in response.content.decode()
    edition.refresh_from_db()
    assert "Bcc" not in edition.subject

    list_url = reverse("admin:newsletter_newsletter_change", args=[tide.pk])
    response = editor_client.post(
        list_url,
        {
            "name": "Morning\nX-Injected: 1",
            "slug": tide.slug,
            "description": "",
            "frequency": "daily",
            "position": "0",
        },
    )
    assert response.status_code == 200
    assert "Use one line of text" in response.content.decode()
    tide.refresh_from_db()
    assert tide.name == "The Morning Tide"


def test_an_edition_that_cannot_be_built_is_held_and_the_others_still_go(editor, editor_client):
    tide = morning_tide()
    readers = confirmed_readers(tide, 3)
    published_article(headline="Harbour wall gives way")
    stuck = compose_edition(tide)
    stuck.approve(by=editor)
    # A subject saved before the validator existed.
    Edition.objects.filter(pk=stuck.pk).update(subject="Hello\nX-Injected: 1")
    later = compose_edition(tide)
    later.approve(by=editor)

    out, err = io.StringIO(), io.StringIO()
    call_command("send_newsletter", stdout=out, stderr=err)
    assert f"Edition {stuck.pk} is held and was not sent" in err.getvalue()
    assert "BadHeaderError" in err.getvalue()
    stuck.refresh_from_db()
    assert stuck.status == Edition.Status.HELD
    assert "could not be built" in stuck.held_reason
    assert not Delivery.objects.filter(edition=stuck).exists()  # nobody claimed or skipped
    later.refresh_from_db()
    assert later.status == Edition.Status.SENT
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)

    # The reason is on the edition's page; corrected and approved again, it goes to all.
    page = editor_client.get(reverse("admin:newsletter_edition_change", args=[stuck.pk]))
    assert "could not be built" in page.content.decode()
    assert (
        "Held: could not be sent"
        in editor_client.get(reverse("admin:newsletter_edition_changelist")).content.decode()
    )
    Edition.objects.filter(pk=stuck.pk).update(subject="Hello again")
    stuck.refresh_from_db()
    assert stuck.approve(by=editor)
    mail.outbox.clear()
    call_command("send_newsletter", stdout=io.StringIO(), stderr=io.StringIO())
    assert len(mail.outbox) == 3
    assert Delivery.objects.filter(edition=stuck, status=Delivery.Status.SENT).count() == 3


def test_a_test_send_that_cannot_be_built_says_so(editor_client):
    published_article(headline="Harbour wall gives way")
    edition = compose_edition(morning_tide())
    Edition.objects.filter(pk=edition.pk).update(subject="Hello\r\nBcc: all@harbour.example")
    response = editor_client.post(
        reverse("admin:newsletter_edition_send_test", args=[edition.pk]), follow=True
    )
    assert response.status_code == 200
    assert "The test could not be built" in response.content.decode()
    assert mail.outbox == []


def test_an_old_confirmation_link_does_not_undo_a_complaint_or_an_unsubscribe(
    client, monkeypatch, settings
):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "postmark:harbour-webhook-secret"}
    settings.NEWSLETTER_ESP = "postmark"
    settings.NEWSLETTER_CONFIRM_RESEND_SECONDS = 0
    morning_tide()
    reader = browser()
    token = reader.get(reverse("newsletter:form_token")).json()
    fields = {"csrfmiddlewaretoken": token["csrf_token"], "stamp": token["stamp"]}
    reader.post(reverse("newsletter:subscribe"), {"email": "alice@harbour.example", **fields})
    link = link_in(mail.outbox[0], "confirm")
    page = reader.get(link)
    reader.post(link, {"csrfmiddlewaretoken": csrf_token(page)})
    subscription = Subscription.objects.get()
    assert subscription.status == Subscription.Status.CONFIRMED

    complaint = {"RecordType": "SpamComplaint", "Email": "ALICE@harbour.example", "ID": 3}
    assert post(client, complaint).status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.COMPLAINED

    page = reader.get(link)
    assert page.status_code == 400
    assert "This link is older than your last change" in page.content.decode()
    again = reader.post(link, {"csrfmiddlewaretoken": csrf_token(page)})
    assert again.status_code == 400
    assert "You are on the list" not in again.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.COMPLAINED

    # Signing up again later sends a fresh link, and that one works.
    later = time.time() + 5
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    reader.post(reverse("newsletter:subscribe"), {"email": "alice@harbour.example", **fields})
    fresh = link_in(mail.outbox[-1], "confirm")
    page = reader.get(fresh)
    assert (
        "You are on the list"
        in reader.post(fresh, {"csrfmiddlewaretoken": csrf_token(page)}).content.decode()
    )
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED


def test_an_old_link_does_not_undo_an_unsubscribe():
    morning_tide()
    (alice,) = confirmed_readers(Newsletter.objects.get(), 1)
    subscription = alice.subscriptions.get()
    link = link_in(confirmation_message(alice, [subscription.newsletter]), "confirm")
    reader = browser()
    leave = urlsplit(unsubscribe_url(subscription.pk)).path
    assert "unsubscribed" in reader.post(leave).content.decode().lower()
    page = reader.get(link)
    assert "This link is older than your last change" in page.content.decode()
    reader.post(link, {"csrfmiddlewaretoken": csrf_token(page)})
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.UNSUBSCRIBED
