"""Staff sign-in on the production-configured copy behind the shipped nginx config: the
lockout follows the reader's real address through the proxy, a password and an authenticator
code sign an editor in, and nginx answers 429 to a burst of sign-in or comment POSTs."""

from __future__ import annotations

import time

import pytest
from django_otp.oath import TOTP

from loopback.clients import Browser, form_fields
from loopback.servers import Response, Site

pytestmark = pytest.mark.live

PASSWORD = "a long live-test password"
KEY = "3132333435363738393031323334353637383930"  # the device's key, as django-otp stores it


@pytest.fixture(scope="module")
def staff(live_site: Site) -> dict[str, str]:
    """Two editors of the live site: one with an authenticator device, one without."""
    live_site.shell(
        "from django.contrib.auth.models import Group, User\n"
        "from django_otp.plugins.otp_totp.models import TOTPDevice\n"
        "for name in ('live-locked', 'live-two-factor'):\n"
        f"    u = User.objects.create_user(name, password={PASSWORD!r}, is_staff=True)\n"
        "    u.groups.add(Group.objects.get(name='Editors'))\n"
        "TOTPDevice.objects.create(user=User.objects.get(username='live-two-factor'),\n"
        f"                          name='Phone', key={KEY!r})\n"
    )
    return {"locked": "live-locked", "two_factor": "live-two-factor"}


def sign_in(browser: Browser, username: str, password: str) -> Response:
    """The admin's sign-in form as rendered, filled in and posted."""
    page = browser.get("/admin/login/")
    fields = form_fields(page.text, form_id="login-form")
    fields = [(k, v) for k, v in fields if k not in {"username", "password", "next"}]
    fields += [("username", username), ("password", password), ("next", "/admin/")]
    return browser.post_form("/admin/login/?next=/admin/", fields)


def current_code(at: float | None = None) -> str:
    app = TOTP(bytes.fromhex(KEY))
    app.time = at if at is not None else time.time()
    return f"{app.token():06d}"


def test_the_lockout_follows_the_real_address_through_nginx(live_site: Site, staff) -> None:
    attacker = Browser(live_site.nginx_url, source_address="127.0.4.1")
    answers = [sign_in(attacker, staff["locked"], f"wrong {n}") for n in range(5)]

    assert [a.status for a in answers] == [200, 200, 200, 200, 429]
    assert "Too many failed sign-ins" in answers[-1].text
    assert "Try again after" in answers[-1].text
    right = sign_in(attacker, staff["locked"], PASSWORD)
    assert right.status == 429 and "sessionid" not in attacker.cookies
    # Every request reached gunicorn from nginx on 127.0.0.1; the editor, from the newsroom's
    # own address, is not locked out.
    newsroom = Browser(live_site.nginx_url, source_address="127.0.4.2")
    assert sign_in(newsroom, staff["locked"], PASSWORD).status == 302
    assert newsroom.get("/admin/").status == 200


def test_an_editor_signs_in_with_password_and_authenticator_code(live_site: Site, staff) -> None:
    browser = Browser(live_site.nginx_url, source_address="127.0.4.3")
    assert sign_in(browser, staff["two_factor"], PASSWORD).status == 302

    gate = browser.get("/admin/")
    assert gate.status == 302
    assert gate.header("Location") == "/admin/sign-in/code/?next=%2Fadmin%2F"
    page = browser.get(gate.header("Location"))
    fields = [(k, v) for k, v in form_fields(page.text, form_id="code-form") if k != "code"]
    response = browser.post_form(gate.header("Location"), [*fields, ("code", current_code())])
    assert response.status == 302 and response.header("Location") == "/admin/"
    assert browser.get("/admin/articles/article/").status == 200


def test_nginx_answers_a_burst_of_sign_in_posts_with_429(live_site: Site) -> None:
    guesser = Browser(live_site.nginx_url, source_address="127.0.4.4")
    # No CSRF token: Django refuses each with a 403 until nginx stops them reaching it.
    statuses = [guesser.post_form("/admin/login/", {"username": "x"}).status for _ in range(14)]

    assert statuses[:11] == [403] * 11, statuses
    assert set(statuses[11:]) == {429}, statuses
    refused = guesser.post_form("/admin/login/", {"username": "x"})
    assert refused.status == 429 and b"nginx" in refused.body
    # The page itself is not limited, nor is anyone else.
    assert guesser.get("/admin/login/").status == 200
    other = Browser(live_site.nginx_url, source_address="127.0.4.5")
    assert other.post_form("/admin/login/", {"username": "x"}).status == 403


def test_nginx_answers_a_burst_of_comment_posts_with_429(live_site: Site) -> None:
    story = next(iter(live_site.story_ids().values()))
    flooder = Browser(live_site.nginx_url, source_address="127.0.4.6")
    path = f"/comments/post/{story}/"
    statuses = [flooder.post_form(path, {"body": "spam"}).status for _ in range(14)]

    assert 429 not in statuses[:11], statuses
    assert set(statuses[11:]) == {429}, statuses
    assert b"429 Too Many Requests" in flooder.post_form(path, {"body": "x"}).body
    assert flooder.get(next(iter(live_site.story_ids()))).status == 200
