"""What a link preview shows of a page: Open Graph and Twitter card values, and the outlet's
identity (its logo, share picture and description) that the header and the structured data use.

Every public page carries the same tags through one include (templates/_sharing.html, drawn
by the `sharing_meta` tag); this module decides their values from what the page's view put in
its context, so no view or template restates them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import truncatewords
from django.utils.translation import get_language, gettext, to_locale

from articles import images
from articles.models import Article, Image, Outlet
from articles.structured_data import Logo, absolute_url

# The narrowest copy of a logo worth drawing in the header and handing to search engines,
# which want at least 112 pixels; the header shows it 48 pixels high.
LOGO_MIN_WIDTH = 400
# Below this width a preview card is drawn small, beside the text ("summary").
LARGE_CARD_MIN_WIDTH = 300
# Link previews cut a longer description anyway; a whole word at the end reads better.
DESCRIPTION_WORDS = 40

_IDENTITY = "_outlet_identity"


@dataclass(frozen=True)
class Picture:
    """One picture as a page hands it out: an absolute address, its size and its words."""

    url: str
    width: int | None
    height: int | None
    alt: str


@dataclass(frozen=True)
class Identity:
    name: str
    description: str
    logo: Picture | None
    share_image: Picture | None

    @property
    def publisher_logo(self) -> Logo | None:
        """The logo for the structured data's publisher (None: the shipped wordmark)."""
        return Logo(self.logo.url, self.logo.width, self.logo.height) if self.logo else None


@dataclass(frozen=True)
class Share:
    kind: str  # og:type: "article" for a story, "website" for every other page
    title: str
    description: str
    url: str
    image: Picture | None
    site_name: str
    locale: str

    @property
    def twitter_card(self) -> str:
        wide = self.image is not None and (self.image.width or 0) >= LARGE_CARD_MIN_WIDTH
        return "summary_large_image" if wide else "summary"


def og_locale(language: str | None = None) -> str:
    """The site's language as Open Graph writes it: en-gb → en_GB, es → es_ES."""
    locale = to_locale(language or get_language() or settings.LANGUAGE_CODE)
    language_part, _, region = locale.partition("_")
    return f"{language_part}_{region or language_part.upper()}"


def _logo_picture(image: Image, name: str) -> Picture:
    renditions = sorted(image.renditions or [], key=lambda r: r["width"])
    wide_enough = [r for r in renditions if r["width"] >= LOGO_MIN_WIDTH]
    chosen = (wide_enough or renditions or [None])[0]
    if chosen is None:
        return Picture(absolute_url(image.url), image.width, image.height, name)
    url = absolute_url(image.storage.url(chosen["jpeg"]))
    # A logo is the outlet's name drawn: its alternative text is the name.
    return Picture(url, chosen["width"], chosen["height"], name)


def _cut_picture(image: Image, alt: str, ratio: str | None = "16x9") -> Picture:
    cut = image.cut(ratio if ratio in images.CROP_RATIOS else None)
    return Picture(absolute_url(cut.url), cut.width, cut.height, alt)


def identity_of(outlet: Outlet | None) -> Identity:
    name = settings.SITE_NAME
    if outlet is None:
        return Identity(name, "", None, None)
    share = outlet.share_image
    return Identity(
        name=name,
        description=outlet.description,
        logo=_logo_picture(outlet.logo, name) if outlet.logo else None,
        share_image=_cut_picture(share, share.alt_text, None) if share else None,
    )


def outlet_identity(request: HttpRequest | None = None) -> Identity:
    """The outlet's identity, read once per request (the header, the sharing tags and the
    structured data all ask): one query."""
    if request is not None and (known := getattr(request, _IDENTITY, None)) is not None:
        return known
    found = identity_of(Outlet.objects.current())
    if request is not None:
        setattr(request, _IDENTITY, found)
    return found


def default_description(identity: Identity) -> str:
    return identity.description or gettext("News from %(name)s") % {"name": identity.name}


def _page_url(request: HttpRequest | None) -> str:
    """The page's own address: the path, and only the query parts that make another page."""
    if request is None:
        return absolute_url("/")
    kept = {key: request.GET[key] for key in ("q", "page") if request.GET.get(key)}
    query = urlencode(kept)
    return absolute_url(request.path + (f"?{query}" if query else ""))


def story_share(article: Article, identity: Identity) -> Share:
    image = None
    if article.lead_image:
        image = _cut_picture(article.lead_image, article.lead_image_alt)
    return Share(
        kind="article",
        title=article.headline,
        description=article.standfirst or default_description(identity),
        url=absolute_url(article.get_absolute_url()),
        image=image or identity.share_image or identity.logo,
        site_name=identity.name,
        locale=og_locale(),
    )


def _listing_words(context: Mapping[str, Any]) -> tuple[str, str] | None:
    """A listing's title and description from what its view gave the template."""
    if (section := context.get("section")) is not None:
        return section.name, section.description
    if (tag := context.get("tag")) is not None:
        return tag.name, gettext("Stories on %(topic)s.") % {"topic": tag.name}
    if (author := context.get("author")) is not None:
        return author.name, author.bio or gettext("Stories by %(name)s.") % {"name": author.name}
    if (month := context.get("month")) is not None:
        label = date_filter(month, "F Y")
        return label, gettext("Every story of %(month)s.") % {"month": label}
    if (year := context.get("year")) is not None:
        return str(year), gettext("The months of %(year)s with their stories.") % {"year": year}
    if "terms" in context:  # the search page
        query = context.get("query") or ""
        if query:
            title = gettext("Search results for “%(query)s”") % {"query": query}
            return title, title
        return gettext("Search"), gettext("Search every story.")
    if (person := context.get("person")) is not None:
        return person.name, person.description or gettext("What %(name)s told us.") % {
            "name": person.name
        }
    if (source := context.get("source")) is not None:
        return source.title, gettext("The stories that cite %(title)s.") % {"title": source.title}
    if (metric := context.get("metric")) is not None:
        return metric.name, metric.description or gettext("%(name)s over time.") % {
            "name": metric.name
        }
    if "corrections" in context:
        return gettext("Corrections"), gettext("Every correction to our stories, newest first.")
    if (campaign := context.get("campaign")) is not None:
        return campaign.title, campaign.appeal
    return None


def page_share(context: Mapping[str, Any], identity: Identity) -> Share:
    """The sharing values of any public page, from its template context."""
    request: HttpRequest | None = context.get("request")
    article = context.get("article")
    if isinstance(article, Article) and request is not None:
        if request.path == article.get_absolute_url():
            return story_share(article, identity)
        # A page about a story (its comments): the story's picture, the page's own address.
        story = story_share(article, identity)
        title = gettext("Comments on “%(headline)s”") % {"headline": article.headline}
        return Share(
            kind="website",
            title=title,
            description=story.description,
            url=_page_url(request),
            image=story.image,
            site_name=identity.name,
            locale=og_locale(),
        )
    words = _listing_words(context)
    title, description = words if words else (identity.name, "")
    if words:
        title = f"{title} — {identity.name}"
    return Share(
        kind="website",
        title=title,
        description=truncatewords(description, DESCRIPTION_WORDS)
        if description
        else default_description(identity),
        url=_page_url(request),
        image=identity.share_image or identity.logo,
        site_name=identity.name,
        locale=og_locale(),
    )
