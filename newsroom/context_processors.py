"""Site-wide template context: configuration and navigation, never anything per user."""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from articles import languages
from articles.models import Section
from articles.sharing import outlet_identity


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        # The page's <html lang dir>: the site's one language (NEWSROOM_LANGUAGE).
        "LANGUAGE_TAG": languages.html_tag(),
        "LANGUAGE_DIRECTION": languages.direction(),
        # Lazy: read (one query, shared with the sharing tags) only by pages that draw it.
        "outlet": SimpleLazyObject(lambda: outlet_identity(request)),
    }


def navigation(request: HttpRequest) -> dict[str, QuerySet[Section]]:
    # A lazy queryset: one query, only on pages that draw the navigation.
    return {"nav_sections": Section.objects.order_by("position", "name", "pk")}
