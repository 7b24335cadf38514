"""RSS 2.0 feeds for the whole site, each section and each tag (django.contrib.syndication).

Items carry the full story or only its standfirst according to NEWSROOM_FEED_FULL_CONTENT,
and the lead image as an enclosure. Only `Article.objects.published()` stories appear.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.files.storage import Storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Enclosure, Rss201rev2Feed
from django.utils.translation import gettext as _
from taggit.models import Tag

from articles import page_tags
from articles.models import Article, ArticleQuerySet, Author, Section
from articles.structured_data import absolute_url

FEED_SIZE = 20


def _enclosure_length(storage: Storage, name: str) -> str:
    # RSS requires a byte length; a storage that cannot say (or a missing file) gets 0,
    # which feed readers accept, rather than failing the whole feed.
    try:
        return str(storage.size(name))
    except (OSError, NotImplementedError):
        return "0"


# What a feed is about: nothing (the whole site), a section or a tag; `get_object()` finds it
# and Feed passes it to each of the feed's own methods.
_About = TypeVar("_About")


class _StoryFeed(Feed, Generic[_About]):
    """What every story feed shares: its items, the site's live stories unless the feed
    narrows them to what it is about."""

    feed_type = Rss201rev2Feed
    # No `language` attribute: Django then writes the active language, which is the site's
    # (NEWSROOM_LANGUAGE), as <language> ("en-gb", "es").

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Every story change reaches the feeds: they print each item's text and last change.
        page_tags.shows(request, page_tags.FEEDS)
        return super().__call__(request, *args, **kwargs)

    def stories(self, obj: _About) -> ArticleQuerySet:
        return Article.objects.published()

    def items(self, obj: _About) -> list[Article]:
        return list(self.stories(obj).with_bylines().newest_first()[:FEED_SIZE])

    def item_title(self, item: Article) -> str:
        return item.headline

    def item_description(self, item: Article) -> str:
        if settings.NEWSROOM_FEED_FULL_CONTENT:
            return item.body
        return item.standfirst

    def item_link(self, item: Article) -> str:
        return absolute_url(item.get_absolute_url())

    def item_guid(self, item: Article) -> str:
        return absolute_url(item.get_absolute_url())

    def item_pubdate(self, item: Article) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Article) -> dt.datetime:
        return item.last_modified()

    def item_author_name(self, item: Article) -> str | None:
        names = [author.name for author in item.bylines]
        return ", ".join(names) or None

    def item_author_link(self, item: Article) -> str | None:
        bylines: list[Author] = item.bylines
        return absolute_url(bylines[0].get_absolute_url()) if bylines else None

    def item_categories(self, item: Article) -> list[str]:
        return [item.section.name, *(tag.name for tag in item.tags.all())]

    def item_enclosures(self, item: Article) -> list[Enclosure]:
        if not item.lead_image:
            return []
        storage = item.lead_image.storage
        renditions = sorted(item.lead_image.renditions or [], key=lambda r: -r["width"])
        name = renditions[0]["jpeg"] if renditions else item.lead_image.file.name
        # Renditions made since their size is stored need no storage request; older ones do.
        stored = renditions[0].get("jpeg_bytes") if renditions else None
        length = str(stored) if stored is not None else _enclosure_length(storage, name)
        return [Enclosure(absolute_url(storage.url(name)), length, "image/jpeg")]


class StoriesFeed(_StoryFeed[None]):
    def title(self, obj: None = None) -> str:
        return settings.SITE_NAME

    def description(self, obj: None = None) -> str:
        return _("The latest stories from %(site)s.") % {"site": settings.SITE_NAME}

    def link(self, obj: None = None) -> str:
        return absolute_url(reverse("home"))

    def feed_url(self, obj: None = None) -> str:
        return absolute_url(reverse("feed"))


class SectionFeed(_StoryFeed[Section]):
    def get_object(self, request: HttpRequest, slug: str) -> Section:
        return get_object_or_404(Section, slug=slug)

    def title(self, obj: Section) -> str:
        return f"{obj.name} — {settings.SITE_NAME}"

    def description(self, obj: Section) -> str:
        return obj.description or _("The latest %(section)s stories from %(site)s.") % {
            "section": obj.name,
            "site": settings.SITE_NAME,
        }

    def link(self, obj: Section) -> str:
        return absolute_url(obj.get_absolute_url())

    def feed_url(self, obj: Section) -> str:
        return absolute_url(reverse("articles:section-feed", kwargs={"slug": obj.slug}))

    def stories(self, obj: Section) -> ArticleQuerySet:
        return Article.objects.published().filter(section=obj)


class TagFeed(_StoryFeed[Tag]):
    def get_object(self, request: HttpRequest, slug: str) -> Tag:
        # As the tag page: a tag no live story carries is not public yet.
        return get_object_or_404(Article.objects.published().tags(), slug=slug)

    def title(self, obj: Tag) -> str:
        return f"{obj.name} — {settings.SITE_NAME}"

    def description(self, obj: Tag) -> str:
        return _("Stories about %(topic)s from %(site)s.") % {
            "topic": obj.name,
            "site": settings.SITE_NAME,
        }

    def link(self, obj: Tag) -> str:
        return absolute_url(reverse("articles:tag", kwargs={"slug": obj.slug}))

    def feed_url(self, obj: Tag) -> str:
        return absolute_url(reverse("articles:tag-feed", kwargs={"slug": obj.slug}))

    def stories(self, obj: Tag) -> ArticleQuerySet:
        return Article.objects.published().filter(tags=obj)
