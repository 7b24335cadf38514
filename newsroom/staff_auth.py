"""Staff sign-in beyond the password: the lockout after repeated failures (django-axes), the
second factor (django-otp) and the idle timeout of staff sessions, and the password-reset form.

The sign-in itself is the admin's own login form. After it, a session is "signed in" but, for
anyone who has a device or must have one, not yet *verified*: `StaffSessionMiddleware` sends it
to enter a code (newsroom/two_factor.py) before any other page.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.db.models import Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_otp import user_has_device

from articles.permissions import is_editor
from comments.decisions import is_moderator

# --- Lockout ---------------------------------------------------------------------------------


class SignInAttempts(AxesDatabaseHandler):
    """axes' database handler with a limit of its own for each lockout parameter.

    axes compares one count with one limit (NEWSROOM_SIGNIN_FAILURES). Its count is the larger
    of the failures for this account from this address and those of this address whatever the
    names, and the address's count is scaled so that NEWSROOM_SIGNIN_ADDRESS_FAILURES of them
    reach the limit: a newsroom behind one office address can mistype a few times without
    locking each other out, and an address trying name after name is still stopped.
    """

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        # One queryset per entry of AXES_LOCKOUT_PARAMETERS, in its order.
        account_here, address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        limit = settings.AXES_FAILURE_LIMIT
        return max(account_here, address * limit // settings.NEWSROOM_SIGNIN_ADDRESS_FAILURES)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The page a locked-out sign-in gets instead of the login form (AXES_LOCKOUT_CALLABLE):
    in the admin's design, saying when to try again. This failed try has just started the
    wait again (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so it ends a lockout from now."""
    attempt_at = getattr(request, "axes_attempt_time", None) or timezone.now()
    until = timezone.localtime(attempt_at + settings.AXES_COOLOFF_TIME)
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed sign-ins",
        "until": until,
        "minutes": settings.NEWSROOM_SIGNIN_LOCKOUT_MINUTES,
    }
    return render(
        request,
        "admin/locked_out.html",
        context,
        status=429,  # Too Many Requests, as django-axes answers a lockout
    )


# --- Who needs a second factor -----------------------------------------------------------------


def must_use_two_factor(user: Any) -> bool:
    """Whether this account may not sign in on a password alone: with NEWSROOM_REQUIRE_2FA on,
    editors, moderators and superusers (those who publish, remove readers' words or manage
    accounts). Anyone else who has set up a device uses it too (`second_factor`)."""
    if not settings.NEWSROOM_REQUIRE_2FA or not user.is_authenticated:
        return False
    # Asked by permission, not group name: the admin has loaded the permissions for the request
    # already, so asking on every page costs no query.
    return bool(user.is_superuser or is_editor(user) or is_moderator(user))


# What the session still has to do after the password: enter a code, set up a device, or
# nothing. Decided at sign-in and kept in the session; a session that owed nothing is asked
# again on each page whether its account now needs a second factor (a writer made editor).
SECOND_FACTOR = "newsroom_second_factor"
VERIFY, ENROL, NOTHING = "verify", "enrol", ""


def second_factor(user: Any) -> str:
    if user_has_device(user):
        return VERIFY
    return ENROL if must_use_two_factor(user) else NOTHING


# Pages a signed-in but unverified session may open: the two-factor pages themselves, signing
# out or in as someone else, and the password reset (which signs nobody in).
OPEN_BEFORE_SECOND_FACTOR = {
    "two_factor_verify",
    "two_factor_enrol",
    "admin:login",
    "admin:logout",
    "admin_password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "healthz",
}

# --- Idle timeout ------------------------------------------------------------------------------

LAST_SEEN = "newsroom_last_seen"
# The session is written at most this often just to say it is still in use; the timeout is
# exact to within this.
LAST_SEEN_RESOLUTION = 60


@receiver(user_logged_in)
def _start_staff_session(sender: type, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    request.session[LAST_SEEN] = int(time.time())
    request.session[SECOND_FACTOR] = second_factor(user)


def _signed_in(request: HttpRequest) -> bool:
    """Whether someone is signed in, without touching the session of a request that has none:
    reading it would add `Vary: Cookie` to every reader's page and keep it out of the caches."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return request.user.is_authenticated


class StaffSessionMiddleware:
    """For a signed-in staff session: sign it out after NEWSROOM_ADMIN_IDLE_MINUTES without a
    request, and send it to its second factor before any page but the sign-in ones. Requests
    without a signed-in user (every reader) pass untouched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _signed_in(request) and request.user.is_staff:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            if (
                last_seen is not None
                and now - last_seen > settings.NEWSROOM_ADMIN_IDLE_MINUTES * 60
            ):
                logout(request)
                return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
            if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN] = now
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable, args: tuple, kwargs: dict
    ) -> HttpResponse | None:
        if not _signed_in(request):
            return None
        user = request.user
        if user.is_verified():  # type: ignore[union-attr]  # added by django-otp's middleware
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        step = request.session.get(SECOND_FACTOR)
        if step is None or (step == NOTHING and must_use_two_factor(user)):
            # A session from before two-factor sign-in existed, or one whose account became an
            # editor or moderator since it signed in: it owes the second factor now.
            step = request.session[SECOND_FACTOR] = second_factor(user)
        if step == NOTHING:
            return None
        target = reverse("two_factor_verify" if step == VERIFY else "two_factor_enrol")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


# --- Password reset ----------------------------------------------------------------------------


class StaffPasswordResetForm(PasswordResetForm):
    """Django's reset form, answering an unknown address exactly as a known one.

    The page is the same either way (Django's), and the request never waits on the mail
    server: the message is handed to a thread, so how long the answer takes says nothing about
    whether a message was sent. Accounts imported without a password (an unusable one) may set
    one this way; Django's form leaves them out. The link names NEWSROOM_SITE_URL, never the
    Host a request claimed."""

    def get_users(self, email: str) -> list[Any]:
        model = get_user_model()
        field = model.get_email_field_name()
        email = email.strip()
        return [
            user
            for user in model._default_manager.filter(
                **{f"{field}__iexact": email, "is_active": True, "is_staff": True}
            )
            if getattr(user, field).casefold() == email.casefold()
        ]

    def save(self, **kwargs: Any) -> None:  # type: ignore[override]  # Django's own form, narrower
        site = urlsplit(settings.SITE_URL)
        kwargs.update(domain_override=site.netloc, use_https=site.scheme == "https", request=None)
        super().save(**kwargs)

    def send_mail(self, *args: Any, **kwargs: Any) -> None:
        threading.Thread(
            target=super().send_mail, args=args, kwargs=kwargs, name="password-reset-mail"
        ).start()
