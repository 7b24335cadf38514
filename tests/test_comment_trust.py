"""Trust is shown, not typed: a regular's address publishes straight away only from a browser
that earned it (a comment it posted was published) or after the regular confirmed by the link
mailed to the address. Everyone else typing that address waits, and the moderator is told
why."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.cookies import OWN_COMMENTS_COOKIE, TRUSTED_COOKIE
from comments.models import Comment, ModerationEvent
from comments.privacy import email_digest
from comments.rules import UNCONFIRMED_REASON
from comments.trust import CONFIRM_MAX_AGE, TRUST_MAX_AGE, confirmation_token
from tests.commenting import csrf_token_in, post_comment, trust_device
from tests.factories import CommentFactory, published_article

pytestmark = pytest.mark.django_db

REGULAR = "rita@example.test"


def _browser() -> Client:
    return Client(enforce_csrf_checks=True)


def _status(body: str) -> str:
    return Comment.objects.get(body=body).status


def _path(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def _confirmation_link() -> str:
    (message,) = [m for m in mail.outbox if "/comments/confirm/" in m.body]
    return _path(re.search(r"http\S+/comments/confirm/\S+/", message.body).group(0))


# --- Typing an address proves nothing ---------------------------------------------------


def test_a_regular_s_address_typed_in_a_fresh_browser_is_held_as_unconfirmed(moderator_client):
    article = published_article()
    CommentFactory(article=article, email=REGULAR, name="Rita Reader")
    response = post_comment(
        _browser(), article, name="Rita Reader", email="Rita@Example.test", body="Not Rita."
    )
    comment = Comment.objects.get(body="Not Rita.")
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reasons == [
        {"rule": "first_time", "action": "hold", "reason": UNCONFIRMED_REASON, "confirm": True}
    ]
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert "Not Rita." not in Client().get(article.get_absolute_url()).content.decode()
    queue = moderator_client.get(reverse("moderation:queue")).content.decode()
    assert "Address not confirmed on this device" in queue
    event = ModerationEvent.objects.get(comment=comment)
    assert (event.action, event.actor_name, event.reason) == (
        "held",
        "first_time",
        UNCONFIRMED_REASON,
    )


def test_the_reader_is_told_the_same_whether_or_not_the_address_is_known():
    article = published_article()
    CommentFactory(article=article, email=REGULAR)
    pages = []
    for email, body in [(REGULAR, "As a regular."), ("new@example.test", "As a newcomer.")]:
        browser = _browser()
        post_comment(browser, article, email=email, body=body)
        html = browser.get(article.get_absolute_url()).content.decode()
        pages.append(re.findall(r'class="comments__message[^>]*>([^<]*)<', html))
    assert pages[0] == pages[1]
    assert "Your comment is awaiting moderation." in pages[0]
    assert any("check your e-mail" in message for message in pages[0])


def test_a_forged_trust_cookie_is_ignored():
    article = published_article()
    CommentFactory(article=article, email=REGULAR)
    browser = _browser()
    browser.cookies[TRUSTED_COOKIE] = email_digest(REGULAR)  # unsigned
    post_comment(browser, article, body="With a cookie I made myself.")
    assert _status("With a cookie I made myself.") == Comment.Status.PENDING


def test_a_browser_trusted_for_one_address_is_not_trusted_for_another():
    article = published_article()
    CommentFactory(article=article, email=REGULAR)
    CommentFactory(article=article, email="other.regular@example.test")
    browser = trust_device(_browser(), REGULAR)
    post_comment(browser, article, email="other.regular@example.test", body="As someone else.")
    assert _status("As someone else.") == Comment.Status.PENDING


# --- A browser earns it -----------------------------------------------------------------


def test_a_browser_whose_comment_a_moderator_published_posts_straight_away(moderator_client):
    article = published_article()
    browser = _browser()
    post_comment(browser, article, body="My first comment here.")
    first = Comment.objects.get()
    assert first.status == Comment.Status.PENDING
    assert TRUSTED_COOKIE not in browser.cookies

    moderator_client.post(reverse("moderation:act", args=[first.pk]), {"action": "approve"})
    second = post_comment(browser, article, body="My second comment here.")
    assert _status("My second comment here.") == Comment.Status.APPROVED
    cookie = second.cookies[TRUSTED_COOKIE]
    assert cookie["max-age"] == TRUST_MAX_AGE and cookie["httponly"]

    # The trust cookie alone, once the cookie naming the pending comments has gone.
    del browser.cookies[OWN_COMMENTS_COOKIE]
    post_comment(browser, article, body="Weeks later, from the same laptop.")
    assert _status("Weeks later, from the same laptop.") == Comment.Status.APPROVED

    post_comment(_browser(), article, body="Someone else typing Rita's address.")
    assert _status("Someone else typing Rita's address.") == Comment.Status.PENDING


def test_a_comment_taken_down_earns_nothing(moderator):
    article = published_article()
    browser = _browser()
    post_comment(browser, article, body="Something I should not have said.")
    comment = Comment.objects.get()
    comment.approve(by=moderator)
    comment.remove(by=moderator, reason="Abusive")
    post_comment(browser, article, body="Trying again.")
    assert _status("Trying again.") == Comment.Status.PENDING


# --- "Confirm it's you" -----------------------------------------------------------------


def test_the_link_mailed_to_a_regular_confirms_them_and_trusts_that_browser(
    django_capture_on_commit_callbacks,
):
    article = published_article(headline="Harbour wall repairs")
    CommentFactory(article=article, email=REGULAR)
    browser = _browser()
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(browser, article, body="Posted from my new phone, see www.evil.example")
    held = Comment.objects.get(body__startswith="Posted from my new phone")
    assert held.status == Comment.Status.PENDING
    (message,) = mail.outbox
    assert message.to == [REGULAR]
    assert "Posted from my new phone" in message.body and "evil.example" not in message.body
    assert all(
        link.startswith(settings.SITE_URL + "/")
        for link in re.findall(r"(?:https?://|www\.)\S+", message.body)
    )

    link = _confirmation_link()
    page = browser.get(link)
    html = page.content.decode()
    assert page.status_code == 200 and "Was this you?" in html
    assert "Posted from my new phone" in html and "no-store" in page["Cache-Control"]
    held.refresh_from_db()
    assert (
        held.status == Comment.Status.PENDING
    )  # opening the link (a mail scanner) confirms nothing

    with django_capture_on_commit_callbacks(execute=True):
        done = browser.post(link, {"csrfmiddlewaretoken": csrf_token_in(html)})
    assert done.status_code == 302 and done["Location"] == held.get_absolute_url()
    assert TRUSTED_COOKIE in done.cookies
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED
    event = ModerationEvent.objects.filter(comment=held).latest("pk")
    assert (event.action, event.actor_kind, event.actor_name) == (
        "approved",
        "rule",
        "confirmed_address",
    )
    assert "Your comment is published." in browser.get(article.get_absolute_url()).content.decode()

    post_comment(browser, article, body="And now straight away.")
    assert _status("And now straight away.") == Comment.Status.APPROVED


def test_confirming_trusts_the_browser_but_leaves_other_holds_to_a_moderator(
    django_capture_on_commit_callbacks,
):
    article = published_article()
    CommentFactory(article=article, email=REGULAR)
    browser = _browser()
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(browser, article, body="Two links: https://a.example https://b.example")
    link = _confirmation_link()
    html = browser.get(link).content.decode()
    browser.post(link, {"csrfmiddlewaretoken": csrf_token_in(html)})
    assert _status("Two links: https://a.example https://b.example") == Comment.Status.PENDING
    post_comment(browser, article, body="No links this time.")
    assert _status("No links this time.") == Comment.Status.APPROVED


def test_an_expired_confirmation_link_explains_and_changes_nothing():
    article = published_article()
    CommentFactory(article=article, email=REGULAR)
    post_comment(_browser(), article, body="Confirmed too late.")
    held = Comment.objects.get(body="Confirmed too late.")
    old = timezone.now() - CONFIRM_MAX_AGE - dt.timedelta(hours=1)
    url = reverse("comments:confirm", args=[confirmation_token(held, at=old)])
    browser = Client()
    page = browser.get(url)
    assert page.status_code == 200 and "This link has expired" in page.content.decode()
    pressed = browser.post(url)
    assert pressed.status_code == 200 and TRUSTED_COOKIE not in pressed.cookies
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING


def test_a_tampered_confirmation_link_does_not_work():
    article = published_article()
    CommentFactory(article=article, email=REGULAR)
    post_comment(_browser(), article, body="Held for confirmation.")
    held = Comment.objects.get(body="Held for confirmation.")
    token = confirmation_token(held)
    for bad in [token[:-2] + "xx", "not-a-token", "a" * 400]:
        response = Client().post(reverse("comments:confirm", args=[bad]))
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING


def test_a_confirmation_mail_goes_at_most_once_an_hour(django_capture_on_commit_callbacks):
    article = published_article()
    CommentFactory(article=article, email=REGULAR)
    with django_capture_on_commit_callbacks(execute=True):
        for body in ["Someone tries once.", "And twice.", "And a third time."]:
            post_comment(_browser(), article, body=body)
    assert len(mail.outbox) == 1
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 3


def test_a_newcomer_gets_no_confirmation_mail(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(_browser(), published_article(), email="new@example.test")
    assert not mail.outbox
