"""Mail about comments: reply notices with one-click unsubscribe, moderators' digest and
per-comment notices, and names or addresses that try to inject headers."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail, signing
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from articles import page_tags
from comments.models import Comment
from comments.notifications import UNSUBSCRIBE_MAX_AGE, UNSUBSCRIBE_SALT, unsubscribe_url
from newsroom import invalidation
from tests.commenting import csrf_token_in, post_comment, trust_device
from tests.factories import CommentFactory, UserFactory, published_article, reply_to

pytestmark = pytest.mark.django_db


def _reply_through_the_form(parent: Comment, **fields: str):
    # A known commenter, posting from the browser that earned it.
    CommentFactory(article=parent.article, email="replier@example.test")
    data = {"name": "Ray Replier", "body": "I disagree, politely.", **fields}
    client = trust_device(Client(), "replier@example.test")
    return post_comment(
        client, parent.article, parent=str(parent.pk), email="replier@example.test", **data
    )


def test_a_commenter_who_opted_in_gets_mail_when_a_reply_is_published(
    django_capture_on_commit_callbacks,
):
    parent = CommentFactory(email="asker@example.test", notify_replies=True)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _reply_through_the_form(parent)
    mail_callbacks = [
        c
        for c in callbacks
        if c is not invalidation.reschedule
        and getattr(c, "func", None) is not page_tags._bump_committed
    ]
    assert len(mail_callbacks) == 1  # one reply notice, scheduled once
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["asker@example.test"]
    assert "Ray Replier replied" in message.body and "I disagree, politely." in message.body
    assert "/comments/unsubscribe/" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    reply = Comment.objects.get(body="I disagree, politely.")
    assert reply.reply_notice_sent


def test_no_mail_is_sent_before_the_transaction_commits(django_capture_on_commit_callbacks):
    parent = CommentFactory(email="asker@example.test", notify_replies=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _reply_through_the_form(parent)
    assert callbacks and not mail.outbox


def test_a_commenter_who_did_not_opt_in_gets_no_mail(django_capture_on_commit_callbacks):
    parent = CommentFactory(email="quiet@example.test", notify_replies=False)
    with django_capture_on_commit_callbacks(execute=True):
        _reply_through_the_form(parent)
    assert not mail.outbox


def test_a_held_reply_notifies_only_once_it_is_approved(
    moderator, django_capture_on_commit_callbacks
):
    parent = CommentFactory(email="asker@example.test", notify_replies=True)
    reply = reply_to(parent, status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        reply.approve(by=moderator)
    assert len(mail.outbox) == 1
    reply.return_to_pending(by=moderator, reason="Check again")
    with django_capture_on_commit_callbacks(execute=True):
        reply.approve(by=moderator)
    assert len(mail.outbox) == 1


def test_the_one_click_unsubscribe_link_stops_reply_mail(django_capture_on_commit_callbacks):
    parent = CommentFactory(email="Asker@Example.test", notify_replies=True)
    other = CommentFactory(email="asker@example.test", notify_replies=True)
    with django_capture_on_commit_callbacks(execute=True):
        _reply_through_the_form(parent)
    link = re.search(r"http\S+/comments/unsubscribe/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = Client().get("/" + path)
    assert response.status_code == 200
    assert "no more reply notices" in response.content.decode()
    parent.refresh_from_db()
    other.refresh_from_db()
    assert not parent.notify_replies and not other.notify_replies


def test_a_tampered_unsubscribe_link_does_nothing():
    parent = CommentFactory(email="asker@example.test", notify_replies=True)
    response = Client().get("/comments/unsubscribe/not-a-real-token/")
    assert response.status_code == 400
    parent.refresh_from_db()
    assert parent.notify_replies


@pytest.mark.parametrize(
    "name",
    [
        "Eve\r\nBcc: victim@example.test",
        "Eve\nSubject: hacked",
        "=?utf-8?q?Eve=0D=0ABcc:_x@example.test?=",
        'Eve" <attacker@example.test>',
    ],
)
def test_names_with_header_syntax_never_inject_headers(name, django_capture_on_commit_callbacks):
    parent = CommentFactory(email="asker@example.test", notify_replies=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = _reply_through_the_form(parent, name=name)
    assert response.status_code == 302
    message = mail.outbox[0].message()
    assert message["Bcc"] is None
    assert message.get_all("To") == ["asker@example.test"]
    assert "hacked" not in (message["Subject"] or "")
    assert "\n" not in Comment.objects.get(body="I disagree, politely.").name


@pytest.mark.parametrize(
    "email",
    ["a@example.test\r\nBcc: victim@example.test", "a@example.test\nCc: x@y.test", "a@b@c"],
)
def test_addresses_with_line_breaks_are_a_form_error_not_a_500(email):
    response = post_comment(Client(), published_article(), email=email)
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_the_digest_goes_to_every_moderator_when_comments_wait(moderator, editor):
    UserFactory(username="writer-mail", groups=["Writers"])
    CommentFactory(status="pending", body="Waiting in the queue.")
    call_command("send_moderation_digest", stdout=__import__("io").StringIO())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {moderator.email, editor.email}
    assert "1 comment waiting" in message.body and "Waiting in the queue." in message.body


def test_no_digest_when_nothing_waits(moderator):
    CommentFactory(status="approved")
    call_command("send_moderation_digest", stdout=__import__("io").StringIO())
    assert not mail.outbox


def test_moderators_can_get_mail_for_each_held_comment(
    settings, moderator, django_capture_on_commit_callbacks
):
    settings.COMMENTS_MAIL_MODERATORS = True
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(Client(), published_article(), body="Hold me for a moderator.")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [moderator.email]
    assert "First comment from this e-mail address." in mail.outbox[0].body


def test_a_mail_server_failure_does_not_fail_the_reader_s_post(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.test_comment_notifications.BrokenBackend"
    parent = CommentFactory(email="asker@example.test", notify_replies=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = _reply_through_the_form(parent)
    assert response.status_code == 302
    assert Comment.objects.filter(body="I disagree, politely.", status="approved").exists()


# --- Reader links never travel in our mail ---------------------------------------------------


def test_a_reply_mail_carries_no_reader_link_and_points_to_the_story(
    settings, django_capture_on_commit_callbacks
):
    parent = CommentFactory(email="asker@example.test", notify_replies=True)
    with django_capture_on_commit_callbacks(execute=True):
        _reply_through_the_form(
            parent,
            name="support.evil.example",
            body="Your account is locked: https://evil.example/login.\n"
            "Or visit bank.evil.example/verify and write to help@evil.example.",
        )
    body = mail.outbox[0].body
    reply = Comment.objects.get(parent=parent)
    assert "evil.example" not in body
    assert "> Your account is locked: [link removed]." in body
    assert "bank[.]evil[.]example/verify" in body  # readable, but no mail program links it
    links = re.findall(r"(?:https?://|www\.)\S+", body)
    assert links and all(link.startswith(settings.SITE_URL + "/") for link in links)
    assert f"{settings.SITE_URL}{reply.get_absolute_url()}" in links


# --- Unsubscribe links expire -----------------------------------------------------------------


def _path(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_an_expired_unsubscribe_link_explains_and_mails_a_fresh_one():
    parent = CommentFactory(email="asker@example.test", notify_replies=True)
    old = timezone.now() - UNSUBSCRIBE_MAX_AGE - dt.timedelta(days=1)
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(_path(unsubscribe_url("asker@example.test", at=old)))
    html = page.content.decode()
    assert page.status_code == 200
    assert "This link has expired" in html and f"work for {UNSUBSCRIBE_MAX_AGE.days} days" in html
    parent.refresh_from_db()
    assert parent.notify_replies  # an old link changes nothing

    sent = reader.post(
        _path(unsubscribe_url("asker@example.test", at=old)),
        {"csrfmiddlewaretoken": csrf_token_in(html)},
    )
    assert sent.status_code == 200 and "Check your e-mail" in sent.content.decode()
    assert [m.to for m in mail.outbox] == [["asker@example.test"]]
    fresh = re.search(r"http\S+/comments/unsubscribe/\S+/", mail.outbox[0].body).group(0)
    assert "no more reply notices" in Client().get(_path(fresh)).content.decode()
    parent.refresh_from_db()
    assert not parent.notify_replies


def test_a_fresh_link_goes_once_an_hour_and_only_to_an_address_that_gets_notices():
    CommentFactory(email="asker@example.test", notify_replies=True)
    CommentFactory(email="quiet@example.test", notify_replies=False)
    old = timezone.now() - UNSUBSCRIBE_MAX_AGE - dt.timedelta(days=1)
    for address in ["asker@example.test", "asker@example.test", "quiet@example.test"]:
        response = Client().post(_path(unsubscribe_url(address, at=old)))
        assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["asker@example.test"]]


def test_a_link_from_before_links_carried_their_time_counts_as_expired():
    parent = CommentFactory(email="asker@example.test", notify_replies=True)
    token = signing.dumps("asker@example.test", salt=UNSUBSCRIBE_SALT, compress=True)
    page = Client().get(f"/comments/unsubscribe/{token}/")
    assert page.status_code == 200 and "This link has expired" in page.content.decode()
    parent.refresh_from_db()
    assert parent.notify_replies


def test_a_fresh_link_when_the_mail_server_is_down_is_a_page_not_a_500(settings):
    settings.EMAIL_BACKEND = "tests.test_comment_notifications.BrokenBackend"
    CommentFactory(email="asker@example.test", notify_replies=True)
    old = timezone.now() - UNSUBSCRIBE_MAX_AGE - dt.timedelta(days=1)
    response = Client().post(_path(unsubscribe_url("asker@example.test", at=old)))
    assert response.status_code == 503
    assert "could not send the e-mail just now" in response.content.decode()


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")
