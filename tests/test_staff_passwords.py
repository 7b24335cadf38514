"""Staff passwords: twelve characters at least, and the usual checks, in the admin's own
password change form; and a short demo password is refused at start-up."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.signing_in import PASSWORD, browser, sign_in, submit
from tests.test_settings import PRODUCTION, manage

pytestmark = pytest.mark.django_db

CHANGE = reverse("admin:password_change")


def change_password(client, new: str):
    fields = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    return submit(client, CHANGE, fields)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Newsroom1", "at least 12 characters"),
        ("Harbour2024", "at least 12 characters"),
        ("password1234", "too common"),
        ("482915730264", "entirely numeric"),
    ],
)
def test_a_weak_password_is_refused_by_the_admins_change_form(editor, password, reason):
    client = browser()
    sign_in(client, editor.username)

    response = change_password(client, password)
    assert response.status_code == 200
    assert reason in response.content.decode()
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)


def test_a_long_password_is_accepted(editor):
    client = browser()
    sign_in(client, editor.username)

    response = change_password(client, "tide tables at dawn")
    assert response.status_code == 302
    editor.refresh_from_db()
    assert editor.check_password("tide tables at dawn")


def test_a_short_demo_password_stops_start_up_naming_the_variable():
    result = manage("check", env={**PRODUCTION, "NEWSROOM_DEMO_PASSWORD": "Newsroom1"})
    assert result.returncode != 0
    assert "NEWSROOM_DEMO_PASSWORD must be at least 12 characters" in result.stderr


def test_a_long_demo_password_is_accepted():
    result = manage("check", env={**PRODUCTION, "NEWSROOM_DEMO_PASSWORD": "a-long-demo-password"})
    assert result.returncode == 0, result.stderr
