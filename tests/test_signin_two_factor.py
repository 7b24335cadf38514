"""Two-factor sign-in for staff (django-otp): enrolment from the admin, codes from an
authenticator app, recovery codes that work once, and who must use it."""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsroom.roles import WRITERS
from tests.factories import UserFactory
from tests.signing_in import browser, current_code, is_signed_in, sign_in, submit
from tests.test_settings import PRODUCTION, manage

pytestmark = pytest.mark.django_db

VERIFY = reverse("two_factor_verify")
ENROL = reverse("two_factor_enrol")


@pytest.fixture(autouse=True)
def _required(settings):
    settings.NEWSROOM_REQUIRE_2FA = True


def enrol(client, user) -> list[str]:
    """Scan, confirm a code, and return the recovery codes the page showed."""
    page = client.get(ENROL + "?next=/admin/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = submit(
        client, ENROL + "?next=/admin/", {"code": current_code(device), "next": "/admin/"}
    )
    assert response.status_code == 200, response.content.decode()[:500]
    return re.findall(r"<li><code>(\w+)</code></li>", response.content.decode())


def enrolled(client, user) -> tuple[TOTPDevice, list[str]]:
    sign_in(client, user.username)
    codes = enrol(client, user)
    return TOTPDevice.objects.get(user=user, confirmed=True), codes


