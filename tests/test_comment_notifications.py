"""Mail about comments: reply notices with one-click unsubscribe, moderators' digest and
per-comment notices, and names or addresses that try to inject headers."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import Client

from comments.models import Comment
from comments.threads import bump_comment_version
from newsroom.pagecache import bump_content_version
from tests.commenting import post_comment
from tests.factories import CommentFactory, UserFactory, published_article, reply_to

pytestmark = pytest.mark.django_db


def _reply_through_the_form(parent: Comment, **fields: str):  # type: ignore[no-untyped-def]
    CommentFactory(article=parent.article, email="replier@example.test")  # a known commenter
    data = {"name": "Ray Replier", "body": "I disagree, politely.", **fields}
    return post_comment(
        Client(), parent.article, parent=str(parent.pk), email="replier@example.test", **data
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
        if c is not bump_content_version and getattr(c, "func", None) is not bump_comment_version
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


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("mail server down")
