"""What search engines and link previews read: absolute addresses and schema.org JSON-LD.

Built as plain dicts so tests can check them without parsing HTML, and so other parts of
the site (sources and figures) can add to the same dict before it is written out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from articles import images
from articles.models import Article, Source
from articles.sources import sources_cited

# The wordmark shipped with the code, for an outlet that has not chosen its logo in the admin
# (articles/models/outlet.py).
LOGO_PATH = "img/logo.png"
LOGO_SIZE = (600, 60)


@dataclass(frozen=True)
class Logo:
    """The publisher's logo as schema.org wants it: an absolute address and its size."""

    url: str
    width: int | None
    height: int | None


def default_logo() -> Logo:
    width, height = LOGO_SIZE
    return Logo(absolute_url(static(LOGO_PATH)), width, height)


# The same escapes Django's json_script uses: no "</script>", "<!--" or "&" can survive
# inside the script element, whatever an editor typed into a headline.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute_url(path_or_url: str) -> str:
    """The public address of a path, on the site's configured origin (NEWSROOM_SITE_URL).

    The configured origin rather than the request's Host: behind a proxy or a CDN the
    request may arrive under an internal name, and canonical links must not follow it.
    """
    if path_or_url.startswith(("http://", "https://")):
        return path_or_url
    return f"{settings.SITE_URL}{path_or_url}"


def lead_image_urls(article: Article) -> list[str]:
    """Absolute JPEG addresses of the lead image cut to 16:9, 4:3 and 1:1 around its focal
    point, the largest copy of each (Google asks for all three); the original if no copies."""
    image = article.lead_image
    if not image:
        return []
    urls = [image.cut(ratio).url for ratio in images.CROP_RATIOS]
    return [absolute_url(url) for url in dict.fromkeys(urls)]


def publisher_json_ld(logo: Logo | None = None) -> dict[str, Any]:
    """The outlet, the same object in every story's `publisher` and on the front page."""
    logo = logo or default_logo()
    image: dict[str, Any] = {"@type": "ImageObject", "url": logo.url}
    if logo.width and logo.height:
        image |= {"width": logo.width, "height": logo.height}
    return {
        "@type": "NewsMediaOrganization",
        "@id": absolute_url("/#publisher"),
        "name": settings.SITE_NAME,
        "url": absolute_url("/"),
        "logo": image,
    }


def front_page_json_ld(search_path: str, logo: Logo | None = None) -> dict[str, Any]:
    """The front page's graph: the outlet as a NewsMediaOrganization, and the site as a
    WebSite whose search a search engine may offer in its own results."""
    organisation = publisher_json_ld(logo)
    website = {
        "@type": "WebSite",
        "@id": absolute_url("/#website"),
        "name": settings.SITE_NAME,
        "url": absolute_url("/"),
        "publisher": {"@id": organisation["@id"]},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": absolute_url(f"{search_path}?q={{search_term_string}}"),
            },
            "query-input": "required name=search_term_string",
        },
    }
    return {"@context": "https://schema.org", "@graph": [organisation, website]}


def news_article_json_ld(article: Article, *, logo: Logo | None = None) -> dict[str, Any]:
    """schema.org NewsArticle for a story, with its bylines, tags and corrections; `logo` is
    the outlet's (the shipped wordmark without one).

    Uses the story's prefetched bylines, tags and corrections when present (the story view
    prefetches them), so it adds no queries to the page.
    """
    url = absolute_url(article.get_absolute_url())
    published = timezone.localtime(article.published_at) if article.published_at else None
    modified = timezone.localtime(article.last_modified())
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline,
        "description": article.standfirst,
        "datePublished": published.isoformat() if published else None,
        "dateModified": modified.isoformat(),
        "author": [
            {"@type": "Person", "name": author.name, "url": absolute_url(author.get_absolute_url())}
            for author in article.bylines
        ],
        "publisher": publisher_json_ld(logo),
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in article.tags.all()],
        "wordCount": article.word_count,
        "isAccessibleForFree": True,
        # The documents the story relies on (the provenance ledger), as schema.org citations.
        "citation": [citation_json_ld(source) for source in sources_cited(article)],
    }
    if images := lead_image_urls(article):
        data["image"] = images
    if corrections := list(article.corrections.all()):
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": correction.text
                + (
                    f" We first printed “{correction.before_text}”; it now reads "
                    f"“{correction.after_text}”."
                    if correction.before_text
                    else ""
                ),
                "datePublished": timezone.localtime(correction.created_at).isoformat(),
            }
            for correction in corrections
        ]
    if data["datePublished"] is None:
        del data["datePublished"]
    return data


def breadcrumb_json_ld(trail: list[tuple[str, str]]) -> dict[str, Any]:
    """schema.org BreadcrumbList from (name, path) pairs, home first."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": absolute_url(path)}
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }


def citation_json_ld(source: Source) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "CreativeWork", "name": source.title}
    if source.url:
        data["url"] = source.url
    if source.publisher_name:
        data["publisher"] = {"@type": "Organization", "name": source.publisher_name}
    if source.published_on:
        data["datePublished"] = source.published_on.isoformat()
    if source.archive_url:
        data["archivedAt"] = source.archive_url
    return data


def json_ld_script(data: dict[str, Any]) -> SafeString:
    """A <script type="application/ld+json"> element holding `data`, safe to put in HTML."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    # Safe: the JSON has <, > and & escaped (as json_script does), so it cannot end the element.
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308  # nosec B308 B703
