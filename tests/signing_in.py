"""Helpers for the staff sign-in tests: the admin's forms posted as a browser posts them, each
with the CSRF token of the page it was rendered on."""

from __future__ import annotations

import re
import time
from typing import Any

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
ADDRESS = "198.51.100.7"


def browser() -> Client:
    """A client that checks CSRF tokens as production does."""
    return Client(enforce_csrf_checks=True)


def csrf_token(page: HttpResponse) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert match, page.content.decode()[:2000]
    return match.group(1)


def submit(client: Client, path: str, fields: dict[str, str], **extra: Any) -> HttpResponse:
    """GET the page at `path`, then POST `fields` with the token that page's form carried."""
    page = client.get(path, **extra)
    assert page.status_code == 200, (path, page.status_code)
    return client.post(path, {**fields, "csrfmiddlewaretoken": csrf_token(page)}, **extra)


def sign_in(
    client: Client,
    username: str,
    password: str = PASSWORD,
    *,
    address: str = ADDRESS,
    next: str = "/admin/",
    **extra: Any,
) -> HttpResponse:
    """The admin's sign-in form, from `address`."""
    path = reverse("admin:login") + f"?next={next}"
    fields = {"username": username, "password": password, "next": next}
    return submit(client, path, fields, REMOTE_ADDR=address, **extra)


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def current_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """What the authenticator app shows now (or at `at`), as an app computes it."""
    app = TOTP(device.bin_key, device.step, device.t0, device.digits)
    app.time = at if at is not None else time.time()
    return f"{app.token():0{device.digits}d}"
