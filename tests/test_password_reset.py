"""Forgotten passwords: Django's reset flow for staff in the admin's design, its mail sent
through a real SMTP server on loopback, and the same answer for any address."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from tests.factories import UserFactory
from tests.signing_in import browser, is_signed_in, sign_in, submit

pytestmark = pytest.mark.django_db

RESET = reverse("admin_password_reset")
SENT = reverse("password_reset_done")
NEW_PASSWORD = "lighthouse keeper at noon"


@dataclass
class Mailbox:
    """What the SMTP server received; `delay` makes it slow to answer each message."""

    messages: list[Message] = field(default_factory=list)
    delay: float = 0.0
    arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server, session, envelope) -> str:
        time.sleep(self.delay)  # blocks the server's loop: a slow mail server
        with self.arrived:
            self.messages.append(message_from_bytes(envelope.content))
            self.arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Message]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
        assert len(self.messages) >= count, f"{len(self.messages)} of {count} messages arrived"
        return self.messages


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def mailbox(settings) -> Iterator[Mailbox]:
    """A real SMTP server (aiosmtpd) on loopback, stopped however the test ends."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield box
    finally:
        controller.stop()


def ask_for_reset(client, email: str):
    return submit(client, RESET, {"email": email})


def reset_link(message: Message) -> str:
    body = message.get_payload(decode=True).decode()
    return urlsplit(re.search(r"https?://\S+/password-reset/\S+/", body).group(0)).path


def test_the_sign_in_page_links_forgotten_passwords():
    html = browser().get(reverse("admin:login")).content.decode()
    assert f'<a href="{RESET}">Forgotten your password?</a>' in html


def test_a_forgotten_password_is_reset_by_mail_and_signs_in(mailbox, editor):
    client = browser()
    response = ask_for_reset(client, editor.email)
    assert response.status_code == 302 and response["Location"] == SENT

    (message,) = mailbox.wait_for(1)
    assert message["To"] == editor.email
    assert message["Subject"] == "Set a new password for The Harbour Gazette"
    link = reset_link(message)
    form_page = client.get(link, follow=True)
    assert "Enter new password" in form_page.content.decode()
    set_password = form_page.redirect_chain[-1][0]
    response = submit(
        client, set_password, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    assert not is_signed_in(client)  # the reset signs nobody in

    fresh = browser()
    assert sign_in(fresh, editor.username, NEW_PASSWORD).status_code == 302
    assert is_signed_in(fresh)
    # The link worked once: the token changed with the password.
    again = browser().get(link, follow=True)
    assert "The password reset link was invalid" in again.content.decode()


def test_the_new_password_must_be_long_enough(mailbox, editor):
    client = browser()
    ask_for_reset(client, editor.email)
    form_page = client.get(reset_link(mailbox.wait_for(1)[0]), follow=True)

    response = submit(
        client,
        form_page.redirect_chain[-1][0],
        {"new_password1": "Newsroom1", "new_password2": "Newsroom1"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()


def test_known_and_unknown_addresses_get_the_same_answer(mailbox, editor):
    unknown = ask_for_reset(browser(), "nobody-here@example.test")
    known = ask_for_reset(browser(), editor.email)

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    pages = [browser().get(r["Location"]).content.decode() for r in (unknown, known)]
    assert pages[0] == pages[1]
    (message,) = mailbox.wait_for(1)
    assert message["To"] == editor.email
    time.sleep(0.2)
    assert len(mailbox.messages) == 1


def test_the_answer_never_waits_on_the_mail_server(mailbox, editor):
    mailbox.delay = 2.0
    started = time.monotonic()
    response = ask_for_reset(browser(), editor.email)
    took = time.monotonic() - started

    assert response.status_code == 302
    assert took < 1.0, f"the reset page waited {took:.1f} s for the mail server"
    mailbox.wait_for(1)


def test_an_account_imported_without_a_password_can_set_one(mailbox):
    imported = UserFactory(username="mara", email="mara@harbour-gazette.example", password=None)
    imported.set_unusable_password()
    imported.save()

    ask_for_reset(browser(), "Mara@Harbour-Gazette.example")
    (message,) = mailbox.wait_for(1)
    assert message["To"] == "mara@harbour-gazette.example"
    assert "(mara)" in message.get_payload(decode=True).decode()


def test_the_link_names_the_sites_own_address_not_the_requests_host(mailbox, settings, editor):
    settings.SITE_URL = "https://news.example.org"
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    submit(browser(), RESET, {"email": editor.email}, HTTP_HOST="evil.example")

    body = mailbox.wait_for(1)[0].get_payload(decode=True).decode()
    assert "https://news.example.org/admin/password-reset/" in body
    assert "evil.example" not in body
