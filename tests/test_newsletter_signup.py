"""Signing up for the newsletter: the box on cached pages, double opt-in, links that expire
or were tampered with, and answers that never say whether an address is known."""

from __future__ import annotations

import datetime as dt
import logging
import time

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles.request_ip import within_hourly_limit
from newsletter import sending, tokens
from newsletter.composing import compose_edition
from newsletter.models import Subscriber, Subscription
from tests.factories import published_article
from tests.newsletters import link_in, morning_tide
from tests.signing_in import browser, csrf_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_waiting(settings):
    # The clock cannot be passed through a form; a reader here types instantly.
    settings.NEWSLETTER_MIN_SECONDS = 0


@pytest.fixture(autouse=True)
def _commits(django_capture_on_commit_callbacks, monkeypatch):
    """Each request's transaction commits, so the mail it scheduled after commit goes out
    (the test's own transaction would otherwise hold it back)."""
    post = Client.post

    def committing_post(self, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post(self, *args, **kwargs)

    monkeypatch.setattr(Client, "post", committing_post)


def sign_up_from_box(client: Client, email: str, **extra: str):
    """What newsletter.js does: fetch the token, then post the box."""
    token = client.get(reverse("newsletter:form_token")).json()
    fields = {"email": email, "csrfmiddlewaretoken": token["csrf_token"], "stamp": token["stamp"]}
    return client.post(reverse("newsletter:subscribe"), {**fields, **extra})


def test_the_cached_story_page_carries_the_box_without_a_token():
    morning_tide()
    story = published_article(headline="Harbour wall repaired")
    reader = browser()
    first = reader.get(story.get_absolute_url())
    second = reader.get(story.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    html = second.content.decode()
    assert 'action="/newsletter/subscribe/"' in html
    assert 'name="csrfmiddlewaretoken" value=""' in html
    assert "csrftoken" not in first.cookies
    assert reader.get("/")["X-Page-Cache"] == "miss"
    assert 'action="/newsletter/subscribe/"' in reader.get("/").content.decode()


def test_signing_up_sends_only_a_confirmation_and_no_edition_before_it_is_clicked(editor):
    tide = morning_tide()
    reader = browser()
    response = sign_up_from_box(reader, "Nell.Reader@Harbour.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("newsletter:check_inbox")
    (confirmation,) = mail.outbox
    assert confirmation.to == ["nell.reader@harbour.example"]
    assert "Confirm your subscription" in confirmation.subject
    subscription = Subscription.objects.get()
    assert subscription.status == Subscription.Status.PENDING

    # An edition sent now does not reach a reader who has not confirmed.
    published_article(headline="Ferry timetable changes")
    edition = compose_edition(tide)
    edition.approve(by=editor)
    assert sending.send_edition(edition).sent == 0
    assert len(mail.outbox) == 1

    # The link asks first (mail scanners open links); the button confirms.
    link = link_in(confirmation, "confirm")
    page = reader.get(link)
    assert "Yes, sign me up" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PENDING
    done = reader.post(link, {"csrfmiddlewaretoken": csrf_token(page)})
    assert "You are on the list" in done.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED
    assert subscription.confirmed_at is not None

    # Confirming twice is harmless.
    again = reader.post(link, {"csrfmiddlewaretoken": csrf_token(reader.get(link))})
    assert again.status_code == 200
    assert Subscription.objects.get().confirmed_at == subscription.confirmed_at

    later = compose_edition(tide)
    later.approve(by=editor)
    published_article(headline="Lighthouse reopens")
    assert sending.send_edition(later).sent == 1


def test_an_expired_link_is_refused_and_offers_a_new_one(monkeypatch, settings):
    morning_tide()
    reader = browser()
    # The link was mailed four days ago; it lasts three.
    four_days_ago = time.time() - 4 * 24 * 3600
    with monkeypatch.context() as clock:
        clock.setattr("django.core.signing.time.time", lambda: four_days_ago)
        sign_up_from_box(reader, "late@harbour.example")
    link = link_in(mail.outbox[0], "confirm")
    settings.NEWSLETTER_CONFIRM_RESEND_SECONDS = 0

    page = reader.get(link)
    assert page.status_code == 400
    assert "This link has expired" in page.content.decode()
    refused = reader.post(link, {"csrfmiddlewaretoken": csrf_token(page)})
    assert refused.status_code == 400
    assert Subscription.objects.get().status == Subscription.Status.PENDING

    renewed = reader.post(
        reverse("newsletter:renew"),
        {"token": link.split("/")[-2], "csrfmiddlewaretoken": csrf_token(page)},
    )
    assert renewed["Location"] == reverse("newsletter:check_inbox")
    assert len(mail.outbox) == 2
    fresh = link_in(mail.outbox[1], "confirm")
    assert reader.get(fresh).status_code == 200


def test_a_tampered_link_is_refused_with_the_form_to_start_again():
    morning_tide()
    reader = browser()
    sign_up_from_box(reader, "nell@harbour.example")
    link = link_in(mail.outbox[0], "confirm")
    subscriber = Subscriber.objects.get()
    forged = tokens.confirmation_token(subscriber.pk, [1]).rsplit(":", 1)[0] + ":forged"
    for bad in [link[:-6] + "xxxxx/", reverse("newsletter:confirm", args=[forged])]:
        page = reader.get(bad)
        assert page.status_code == 400
        html = page.content.decode()
        assert "This link does not work" in html
        assert 'action="/newsletter/subscribe/"' in html
    assert Subscription.objects.get().status == Subscription.Status.PENDING


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(editor, settings):
    settings.NEWSLETTER_CONFIRM_RESEND_SECONDS = 0
    morning_tide()
    reader = browser()
    sign_up_from_box(reader, "known@harbour.example")
    subscription = Subscription.objects.get()
    subscription.confirm()
    mail.outbox.clear()

    known = sign_up_from_box(browser(), "known@harbour.example")
    unknown = sign_up_from_box(browser(), "stranger@harbour.example")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    page = browser().get(known["Location"]).content.decode()
    assert "known@harbour.example" not in page
    # Both requests hand one mail to the server (the same work, so the same time): the
    # stranger their confirmation, the confirmed reader a note with the way out.
    already, confirmation = mail.outbox
    assert already.to == ["known@harbour.example"]
    assert "already subscribed" in already.subject
    assert "The Morning Tide" in already.body
    leave = link_in(already, "unsubscribe")
    assert confirmation.to == ["stranger@harbour.example"]
    assert "Confirm your subscription" in confirmation.subject
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED  # nothing changed by asking
    assert browser().post(leave).status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.UNSUBSCRIBED


def test_the_already_subscribed_note_keeps_the_same_limits(settings):
    morning_tide()
    sign_up_from_box(browser(), "known@harbour.example")
    Subscription.objects.get().confirm()
    mail.outbox.clear()
    # Within NEWSLETTER_CONFIRM_RESEND_SECONDS of the confirmation: nothing more is sent.
    sign_up_from_box(browser(), "known@harbour.example")
    assert mail.outbox == []
    settings.NEWSLETTER_CONFIRM_RESEND_SECONDS = 0
    settings.NEWSLETTER_CONFIRMS_PER_DAY = 2
    sign_up_from_box(browser(), "known@harbour.example")
    sign_up_from_box(browser(), "known@harbour.example")
    assert len(mail.outbox) == 1  # the day's second mail; the third is held back


def test_a_second_sign_up_soon_after_sends_no_second_mail():
    morning_tide()
    sign_up_from_box(browser(), "eager@harbour.example")
    sign_up_from_box(browser(), "eager@harbour.example")
    sign_up_from_box(browser(), "EAGER@harbour.example")
    assert len(mail.outbox) == 1
    assert Subscriber.objects.count() == 1


def test_bots_are_told_the_same_and_nothing_is_stored_or_sent(settings):
    morning_tide()
    trap = sign_up_from_box(browser(), "bot@spam.example", website="http://spam.example")
    settings.NEWSLETTER_MIN_SECONDS = 30
    fast = sign_up_from_box(browser(), "fast@spam.example")
    assert trap["Location"] == fast["Location"] == reverse("newsletter:check_inbox")
    assert mail.outbox == []
    assert not Subscriber.objects.exists()


def reader_at(address: str) -> Client:
    """A reader's browser on the network address `address`."""
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=address)


TOO_MANY = "Too many sign-ups have come from your connection in the last hour."


def test_one_machine_cannot_sign_up_more_addresses_than_the_hours_limit(settings, caplog):
    settings.NEWSLETTER_SIGNUPS_PER_HOUR = 3
    morning_tide()
    for name in ["ada", "bryn", "cerys"]:
        response = sign_up_from_box(reader_at("203.0.113.40"), f"{name}@harbour.example")
        assert response["Location"] == reverse("newsletter:check_inbox")
    assert len(mail.outbox) == 3

    with caplog.at_level(logging.INFO, logger="newsletter"):
        refused = sign_up_from_box(reader_at("203.0.113.40"), "dilys@harbour.example")
    assert refused.status_code == 429
    html = refused.content.decode()
    assert TOO_MANY in html
    assert 'value="dilys@harbour.example"' in html  # the form comes back with the address
    assert 'name="csrfmiddlewaretoken" value="' in html  # and a token to try again with
    assert "203.0.113.40" not in html
    assert not Subscriber.objects.filter(email="dilys@harbour.example").exists()
    assert Subscriber.objects.count() == Subscription.objects.count() == 3
    assert len(mail.outbox) == 3
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "too many" in logged
    assert "dilys" not in logged and "203.0.113.40" not in logged

    # Another machine is not held back by that one.
    other = sign_up_from_box(reader_at("198.51.100.12"), "dilys@harbour.example")
    assert other["Location"] == reverse("newsletter:check_inbox")
    assert Subscriber.objects.filter(email="dilys@harbour.example").exists()
    assert len(mail.outbox) == 4


def test_the_hours_limit_starts_again_the_next_hour(settings):
    settings.NEWSLETTER_SIGNUPS_PER_HOUR = 1
    morning_tide()
    sign_up_from_box(reader_at("203.0.113.41"), "elin@harbour.example")
    assert sign_up_from_box(reader_at("203.0.113.41"), "ffion@harbour.example").status_code == 429
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.41")
    next_hour = timezone.now() + dt.timedelta(hours=1)
    assert within_hourly_limit(request, form="newsletter-signup", limit=1, now=next_hour)


def test_behind_the_proxy_readers_are_counted_by_their_own_addresses(settings):
    settings.NEWSLETTER_SIGNUPS_PER_HOUR = 1
    settings.NEWSROOM_BEHIND_PROXY = True
    morning_tide()
    # Every connection comes from nginx on 127.0.0.1; X-Real-IP names the reader.
    first = Client(enforce_csrf_checks=True, HTTP_X_REAL_IP="203.0.113.42")
    second = Client(enforce_csrf_checks=True, HTTP_X_REAL_IP="203.0.113.43")
    assert sign_up_from_box(first, "gwen@harbour.example").status_code == 302
    assert sign_up_from_box(second, "hywel@harbour.example").status_code == 302
    assert sign_up_from_box(first, "iolo@harbour.example").status_code == 429
    assert Subscriber.objects.count() == 2


def test_without_javascript_the_box_leads_to_the_page_with_a_token():
    morning_tide()
    reader = browser()
    reader.get("/")
    # The cached box posts an empty token: the reader gets the page back to sign up again.
    response = reader.post(
        reverse("newsletter:subscribe"),
        {"email": "nojs@harbour.example", "csrfmiddlewaretoken": "", "stamp": ""},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please check your address and sign up again." in html
    assert 'value="nojs@harbour.example"' in html
    assert (
        response["Cache-Control"].startswith("private") or "no-store" in response["Cache-Control"]
    )
    assert mail.outbox == []
    fields = {
        "email": "nojs@harbour.example",
        "csrfmiddlewaretoken": csrf_token(response),
        "stamp": tokens.issue_stamp(),
    }
    assert reader.post(reverse("newsletter:subscribe"), fields).status_code == 302
    assert len(mail.outbox) == 1


def test_a_post_without_the_csrf_token_signs_nobody_up_even_with_a_stamp():
    morning_tide()
    reader = browser()
    reader.get(reverse("newsletter:form_token"))  # has the cookie, but posts no token
    fields = {"email": "forged@harbour.example", "stamp": tokens.issue_stamp()}
    response = reader.post(reverse("newsletter:subscribe"), fields)
    assert response.status_code == 200
    assert "Please check your address and sign up again." in response.content.decode()
    assert mail.outbox == []
    assert not Subscriber.objects.exists()


def test_the_newsletter_page_lists_the_active_lists_and_is_cached_until_a_list_changes():
    morning_tide(description="The day's harbour news before breakfast.")
    weekly = morning_tide(
        name="The Weekly Anchor", slug="weekly-anchor", frequency="weekly", in_signup_box=False
    )
    morning_tide(name="Closed list", slug="closed", is_active=False)
    story = published_article(headline="Ferry timetable changes")
    reader = browser()
    reader.get(story.get_absolute_url())
    first = reader.get(reverse("newsletter:page"))
    html = first.content.decode()
    assert "The Morning Tide" in html and "The Weekly Anchor" in html
    assert "Closed list" not in html
    # The same page for everyone: no token, no cookie, indexable; the script fetches the token.
    assert 'name="csrfmiddlewaretoken" value=""' in html
    assert "csrftoken" not in first.cookies
    assert "noindex" not in html
    assert reader.get(reverse("newsletter:page"))["X-Page-Cache"] == "hit"

    weekly.name = "The Saturday Anchor"
    weekly.save()

    again = reader.get(reverse("newsletter:page"))
    assert again["X-Page-Cache"] == "miss"
    assert "The Saturday Anchor" in again.content.decode()
    # A list is on no other page: the story stays cached.
    assert reader.get(story.get_absolute_url())["X-Page-Cache"] == "hit"


def test_a_sign_up_or_a_subscriber_invalidates_no_page():
    morning_tide()
    reader = browser()
    reader.get(reverse("newsletter:page"))
    sign_up_from_box(browser(), "quiet@harbour.example")
    assert Subscriber.objects.count() == 1
    assert reader.get(reverse("newsletter:page"))["X-Page-Cache"] == "hit"


def test_choosing_a_list_on_the_page_joins_that_list_only():
    morning_tide()
    weekly = morning_tide(name="The Weekly Anchor", slug="weekly-anchor", in_signup_box=False)
    reader = browser()
    page = reader.get(reverse("newsletter:page"))
    assert f'value="{weekly.pk}"' in page.content.decode()
    token = reader.get(reverse("newsletter:form_token")).json()  # what newsletter.js fetches
    fields = {
        "email": "weekly@harbour.example",
        "newsletters": [str(weekly.pk)],
        "csrfmiddlewaretoken": token["csrf_token"],
        "stamp": token["stamp"],
    }
    reader.post(reverse("newsletter:subscribe"), fields)
    assert list(Subscription.objects.values_list("newsletter__slug", flat=True)) == [
        "weekly-anchor"
    ]


def test_the_box_joins_the_first_list_when_none_is_ticked_for_it():
    morning_tide(in_signup_box=False)
    sign_up_from_box(browser(), "first@harbour.example")
    assert Subscription.objects.get().newsletter.slug == "morning-tide"


def test_with_no_list_at_all_the_box_says_so_and_stores_nothing():
    response = sign_up_from_box(browser(), "early@harbour.example")
    assert "We have no newsletter at the moment." in response.content.decode()
    assert not Subscriber.objects.exists()


def test_a_bad_address_is_refused_with_words_not_a_500():
    morning_tide()
    response = sign_up_from_box(browser(), "not an address" + "x" * 300)
    assert response.status_code == 400
    assert "Please correct the errors below." in response.content.decode()
    assert not Subscriber.objects.exists()


def test_the_wrong_methods_are_refused():
    reader = browser()
    assert reader.get(reverse("newsletter:subscribe")).status_code == 405
    assert reader.get(reverse("newsletter:renew")).status_code == 405
    assert reader.post(reverse("newsletter:check_inbox")).status_code in {403, 405}


def test_the_confirmation_lifetime_is_a_setting(settings):
    assert settings.NEWSLETTER_CONFIRM_MAX_AGE == 3 * 24 * 3600
    assert dt.timedelta(seconds=settings.NEWSLETTER_CONFIRM_MAX_AGE).days == 3
