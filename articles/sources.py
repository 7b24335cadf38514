"""Links in a story's body, resolved to the source registry.

`sync_sources(article)` runs whenever a story is saved (articles/derived.py): every external
link in the body becomes a `Source` — matched on `normalize_url()` (articles/links.py),
created if new — and the story's list of sources follows its links. Sources an editor added
by hand stay put.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from articles.links import external_links
from articles.models import Article, ArticleSource, Figure, Quote, Source


@dataclass(frozen=True)
class SyncResult:
    added: list[Source]
    removed: list[Source]
    created: list[Source]


def sync_sources(article: Article) -> SyncResult:
    """Make the story's body-link sources match the external links in its body.

    New addresses become registry entries titled with the link text; links that left the body
    are removed from the story unless an editor added that source by hand.
    """
    links = external_links(article.body)
    added: list[Source] = []
    created: list[Source] = []
    with transaction.atomic():
        existing = {s.normalized_url: s for s in Source.objects.filter(normalized_url__in=links)}
        current = {
            link.source_id: link
            for link in ArticleSource.objects.filter(article=article).select_related("source")
        }
        wanted_ids: set[int] = set()
        for key, link in links.items():
            source = existing.get(key)
            if source is None:
                # get_or_create: two editors saving stories with the same new link at once
                # meet the unique address constraint, and the second one reuses the row.
                source, made = Source.objects.get_or_create(
                    normalized_url=key,
                    defaults={
                        "title": (link.text or urlsplit(key).hostname or key)[:300],
                        "publisher": urlsplit(key).hostname or "",
                        "url": link.href[:1000],
                        "accessed_on": timezone.localdate(),
                    },
                )
                if made:
                    created.append(source)
            wanted_ids.add(source.pk)
            if source.pk not in current:
                ArticleSource.objects.create(
                    article=article, source=source, origin=ArticleSource.Origin.BODY
                )
                added.append(source)
        stale = [
            link
            for source_id, link in current.items()
            if link.origin == ArticleSource.Origin.BODY and source_id not in wanted_ids
        ]
        ArticleSource.objects.filter(pk__in=[link.pk for link in stale]).delete()
    return SyncResult(added=added, removed=[link.source for link in stale], created=created)


def sources_cited(article: Article) -> list[Source]:
    """Every source the story relies on: its linked and hand-added sources, then those of its
    figures and quotes, each once. Uses the prefetch from `provenance_prefetches()`."""
    cited: dict[int, Source] = {}
    for link in article.source_links.all():
        cited.setdefault(link.source_id, link.source)
    items: list[Figure | Quote] = [*article.figures.all(), *article.quotes.all()]
    for item in items:
        # No query either way: a missing source is known from the empty column, and a present
        # one comes with the prefetch.
        if item.source is not None:
            cited.setdefault(item.source.pk, item.source)
    return list(cited.values())
