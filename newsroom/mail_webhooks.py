"""The e-mail service's bounce webhook: anymail's tracking views, answered only for the service
the site sends through (NEWSLETTER_ESP), and never with a 500.

Every anymail tracking address stays in the URLs, but only NEWSLETTER_ESP's reaches its view:
the others are a 404. Anymail builds several views from keys of their own that Newsroom never
sets, and each request to them was a 500, mailed to the admins and sent to Sentry (the
security test of 2 Dec 2026). The mounted one answers a refused or unreadable request with a
400 logged as a warning: anymail's own refusal is a SuspiciousOperation, which Django also
mails to the admins, so anyone could fill their inbox. A failure in recording the events
(the database down) is still a 500, so that the service retries.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from anymail import urls as anymail_urls
from anymail.exceptions import AnymailAPIError, AnymailWebhookValidationFailure
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import URLPattern, path, re_path
from django.urls.resolvers import RoutePattern
from django.views.decorators.csrf import csrf_exempt

log = logging.getLogger(__name__)

SUFFIX = "_tracking_webhook"
# What a service's checks and parser raise on a body they cannot read (not JSON, a list for an
# object; Amazon SES's own "Malformed SNS message body").
UNREADABLE = (ValueError, KeyError, TypeError, AttributeError, IndexError, AnymailAPIError)


class UnreadableWebhook(AnymailWebhookValidationFailure):
    """A body that passed the secret but is not what the service sends."""


def service_of(pattern: URLPattern) -> str:
    """The service a tracking pattern is for, as NEWSLETTER_ESP names it."""
    return (pattern.name or "").removesuffix(SUFFIX)


def tracking_patterns() -> list[URLPattern]:
    """Anymail's tracking URLs (no inbound mail: Newsroom reads none), each behind the guard."""
    patterns = []
    for pattern in anymail_urls.urlpatterns:
        if not isinstance(pattern, URLPattern) or not (pattern.name or "").endswith(SUFFIX):
            continue
        mount = path if isinstance(pattern.pattern, RoutePattern) else re_path
        view = guarded(service_of(pattern), pattern.callback)
        patterns.append(mount(str(pattern.pattern), view, name=pattern.name or ""))
    return patterns


def _readable(view_class: Any) -> Any:
    """The service's view, whose checks and parser turn an unreadable body into a refusal (the
    signal's receivers are left alone: their failure is ours, and the service should retry)."""

    def run_validators(self: Any, request: HttpRequest) -> None:
        try:
            view_class.run_validators(self, request)
        except UNREADABLE as error:
            raise UnreadableWebhook(f"Unreadable {self.esp_name} webhook body") from error

    def parse_events(self: Any, request: HttpRequest) -> Any:
        try:
            return view_class.parse_events(self, request)
        except UNREADABLE as error:
            raise UnreadableWebhook(f"Unreadable {self.esp_name} webhook body") from error

    methods = {"run_validators": run_validators, "parse_events": parse_events}
    return type(view_class.__name__, (view_class,), methods)


def guarded(service: str, anymail_view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    # An as_view() function: its class and arguments, to build our own from.
    view_class = anymail_view.view_class  # type: ignore[attr-defined]  # set by as_view()
    initkwargs = anymail_view.view_initkwargs  # type: ignore[attr-defined]  # set by as_view()
    view = _readable(view_class).as_view(**initkwargs)

    @csrf_exempt  # the service authenticates with the basic-auth secret instead
    def webhook(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if service != settings.NEWSLETTER_ESP:
            raise Http404("Not the e-mail service this site sends through.")
        try:
            return view(request, *args, **kwargs)
        except AnymailWebhookValidationFailure as refusal:
            log.warning("Refused a %s webhook call: %s", service, refusal)
            return HttpResponseBadRequest("Refused.", content_type="text/plain")

    webhook.__name__ = f"{service}_tracking_webhook"
    return webhook
