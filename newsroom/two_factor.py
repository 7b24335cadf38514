"""The second step of a staff sign-in: entering a code, and setting up an authenticator app.

Codes come from django-otp's devices: a TOTP device (the authenticator app) and a static device
holding ten single-use recovery codes. Each device throttles wrong codes itself (a growing wait
after each), so six digits cannot be guessed however many tries an attacker makes.
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django import forms
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.never_cache import never_cache
from articles.permissions import staff_member
from newsroom.staff_auth import SECOND_FACTOR, must_use_two_factor

RECOVERY_CODES = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The six digits your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


def _next(request: HttpRequest) -> str:
    """Where to go once the code is accepted: the page asked for, if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _page(request: HttpRequest, template: str, title: str, **context: object) -> HttpResponse:
    return render(
        request,
        template,
        {**admin.site.each_context(request), "title": title, "next": _next(request), **context},
    )


def check_code(user: object, code: str) -> tuple[Device | None, str]:
    """The device that accepts `code`, or None and why not. Digits go to the authenticator,
    anything else to the recovery codes, so a typo never counts against the other device."""
    model = TOTPDevice if code.isdigit() else StaticDevice
    with transaction.atomic():
        devices = list(model.objects.devices_for_user(user, confirmed=True).select_for_update())
        for device in devices:
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                return None, "Too many wrong codes in a row: wait a minute, then try again."
            if device.verify_token(code):
                return device, ""
    return None, "That code is not right. Codes change every 30 seconds; try the current one."


@never_cache
@staff_member_required
def verify(request: HttpRequest) -> HttpResponse:
    """Enter a code from the authenticator app or a recovery code."""
    user = request.user
    if user.is_verified():  # type: ignore[union-attr]  # added by django-otp's middleware
        return redirect(_next(request))
    if not user_has_device(user):
        if must_use_two_factor(user):
            return redirect(f"{reverse('two_factor_enrol')}?{request.GET.urlencode()}")
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, problem = check_code(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("code", problem)
    return _page(request, "admin/two_factor/verify.html", "Enter your sign-in code", form=form)


def _secret_for_people(device: TOTPDevice) -> str:
    """The key as an app asks for it when typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@staff_member_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the code (or type the key), confirm one code, and get
    recovery codes, shown this once. Someone who already has a device must use it first (a
    recovery code will do, which is how a lost phone is replaced)."""
    user = staff_member(request)
    verified = user.is_verified()  # type: ignore[attr-defined]  # added by OTPMiddleware
    if not verified and user_has_device(user):
        return redirect(f"{reverse('two_factor_verify')}?{request.GET.urlencode()}")
    if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        return redirect(_next(request))
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["code"].isdigit() and device.verify_token(form.cleaned_data["code"]):
            codes = _confirm(device)
            otp_login(request, device)
            request.session[SECOND_FACTOR] = ""
            return _page(
                request,
                "admin/two_factor/recovery_codes.html",
                "Your recovery codes",
                codes=codes,
            )
        form.add_error("code", "That code is not right. Try the one your app shows now.")
    qr = segno.make(device.config_url, error="m")
    return _page(
        request,
        "admin/two_factor/enrol.html",
        "Set up two-factor sign-in",
        form=form,
        qr_svg=qr.svg_inline(scale=5, dark="#000", light="#fff", title="Sign-in QR code"),
        secret=_secret_for_people(device),
        required=must_use_two_factor(user),
    )


def _confirm(device: TOTPDevice) -> list[str]:
    """Confirm the new authenticator and replace the recovery codes with fresh ones."""
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        recovery, _ = StaticDevice.objects.get_or_create(
            user=device.user, name=RECOVERY_NAME, defaults={"confirmed": True}
        )
        recovery.token_set.all().delete()
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    return codes