def test_an_editor_without_a_device_is_sent_to_set_one_up(editor):
    client = browser()
    response = sign_in(client, editor.username)
    assert response.status_code == 302 and response["Location"] == "/admin/"

    admin = client.get("/admin/")
    assert admin.status_code == 302
    assert admin["Location"] == ENROL + "?next=%2Fadmin%2F"
    page = client.get(admin["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and 'class="segno"' in html  # the QR code, drawn on the server
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', html).group(1)
    assert len(secret.replace(" ", "")) == 32  # django-otp's 20-byte key, in base32
    assert page["Cache-Control"].startswith("max-age=0") and "no-store" in page["Cache-Control"]
    assert device.config_url.count("secret=" + secret.replace(" ", "")) == 1


def test_the_moderation_queue_is_closed_until_the_moderator_has_a_device(moderator):
    client = browser()
    sign_in(client, moderator.username)

    response = client.get(reverse("moderation:queue"))
    assert response.status_code == 302 and response["Location"].startswith(ENROL)


def test_confirming_a_first_code_shows_ten_recovery_codes_once_and_signs_in(editor):
    client = browser()
    sign_in(client, editor.username)
    codes = enrol(client, editor)

    assert len(codes) == 10 and len(set(codes)) == 10
    assert sorted(
        StaticToken.objects.filter(device__user=editor).values_list("token", flat=True)
    ) == sorted(codes)
    assert TOTPDevice.objects.get(user=editor).confirmed
    assert client.get("/admin/").status_code == 200
    # Shown once: the enrolment page now sends the editor on, with no codes.
    again = client.get(ENROL)
    assert again.status_code == 302 and again["Location"] == "/admin/"


def test_a_wrong_first_code_confirms_nothing(editor):
    client = browser()
    sign_in(client, editor.username)
    client.get(ENROL)

    response = submit(client, ENROL, {"code": "000000"})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=editor, confirmed=True).exists()
    assert client.get("/admin/").status_code == 302


def test_an_enrolled_editor_signs_in_with_password_and_code(editor):
    device, _ = enrolled(browser(), editor)
    client = browser()

    response = sign_in(client, editor.username)
    assert response.status_code == 302
    gate = client.get("/admin/articles/article/")
    assert gate["Location"] == VERIFY + "?next=%2Fadmin%2Farticles%2Farticle%2F"
    # The next step of the app's clock: the code used to enrol cannot be replayed.
    code = current_code(device, at=time.time() + device.step)
    response = submit(client, gate["Location"], {"code": code, "next": "/admin/articles/article/"})
    assert response.status_code == 302 and response["Location"] == "/admin/articles/article/"
    assert client.get("/admin/articles/article/").status_code == 200


def test_a_wrong_code_keeps_the_door_shut(editor):
    enrolled(browser(), editor)
    client = browser()
    sign_in(client, editor.username)

    response = submit(client, VERIFY, {"code": "123456"})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    assert TOTPDevice.objects.get(user=editor).throttling_failure_count == 1


def test_a_password_alone_opens_nothing_for_an_enrolled_editor(editor):
    enrolled(browser(), editor)
    client = browser()
    sign_in(client, editor.username)

    for path in ("/admin/", reverse("moderation:queue"), ENROL):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(VERIFY), path


def test_a_recovery_code_works_once(editor):
    _, codes = enrolled(browser(), editor)

    first = browser()
    sign_in(first, editor.username)
    response = submit(first, VERIFY, {"code": codes[0].upper(), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert first.get("/admin/").status_code == 200
    assert StaticToken.objects.filter(device__user=editor).count() == 9

    second = browser()
    sign_in(second, editor.username)
    response = submit(second, VERIFY, {"code": codes[0]})
    assert response.status_code == 200
    assert second.get("/admin/").status_code == 302


def test_a_recovery_code_lets_a_lost_phone_be_replaced(editor):
    _, codes = enrolled(browser(), editor)
    TOTPDevice.objects.filter(user=editor).delete()  # the administrator removed the lost phone
    client = browser()
    sign_in(client, editor.username)
    submit(client, VERIFY, {"code": codes[1]})

    new_codes = enrol(client, editor)
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    assert StaticDevice.objects.get(user=editor).token_set.count() == 10


def test_a_writer_signs_in_with_a_password_alone():
    writer = UserFactory(username="wren", groups=[WRITERS])
    client = browser()
    sign_in(client, writer.username)

    assert client.get("/admin/").status_code == 200


def test_a_writer_made_editor_while_signed_in_owes_the_second_factor_at_once():
    from django.contrib.auth.models import Group

    from newsroom.roles import EDITORS

    writer = UserFactory(username="wren", groups=[WRITERS])
    client = browser()
    sign_in(client, writer.username)
    assert client.get("/admin/").status_code == 200

    writer.groups.add(Group.objects.get(name=EDITORS))

    response = client.get("/admin/articles/article/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_enrol"))
    assert client.get("/moderation/").status_code == 302


def test_a_writer_who_set_up_a_device_uses_it():
    writer = UserFactory(username="wren", groups=[WRITERS])
    enrolled(browser(), writer)
    client = browser()
    sign_in(client, writer.username)

    assert client.get("/admin/")["Location"].startswith(VERIFY)


def test_with_two_factor_off_an_editor_signs_in_with_a_password(settings, editor):
    settings.NEWSROOM_REQUIRE_2FA = False
    client = browser()
    sign_in(client, editor.username)

    assert is_signed_in(client)
    assert client.get("/admin/").status_code == 200


def test_the_code_page_sends_nobody_off_the_site(editor):
    device, _ = enrolled(browser(), editor)
    client = browser()
    sign_in(client, editor.username)
    code = current_code(device, at=time.time() + device.step)

    response = submit(
        client,
        VERIFY + "?next=https://evil.example/",
        {"code": code, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/admin/"


def test_two_factor_is_required_in_production_and_not_in_debug():
    code = "from django.conf import settings; print(settings.NEWSROOM_REQUIRE_2FA)"
    production = manage("shell", "--no-imports", "-c", code, env=PRODUCTION)
    debug = manage("shell", "--no-imports", "-c", code, env={"NEWSROOM_DEBUG": "1"})
    switched_off = manage(
        "shell", "--no-imports", "-c", code, env={**PRODUCTION, "NEWSROOM_REQUIRE_2FA": "0"}
    )
    assert [r.stdout.strip() for r in (production, debug, switched_off)] == [
        "True",
        "False",
        "False",
    ]
