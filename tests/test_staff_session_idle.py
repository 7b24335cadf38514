"""Staff sessions end after NEWSROOM_ADMIN_IDLE_MINUTES without a request; readers' requests
and sessions are left alone."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from newsroom.staff_auth import LAST_SEEN
from tests.signing_in import browser, is_signed_in, sign_in
from tests.test_settings import PRODUCTION, manage

pytestmark = pytest.mark.django_db

IDLE_MINUTES = 30  # NEWSROOM_ADMIN_IDLE_MINUTES' default


def idle_for(client, seconds: int) -> None:
    """As if the last request had come `seconds` ago."""
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


def test_a_staff_session_unused_for_half_an_hour_must_sign_in_again(editor):
    client = browser()
    sign_in(client, editor.username)
    assert client.get("/admin/").status_code == 200

    idle_for(client, IDLE_MINUTES * 60 + 1)
    response = client.get("/admin/articles/article/")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:login") + "?next=/admin/articles/article/"
    assert not is_signed_in(client)
    assert client.get("/admin/").status_code == 302


def test_a_session_in_use_stays_signed_in(editor):
    client = browser()
    sign_in(client, editor.username)

    idle_for(client, IDLE_MINUTES * 60 - 60)
    assert client.get("/admin/").status_code == 200
    # That request counted as use: the half hour starts again from it.
    assert int(time.time()) - client.session[LAST_SEEN] < 5
    assert client.get("/admin/articles/article/").status_code == 200


def test_the_idle_timeout_is_configurable(settings, editor):
    settings.NEWSROOM_ADMIN_IDLE_MINUTES = 5
    client = browser()
    sign_in(client, editor.username)

    idle_for(client, 5 * 60 + 1)
    assert client.get("/admin/").status_code == 302
    assert not is_signed_in(client)


def test_a_reader_with_a_session_is_never_timed_out(client):
    session = client.session
    session["seen_banner"] = True
    session[LAST_SEEN] = int(time.time()) - 24 * 60 * 60
    session.save()

    assert client.get("/").status_code == 200
    assert client.session["seen_banner"] is True


def test_production_defaults_for_staff_sessions():
    code = (
        "from django.conf import settings; "
        "print(settings.NEWSROOM_ADMIN_IDLE_MINUTES, settings.SESSION_COOKIE_AGE)"
    )
    result = manage("shell", "--no-imports", "-c", code, env=PRODUCTION)
    assert result.stdout.split() == ["30", str(12 * 60 * 60)], result.stderr
    changed = manage(
        "shell", "--no-imports", "-c", code, env={**PRODUCTION, "NEWSROOM_ADMIN_IDLE_MINUTES": "10"}
    )
    assert changed.stdout.split()[0] == "10"
