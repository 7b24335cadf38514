"""Password guessing at the admin's sign-in: a lockout by account and address (django-axes),
counted in the database, against the reader's real address behind nginx."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.db.models import F

from tests.factories import UserFactory
from tests.signing_in import PASSWORD, browser, is_signed_in, sign_in
from tests.test_settings import PRODUCTION, manage

pytestmark = pytest.mark.django_db

FAILURES = 5  # NEWSROOM_SIGNIN_FAILURES' default
ADDRESS_FAILURES = 20  # NEWSROOM_SIGNIN_ADDRESS_FAILURES' default
ATTACKER = "203.0.113.66"
NEWSROOM = "198.51.100.20"


def guess(username: str, times: int, *, address: str = ATTACKER) -> list[int]:
    return [
        sign_in(browser(), username, f"wrong guess {n}", address=address).status_code
        for n in range(times)
    ]


def test_the_right_password_is_refused_after_five_wrong_ones(editor):
    statuses = guess(editor.username, FAILURES)

    assert statuses == [200] * (FAILURES - 1) + [429]
    client = browser()
    response = sign_in(client, editor.username, PASSWORD, address=ATTACKER)
    assert response.status_code == 429
    assert not is_signed_in(client)


def test_fifty_wrong_passwords_do_not_end_in_a_sign_in(editor):
    guess(editor.username, 50)

    client = browser()
    assert sign_in(client, editor.username, address=ATTACKER).status_code == 429
    assert not is_signed_in(client)


def test_the_editor_still_signs_in_from_the_newsroom(editor):
    guess(editor.username, 50)

    client = browser()
    response = sign_in(client, editor.username, address=NEWSROOM)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert is_signed_in(client)


def test_the_lockout_ends_after_its_duration(editor):
    guess(editor.username, FAILURES)
    assert sign_in(browser(), editor.username, address=ATTACKER).status_code == 429

    # Fifteen minutes and a second pass (NEWSROOM_SIGNIN_LOCKOUT_MINUTES' default).
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - dt.timedelta(minutes=15, seconds=1)
    )
    client = browser()
    assert sign_in(client, editor.username, address=ATTACKER).status_code == 302
    assert is_signed_in(client)


def test_a_lockout_lasts_until_fifteen_minutes_after_the_last_try(editor):
    guess(editor.username, FAILURES)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=14))

    assert sign_in(browser(), editor.username, address=ATTACKER).status_code == 429


def test_an_address_trying_name_after_name_is_locked_out(editor):
    names = [f"guess-{n}" for n in range(ADDRESS_FAILURES)]
    statuses = [guess(name, 1)[0] for name in names]

    assert statuses == [200] * (ADDRESS_FAILURES - 1) + [429]
    assert sign_in(browser(), editor.username, address=ATTACKER).status_code == 429
    assert sign_in(browser(), editor.username, address=NEWSROOM).status_code == 302


def test_colleagues_behind_one_address_each_have_their_own_tries():
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    guess("alice", FAILURES - 1, address=NEWSROOM)
    guess("bob", FAILURES - 1, address=NEWSROOM)

    for user in (alice, bob):
        client = browser()
        assert sign_in(client, user.username, address=NEWSROOM).status_code == 302
        assert is_signed_in(client)


def test_behind_nginx_the_lockout_follows_the_real_address(settings, editor):
    settings.NEWSROOM_BEHIND_PROXY = True
    for n in range(FAILURES):
        sign_in(browser(), editor.username, f"wrong {n}", address="127.0.0.1",
                HTTP_X_REAL_IP=ATTACKER)  # fmt: skip

    assert AccessAttempt.objects.get().ip_address == ATTACKER
    via_proxy = {"address": "127.0.0.1"}
    assert sign_in(browser(), editor.username, **via_proxy,
                   HTTP_X_REAL_IP=ATTACKER).status_code == 429  # fmt: skip
    assert sign_in(browser(), editor.username, **via_proxy,
                   HTTP_X_REAL_IP=NEWSROOM).status_code == 302  # fmt: skip


def test_a_claimed_address_from_outside_the_proxies_is_ignored(settings, editor):
    settings.NEWSROOM_BEHIND_PROXY = True
    for n in range(FAILURES):
        sign_in(browser(), editor.username, f"wrong {n}", address=ATTACKER,
                HTTP_X_REAL_IP=f"192.0.2.{n}")  # fmt: skip

    assert sign_in(browser(), editor.username, address=ATTACKER).status_code == 429


def test_the_lockout_page_is_the_admins_and_says_when_to_try_again(editor):
    guess(editor.username, FAILURES - 1)
    response = sign_in(browser(), editor.username, "one more", address=ATTACKER)

    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed sign-ins" in html
    assert "The Harbour Gazette — Newsroom" in html  # the admin's header
    assert "Try again after " in html and "15 minutes from now" in html
    assert 'href="/admin/password-reset/"' in html


def test_the_limits_come_from_the_environment():
    code = (
        "from django.conf import settings; "
        "print(settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds())"
    )
    env = {**PRODUCTION, "NEWSROOM_SIGNIN_FAILURES": "8", "NEWSROOM_SIGNIN_LOCKOUT_MINUTES": "60"}
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.stdout.split() == ["8", "3600.0"], result.stderr


def test_a_limit_of_zero_stops_start_up_naming_the_variable():
    result = manage("check", env={**PRODUCTION, "NEWSROOM_SIGNIN_FAILURES": "0"})
    assert result.returncode != 0
    assert "NEWSROOM_SIGNIN_FAILURES must be at least 1" in result.stderr
