"""Sitemaps: every live story, section, tag and author, and the Google News sitemap.

Addresses use the configured site origin (NEWSROOM_SITE_URL), like canonical links.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypedDict
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, ArticleQuerySet, Author, Section

if TYPE_CHECKING:
    from django.contrib.sites.models import Site
    from django.contrib.sites.requests import RequestSite
    from django_stubs_ext import WithAnnotations

    class _LastStory(TypedDict):
        last_story: dt.datetime

    # A section or an author as LastStorySitemap.items() lists it.
    _Listed = WithAnnotations[Section, _LastStory] | WithAnnotations[Author, _LastStory]

NEWS_WINDOW = dt.timedelta(hours=48)
# Google News reads at most this many stories from one news sitemap.
NEWS_LIMIT = 1000


class _SiteSitemap(Sitemap):
    limit = 5000

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site: Site | RequestSite | None = None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class StorySitemap(_SiteSitemap):
    def items(self) -> ArticleQuerySet:
        return Article.objects.published().newest_first()

    def lastmod(self, item: Article) -> dt.datetime:
        return item.last_modified()


class LastStorySitemap(_SiteSitemap):
    """Sections or authors with at least one live story, last modified with their newest."""

    def __init__(self, model: type[Section] | type[Author]) -> None:
        self.model = model

    def items(self) -> QuerySet[_Listed]:
        return (
            self.model.objects.annotate(
                last_story=Max("articles__published_at", filter=_live("articles__"))
            )
            .filter(last_story__isnull=False)
            .order_by("name", "pk")
        )

    def lastmod(self, item: _Listed) -> dt.datetime:
        return item.last_story


class TagSitemap(_SiteSitemap):
    def items(self) -> QuerySet[Tag]:
        return Article.objects.published().tags().order_by("name", "pk")

    def location(self, item: Tag) -> str:
        return reverse("articles:tag", kwargs={"slug": item.slug})


def _live(prefix: str) -> Q:
    """The published() rule seen from a related model, through the one queryset."""
    return Q(**{f"{prefix}in": Article.objects.published()})


SITEMAPS = {
    "stories": StorySitemap,
    "sections": LastStorySitemap(Section),
    "tags": TagSitemap,
    "authors": LastStorySitemap(Author),
}


def _news(at: dt.datetime | None) -> ArticleQuerySet:
    now = at or timezone.now()
    return Article.objects.published(at=now).filter(published_at__gte=now - NEWS_WINDOW)


def news_sitemap_stories(at: dt.datetime | None = None) -> list[Article]:
    """Live stories of the last 48 hours, for the Google News sitemap."""
    return list(
        _news(at)
        .prefetch_related("tags")  # type: ignore[misc]  # taggit is untyped: no manager seen
        .newest_first()[:NEWS_LIMIT]
    )


def has_news(at: dt.datetime | None = None) -> bool:
    """Whether the news sitemap has anything to list. Its schema wants at least one <url>, so
    while it would be empty it is not offered at all (robots.txt leaves it out, its address
    answers 404): #20."""
    return _news(at).exists()
