"""Site-wide template context: configuration and navigation, never anything per user."""

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest

from articles import languages
from articles.models import Section


def site(request: HttpRequest) -> dict[str, str]:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        # The page's <html lang dir>: the site's one language (NEWSROOM_LANGUAGE).
        "LANGUAGE_TAG": languages.html_tag(),
        "LANGUAGE_DIRECTION": languages.direction(),
    }


def navigation(request: HttpRequest) -> dict[str, QuerySet[Section]]:
    # A lazy queryset: one query, only on pages that draw the navigation.
    return {"nav_sections": Section.objects.order_by("position", "name", "pk")}
