"""Deployment checks of Newsroom's own settings, run by `manage.py check --deploy`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_site_url(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Feeds, sitemaps, canonical links and reply e-mails carry NEWSROOM_SITE_URL; left at the
    development default they would send every reader to 127.0.0.1."""
    if settings.SITE_URL == settings.SITE_URL_DEFAULT:
        return [
            Error(
                f"NEWSROOM_SITE_URL is not set, so feeds, sitemaps, canonical links and e-mails "
                f"would point at {settings.SITE_URL}.",
                hint="Set NEWSROOM_SITE_URL to the site's public address, "
                "e.g. https://news.example.org.",
                id="newsroom.E001",
            )
        ]
    if urlsplit(settings.SITE_URL).scheme != "https":
        return [
            Warning(
                f"NEWSROOM_SITE_URL ({settings.SITE_URL}) is not an https:// address.",
                hint="Readers follow it from feeds and e-mails; serve the site over HTTPS.",
                id="newsroom.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_test_routes(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """NEWSROOM_TEST_ROUTES routes the battery's deliberately vulnerable pages (an XSS and an
    SQL injection). The battery and the benchmark serve them with production settings on
    loopback, and never run the deployment checks, so a site whose deployment is checked must
    not have them."""
    if settings.NEWSROOM_TEST_ROUTES and not settings.DEBUG:
        return [
            Error(
                "NEWSROOM_TEST_ROUTES is on, which serves the test-only pages of loopback/urls.py "
                "(among them deliberately vulnerable ones).",
                hint="Unset NEWSROOM_TEST_ROUTES; it is for sites started on loopback by the "
                "tests, the benchmark and the battery.",
                id="newsroom.E002",
            )
        ]
    return []
