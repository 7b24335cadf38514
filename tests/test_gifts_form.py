"""The support page's gift form: offered only with Stripe set up, validated, and sent to Stripe
Checkout through the official library (its API server is the fake in tests/stripe_fakes.py,
whose fixtures `stripe_on` and `stripe_api` these tests use)."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
import stripe
from django.urls import reverse

from loopback.servers import free_port
from newsroom.gift_form import GiftForm
from newsroom.models import Gift
from tests import stripe_fakes
from tests.factories import SupportCampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return SupportCampaignFactory(goal=10000, raised=2500)


def give(client, **data: str):
    return client.post(reverse("support-give"), data)


def form(campaign, **data: str) -> GiftForm:
    return GiftForm({"frequency": "one_off", "amount": "10", **data}, campaign=campaign)


# --- Validation --------------------------------------------------------------------------------


def test_a_preset_amount_is_the_gift(campaign):
    f = form(campaign, amount="25")
    assert f.is_valid(), f.errors
    assert f.cleaned_data["gift_amount"] == Decimal("25")


def test_a_typed_amount_wins_over_the_preset_beside_it(campaign):
    f = form(campaign, amount="10", other_amount="12.50")
    assert f.is_valid(), f.errors
    assert f.cleaned_data["gift_amount"] == Decimal("12.50")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"amount": "other"}, "other_amount", "Type the amount you would like to give."),
        ({"amount": "other", "other_amount": "1.99"}, "other_amount", "from £2 to £5,000"),
        ({"amount": "other", "other_amount": "5000.01"}, "other_amount", "from £2 to £5,000"),
        ({"amount": "other", "other_amount": "lots"}, "other_amount", "Enter a number."),
        ({"amount": "other", "other_amount": "3.333"}, "other_amount", "2 decimal places"),
        ({"amount": "11"}, "amount", "Select a valid choice."),  # not a preset
        ({"frequency": "weekly"}, "frequency", "Select a valid choice."),
        ({"donor_name": "x" * 121}, "donor_name", "at most 120 characters"),
    ],
)
def test_the_form_says_what_is_wrong(campaign, data, field, message):
    f = form(campaign, **data)
    assert not f.is_valid()
    assert message in " ".join(f.errors[field])


def test_the_presets_are_in_the_campaigns_currency():
    f = GiftForm(campaign=SupportCampaignFactory(currency="EUR"))
    assert [label for _, label in f.fields["amount"].choices] == [
        "€5",
        "€10",
        "€25",
        "€50",
        "Another amount",
    ]


# --- The support page --------------------------------------------------------------------------


def test_the_support_page_offers_the_form_when_stripe_is_set_up(client, stripe_on, campaign):
    html = client.get(reverse("support")).content.decode()
    assert f'action="{reverse("support-give")}"' in html
    assert "Give online" in html
    assert "Monthly" in html
    assert "£25" in html
    assert 'href="https://harbour-gazette.example/donate"' in html  # the link stays


def test_the_support_page_with_the_form_is_still_cached(client, stripe_on, campaign):
    client.get(reverse("support"))
    response = client.get(reverse("support"))
    assert response["X-Page-Cache"] == "hit"
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_without_stripe_readers_see_only_the_donate_link(client, campaign, settings):
    settings.NEWSROOM_ONLINE_GIFTS = False
    html = client.get(reverse("support")).content.decode()
    assert "Give online" not in html
    assert "STRIPE_SECRET_KEY" not in html  # the note is for editors, not readers
    assert 'href="https://harbour-gazette.example/donate"' in html
    assert give(client, amount="10", frequency="one_off").status_code == 404


def test_without_stripe_editors_are_told_why_there_is_no_form(editor_client, campaign, settings):
    settings.NEWSROOM_ONLINE_GIFTS = False
    html = editor_client.get(reverse("support")).content.decode()
    assert "Only editors see this: online gifts are off" in html
    assert "STRIPE_SECRET_KEY" in html


def test_a_writer_is_not_shown_the_editors_note(writer_client, campaign, settings):
    settings.NEWSROOM_ONLINE_GIFTS = False
    assert "Only editors see this" not in writer_client.get(reverse("support")).content.decode()


# --- To Stripe Checkout ------------------------------------------------------------------------


def test_a_one_off_gift_goes_to_a_stripe_checkout_session(client, stripe_on, stripe_api, campaign):
    response = give(client, frequency="one_off", amount="other", other_amount="12.50",
                    donor_name="Morwenna Pascoe")  # fmt: skip

    assert response.status_code == 303
    assert response["Location"] == "https://checkout.stripe.com/c/pay/cs_test_1"
    (sent,) = stripe_api.requests
    assert sent["_auth"] == [f"Bearer {stripe_fakes.SECRET_KEY}"]
    assert sent["mode"] == ["payment"]
    assert sent["submit_type"] == ["donate"]
    assert sent["line_items[0][price_data][unit_amount]"] == ["1250"]
    assert sent["line_items[0][price_data][currency]"] == ["gbp"]
    assert sent["metadata[campaign]"] == [str(campaign.pk)]
    assert sent["metadata[donor_name]"] == ["Morwenna Pascoe"]
    assert sent["success_url"][0].endswith(reverse("support-thanks"))
    assert sent["cancel_url"][0].endswith(reverse("support-cancelled"))
    assert Gift.objects.filter(source="online").count() == 0  # only the webhook records


def test_a_monthly_gift_is_a_subscription_carrying_the_campaign(
    client, stripe_on, stripe_api, campaign
):
    assert give(client, frequency="monthly", amount="10").status_code == 303
    (sent,) = stripe_api.requests
    assert sent["mode"] == ["subscription"]
    assert sent["line_items[0][price_data][recurring][interval]"] == ["month"]
    assert sent["line_items[0][price_data][unit_amount]"] == ["1000"]
    assert sent["subscription_data[metadata][campaign]"] == [str(campaign.pk)]
    assert "submit_type" not in sent


def test_a_wrong_amount_comes_back_with_the_error_and_nothing_sent(
    client, stripe_on, stripe_api, campaign
):
    response = give(client, frequency="one_off", amount="other", other_amount="1")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose an amount from £2 to £5,000." in html
    assert 'value="1"' in html  # what the reader typed is kept
    assert stripe_api.requests == []


@pytest.mark.parametrize("failure", ["refused", "unreachable"])
def test_stripe_failing_gives_clear_words_not_an_error_page(
    client, stripe_on, stripe_api, campaign, monkeypatch, failure
):
    if failure == "refused":
        stripe_api.status = 400
    else:
        monkeypatch.setattr(stripe, "api_base", f"http://127.0.0.1:{free_port()}")  # nobody there
    response = give(client, frequency="one_off", amount="25")
    assert response.status_code == 503
    assert "We could not reach our payment provider just now. Nothing was charged" in (
        response.content.decode()
    )


def test_one_machine_cannot_start_more_checkouts_than_the_hours_limit(
    client, stripe_on, stripe_api, campaign, settings, caplog
):
    settings.NEWSROOM_GIFT_CHECKOUTS_PER_HOUR = 2
    gift = {"frequency": "one_off", "amount": "other", "other_amount": "7.50"}
    url = reverse("support-give")
    for _ in range(2):
        assert client.post(url, gift, REMOTE_ADDR="203.0.113.60").status_code == 303
    assert len(stripe_api.requests) == 2

    with caplog.at_level(logging.INFO, logger="newsroom"):
        refused = client.post(url, gift, REMOTE_ADDR="203.0.113.60")
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Too many payments have been started from your connection in the last hour." in html
    assert 'value="7.50"' in html  # what the reader typed is kept
    assert "203.0.113.60" not in html
    assert len(stripe_api.requests) == 2  # Stripe was not asked
    assert not Gift.objects.filter(source="online").exists()
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "too many" in logged and "203.0.113.60" not in logged

    # Another machine is not held back by that one.
    assert client.post(url, gift, REMOTE_ADDR="198.51.100.61").status_code == 303
    assert len(stripe_api.requests) == 3


def test_a_form_with_errors_does_not_count_against_the_limit(
    client, stripe_on, stripe_api, campaign, settings
):
    settings.NEWSROOM_GIFT_CHECKOUTS_PER_HOUR = 1
    url = reverse("support-give")
    wrong = {"frequency": "one_off", "amount": "other", "other_amount": "1"}
    for _ in range(3):
        assert client.post(url, wrong, REMOTE_ADDR="203.0.113.62").status_code == 400
    right = {"frequency": "monthly", "amount": "10"}
    assert client.post(url, right, REMOTE_ADDR="203.0.113.62").status_code == 303
    assert len(stripe_api.requests) == 1


def test_the_form_refuses_get(client, stripe_on):
    assert client.get(reverse("support-give")).status_code == 405


def test_the_return_pages_are_in_the_sites_look(client, stripe_on, campaign):
    thanks = client.get(reverse("support-thanks")).content.decode()
    assert "<h1>Thank you</h1>" in thanks
    assert 'name="robots" content="noindex"' in thanks
    assert 'class="site-header"' in thanks
    cancelled = client.get(reverse("support-cancelled")).content.decode()
    assert "No payment taken" in cancelled
    assert "Give online" in cancelled  # try again from there


def test_the_pages_let_the_form_go_to_stripe_checkout_only_while_gifts_are_on(
    client, campaign, settings
):
    settings.NEWSROOM_ONLINE_GIFTS = True
    policy = client.get(reverse("support"))["Content-Security-Policy"]
    assert "form-action 'self' https://checkout.stripe.com;" in policy
    settings.NEWSROOM_ONLINE_GIFTS = False
    policy = client.get(reverse("support-thanks"))["Content-Security-Policy"]
    assert "form-action 'self';" in policy
