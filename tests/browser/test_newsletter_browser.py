"""A reader signs up for the newsletter from a cached story page, confirms from the mail's
link and is on the list — in Debian's Chromium, against a live server. The box and the
newsletter page at a phone and a desktop width, with axe's check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail

from newsletter.models import Subscription
from tests.browser.conftest import WIDTHS
from tests.factories import SectionFactory, published_article
from tests.newsletters import morning_tide

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp/newsletter-screenshots")  # looked at, never committed


@pytest.fixture
def story(live_server, settings):
    # A person takes seconds to type; the script takes milliseconds.
    settings.NEWSLETTER_MIN_SECONDS = 0
    morning_tide(description="The day's harbour news before breakfast, every weekday.")
    morning_tide(
        name="The Weekly Anchor",
        slug="weekly-anchor",
        frequency="weekly",
        in_signup_box=False,
        description="Saturday's long read and the week's corrections.",
    )
    section = SectionFactory(name="Harbour", slug="harbour")
    return published_article(
        headline="Harbour wall repairs begin on Monday",
        standfirst="Crews will close the north quay while they work.",
        body="<p>The council's contractors arrive at dawn.</p>",
        section=section,
    )


def test_a_reader_signs_up_from_a_cached_story_and_confirms(live_server, browser, story):
    url = live_server.url + story.get_absolute_url()
    # Someone else read the story first: the reader gets the cached page.
    browser.new_context().new_page().goto(url)
    reader = browser.new_context().new_page()
    response = reader.goto(url)
    assert response.headers.get("x-page-cache") == "hit"

    reader.fill("#newsletter-email", "nell.reader@harbour.example")
    reader.click(".newsletter-form button[type=submit]")
    reader.wait_for_selector("text=Check your inbox")
    assert Subscription.objects.get().status == Subscription.Status.PENDING

    (confirmation,) = mail.outbox
    link = re.search(r"https?://\S+/newsletter/confirm/\S+/", confirmation.body).group(0)
    path = "/newsletter/" + link.split("/newsletter/", 1)[1]
    reader.goto(live_server.url + path)
    reader.click("text=Yes, sign me up")
    reader.wait_for_selector("text=You are on the list")
    subscription = Subscription.objects.select_related("subscriber", "newsletter").get()
    assert subscription.status == Subscription.Status.CONFIRMED
    assert subscription.subscriber.email == "nell.reader@harbour.example"
    assert subscription.newsletter.slug == "morning-tide"


def test_a_sign_up_sent_before_the_token_arrived_waits_for_it(live_server, browser, story):
    """static/js/form-token.js: a failed fetch is tried again, and a click before the token
    arrived waits for it instead of posting the cached form's empty token."""
    url = live_server.url + story.get_absolute_url()
    reader = browser.new_context().new_page()
    asked: list[str] = []

    def token(route):
        asked.append(route.request.url)
        if len(asked) == 1:
            route.abort()  # a dropped connection
        else:
            route.continue_()

    reader.route("**/newsletter/form-token/", token)
    reader.goto(url)
    with reader.expect_event("requestfailed"):
        reader.fill("#newsletter-email", "owain.early@harbour.example")
    assert reader.input_value(".newsletter-box [name=stamp]") == ""
    reader.click(".newsletter-form button[type=submit]")
    reader.wait_for_selector("text=Check your inbox")
    assert len(asked) == 2
    assert Subscription.objects.get().subscriber.email == "owain.early@harbour.example"
    (confirmation,) = mail.outbox
    assert confirmation.to == ["owain.early@harbour.example"]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_box_and_the_page_fit_the_site(live_server, page_at, axe_violations, story, width):
    SCREENSHOTS.mkdir(exist_ok=True)
    page = page_at(width, 1000)
    page.goto(live_server.url + story.get_absolute_url())
    box = page.locator(".newsletter-box")
    box.scroll_into_view_if_needed()
    assert box.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SCREENSHOTS / f"story-box-{width}.png"), full_page=True)
    assert axe_violations(page) == []

    page.goto(live_server.url + "/newsletter/")
    assert "The Weekly Anchor" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SCREENSHOTS / f"newsletter-page-{width}.png"), full_page=True)
    assert axe_violations(page) == []


def test_an_editor_composes_previews_tests_and_approves_an_edition(live_server, page_at, story):
    from newsletter.models import Edition
    from newsroom.roles import EDITORS
    from tests.factories import UserFactory

    UserFactory(username="desk-editor", email="desk@harbour.example", groups=[EDITORS])
    page = page_at(1280)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "desk-editor")
    page.fill("#id_password", "correct horse battery")
    page.click("input[type=submit]")

    page.goto(f"{live_server.url}/admin/newsletter/newsletter/")
    page.check("tr:has-text('The Morning Tide') input[name=_selected_action]")
    page.select_option("select[name=action]", "compose_next_edition")
    page.click("button[name=index]")
    page.wait_for_selector("text=with 1 stories")
    edition = Edition.objects.get()

    page.goto(f"{live_server.url}/admin/newsletter/edition/{edition.pk}/change/")
    page.fill("#id_editor_note", "The quay closes on Monday.")
    page.click("input[name=_continue]")
    page.wait_for_selector("text=was changed successfully")
    page.screenshot(path=str(SCREENSHOTS / "edition-admin-1280.png"), full_page=True)
    with page.expect_popup() as popup:
        page.click("text=Preview")
    preview = popup.value
    preview.wait_for_load_state()
    assert "Harbour wall repairs begin on Monday" in preview.inner_text("body")
    assert "The quay closes on Monday." in preview.inner_text("body")
    preview.screenshot(path=str(SCREENSHOTS / "edition-preview-1280.png"), full_page=True)

    page.click("text=Send a test to me")
    page.wait_for_selector("text=was sent to your own address")
    (test,) = mail.outbox
    assert test.to == ["desk@harbour.example"] and test.subject.startswith("[Test]")

    page.goto(f"{live_server.url}/admin/newsletter/edition/")
    page.check(f"tr:has-text('{edition.subject}') input[name=_selected_action]")
    page.select_option("select[name=action]", "approve_for_sending")
    page.click("button[name=index]")
    page.wait_for_selector("text=1 edition(s) approved")
    edition.refresh_from_db()
    assert edition.status == Edition.Status.APPROVED
