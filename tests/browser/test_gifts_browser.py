"""A reader in Chromium on the support page with online gifts on: the bar with its scale, the
gift form, and its errors, at phone and desktop widths with no serious or critical axe-core
violation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.browser.conftest import WIDTHS
from tests.factories import GiftFactory, SupportCampaignFactory, published_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, roles, stripe_on):
    campaign = SupportCampaignFactory(goal=12000, raised=0)
    GiftFactory(campaign=campaign, amount=Decimal("6450"), source="opening_balance")
    GiftFactory(campaign=campaign, amount=Decimal("890"), source="event")
    story = published_article(headline="The harbour wall is repaired")
    return live_server.url, story


@pytest.mark.parametrize("width", WIDTHS)
def test_the_support_box_under_a_story_shows_its_scale(site, page_at, axe_violations, width):
    url, story = site
    page = page_at(width)
    page.goto(url + story.get_absolute_url())

    bar = page.get_by_role("progressbar", name="Amount raised towards the goal")
    assert bar.get_attribute("value") == "7340.00"
    assert page.locator(".support__scale li").all_inner_texts() == ["£0", "£6,000", "£12,000"]
    # The middle mark sits at the bar's half, whatever the width.
    box, middle = bar.bounding_box(), page.locator(".support__scale li").nth(1).bounding_box()
    assert abs((middle["x"] + middle["width"] / 2) - (box["x"] + box["width"] / 2)) < 2
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_gift_form_and_its_errors_are_accessible(site, page_at, axe_violations, width):
    url, _ = site
    page = page_at(width)
    page.goto(url + "/support/")
    assert page.get_by_role("radio", name="Monthly").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("radio", name="Another amount").check()
    page.locator("#id_other_amount").evaluate("input => input.removeAttribute('min')")
    page.locator("#id_other_amount").fill("1")
    page.locator(".gift-form button[type=submit]").click()

    assert "Choose an amount from £2 to £5,000." in page.locator(".gift-form").inner_text()
    assert axe_violations(page) == []


def test_a_valid_gift_takes_the_reader_to_stripe_checkout(site, page_at, settings, stripe_api):
    """The 303 to Stripe's page passes the page's Content-Security-Policy (`form-action`)."""
    url, _ = site
    # The payment page is the fake server itself, so the browser can open it.
    stripe_api.checkout_base = stripe_api.url
    settings.STRIPE_CHECKOUT_ORIGIN = stripe_api.url
    page = page_at(1280)
    page.goto(url + "/support/")
    page.get_by_role("radio", name="Monthly").check()
    page.get_by_role("radio", name="£25").check()
    page.locator(".gift-form button[type=submit]").click()
    page.wait_for_url(f"{stripe_api.url}/c/pay/cs_test_1")

    assert page.locator("h1").inner_text() == "Fake Checkout"
    (sent,) = stripe_api.requests
    assert sent["mode"] == ["subscription"]
    assert sent["line_items[0][price_data][unit_amount]"] == ["2500"]
