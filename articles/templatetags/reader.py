"""Template filters for the reader site; each wraps a plain, separately tested function."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.safestring import SafeString

from articles import archive, images, sharing, structured_data
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


@register.inclusion_tag("_sharing.html", takes_context=True)
def sharing_meta(context: template.Context) -> dict[str, Any]:
    """`{% sharing_meta %}` in base.html: the page's Open Graph and Twitter card tags, from
    what its view put in the context (articles/sharing.py). None on a preview."""
    if context.get("preview"):
        return {"share": None}
    request = context.get("request")
    values = {str(key): value for key, value in context.flatten().items()}
    return {"share": sharing.page_share(values, sharing.outlet_identity(request))}


@register.filter
def month_url(month: dt.date) -> str:
    """`{{ article.publication_month|month_url }}`: the month's archive page."""
    return archive.month_url(month)
