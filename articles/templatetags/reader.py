"""Template filters for the reader site; each wraps a plain, separately tested function."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString

from articles import images, structured_data
from articles.models import Article, Image
from articles.models.media import Cut

register = template.Library()


@register.filter
def json_ld(data: dict[str, Any]) -> SafeString:
    """`{{ json_ld|json_ld }}`: a safe <script type="application/ld+json"> element."""
    return structured_data.json_ld_script(data)


@register.filter
def absolute(path_or_url: str) -> str:
    return structured_data.absolute_url(path_or_url)


@register.filter
def lead_srcset(article: Article, kind: str = "jpeg") -> str:
    if not article.lead_image:
        return ""
    return images.srcset(article.lead_image.renditions or [], article.lead_image.storage, kind)


@register.filter
def cut(image: Image | None, ratio: str = "") -> Cut | None:
    """`{% with card=article.lead_image|cut:"16x9" %}`: the picture in that shape, cut around
    its focal point (the whole picture without a ratio)."""
    return image.cut(ratio or None) if image else None


@register.filter
def og_image(article: Article) -> str:
    """The largest copy of the lead image, absolute, for link previews ("" without one)."""
    urls = structured_data.lead_image_urls(article)
    return urls[0] if urls else ""


@register.filter
def w3c_datetime(value: dt.datetime) -> str:
    """Local time to the second with its offset, as sitemaps want: 2021-03-04T09:30:00+00:00."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()
