"""Thin template wrappers over the provenance functions (each tested on its own)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from articles.models import Article, Source
from articles.sources import sources_cited
from articles.structured_data import json_ld_script, news_article_json_ld

register = template.Library()


@register.simple_tag
def cited_sources(article: Article) -> list[Source]:
    return sources_cited(article)


@register.simple_tag
def news_article_structured_data(article: Article) -> SafeString:
    return json_ld_script(news_article_json_ld(article))
