"""schema.org JSON-LD for story pages, built as plain dicts so other features can extend it.

`news_article_json_ld(article)` returns the NewsArticle; the reader-site work adds its own keys
(dates, authors, images) to the same dict. `json_ld_script(data)` serialises any of them into
a `<script type="application/ld+json">` that cannot be broken out of.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, Source
from articles.sources import sources_cited

# The same escapes as Django's json_script: "</script>" or "<!--" in a headline stays text.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def news_article_json_ld(article: Article) -> dict[str, Any]:
    """The story as a schema.org NewsArticle, with the sources it relies on as `citation`."""
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "url": settings.SITE_URL + article.get_absolute_url(),
        "citation": [citation_json_ld(source) for source in sources_cited(article)],
    }


def citation_json_ld(source: Source) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "CreativeWork", "name": source.title}
    if source.url:
        data["url"] = source.url
    if source.publisher:
        data["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.published_on:
        data["datePublished"] = source.published_on.isoformat()
    if source.archive_url:
        data["archivedAt"] = source.archive_url
    return data


def json_ld_script(data: dict[str, Any]) -> SafeString:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 - escaped above
