"""Thin template wrappers over the provenance functions (each tested on its own)."""

from __future__ import annotations

from django import template

from articles.models import Article, Source
from articles.sources import sources_cited

register = template.Library()


@register.simple_tag
def cited_sources(article: Article) -> list[Source]:
    return sources_cited(article)
