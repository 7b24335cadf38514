"""Links in a story's body, resolved to the source registry.

`sync_sources(article)` runs whenever a story is saved (articles/derived.py): every external
link in the body becomes a `Source` — matched on `normalize_url()` (articles/links.py),
created if new — and the story's list of sources follows its links. Sources an editor added
by hand stay put.

A new source belongs to the publisher registered for its domain (or a parent domain), and is
titled from the editor's words: the link's text, unless that is a stand-in such as "LINK" or
"here", then the document's own address ("/statements/withdrawal-timetable" gives "Withdrawal
timetable"). A source first titled that way takes the editor's words once the link has them.
Two links to one outlet give one publisher and a source per document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.db import transaction
from django.utils import timezone

from articles.links import ExternalLink, external_links
from articles.models import (
    Article,
    ArticleSource,
    Figure,
    Publisher,
    PublisherDomain,
    Quote,
    Source,
)
from articles.models.publishers import domain_candidates
from articles.placeholders import PLACEHOLDER_WORDS, VAGUE_WORDS

# What a publisher's kind makes of the documents it issues, as readers see them.
SOURCE_KIND_OF = {
    Publisher.Kind.AGENCY: Source.Kind.AGENCY,
    Publisher.Kind.STATE_MEDIA: Source.Kind.AGENCY,
    Publisher.Kind.NEWSPAPER: Source.Kind.REPORT,
    Publisher.Kind.BROADCASTER: Source.Kind.REPORT,
    Publisher.Kind.GOVERNMENT: Source.Kind.STATEMENT,
    Publisher.Kind.NGO: Source.Kind.STATEMENT,
    Publisher.Kind.COMPANY: Source.Kind.STATEMENT,
    Publisher.Kind.RESEARCH: Source.Kind.DOCUMENT,
}


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
        publishers = publishers_for_hosts(
            [urlsplit(key).hostname or "" for key in links if key not in existing]
        )
        current = {
            link.source_id: link
            for link in ArticleSource.objects.filter(article=article).select_related("source")
        }
        wanted_ids: set[int] = set()
        for key, link in links.items():
            source = existing.get(key)
            if source is None:
                host = urlsplit(key).hostname or ""
                publisher = publisher_of(host, publishers)
                # get_or_create: two editors saving stories with the same new link at once
                # meet the unique address constraint, and the second one reuses the row.
                source, made = Source.objects.get_or_create(
                    normalized_url=key,
                    defaults={
                        "title": source_title(link)[:300],
                        "provisional_title": is_stand_in_text(link.text),
                        "publisher": publisher.name if publisher else host,
                        "issued_by": publisher,
                        "kind": SOURCE_KIND_OF.get(
                            Publisher.Kind(publisher.kind), Source.Kind.OTHER
                        )
                        if publisher
                        else Source.Kind.OTHER,
                        "url": link.href[:1000],
                        "accessed_on": timezone.localdate(),
                    },
                )
                if made:
                    created.append(source)
            elif source.provisional_title and not is_stand_in_text(link.text):
                # The first link said "LINK"; this one names the document.
                source.title = source_title(link)[:300]
                source.provisional_title = False
                source.save(update_fields=["title", "provisional_title"])
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


def kind_of(publisher: Publisher | None) -> str:
    """The kind a new source of this publisher gets ("Other" when it is unknown)."""
    if publisher is None:
        return Source.Kind.OTHER
    return SOURCE_KIND_OF.get(Publisher.Kind(publisher.kind), Source.Kind.OTHER)


def is_stand_in_text(text: str) -> bool:
    """Link words that name nothing: empty, "LINK", "[link]", "here", "click here"."""
    return not text.strip() or bool(PLACEHOLDER_WORDS.match(text) or VAGUE_WORDS.match(text))


def source_title(link: ExternalLink) -> str:
    """The editor's words for the document, never a stand-in such as "LINK"."""
    if not is_stand_in_text(link.text):
        return link.text
    return title_from_address(link.href)


def title_from_address(url: str) -> str:
    """ "https://x.example/statements/withdrawal-timetable.html" -> "Withdrawal timetable"."""
    parts = urlsplit(url)
    segments = [unquote(p) for p in parts.path.split("/") if p]
    for segment in reversed(segments):
        words = re.sub(r"\.(?:html?|php|aspx?|pdf)$", "", segment, flags=re.I)
        words = re.sub(r"[-_+]+", " ", words).strip()
        if re.search(r"[A-Za-z]{3,}", words) and not re.fullmatch(r"[\d\s]+", words):
            return words[:1].upper() + words[1:]
    return f"Page on {parts.hostname or url}"


def publishers_for_hosts(hosts: list[str]) -> dict[str, Publisher]:
    """The registered publishers of these hosts' domains, by domain: one query."""
    candidates = {c for host in hosts if host for c in domain_candidates(host)}
    if not candidates:
        return {}
    rows = PublisherDomain.objects.filter(domain__in=candidates).select_related("publisher")
    return {row.domain: row.publisher for row in rows}


def publisher_of(host: str, publishers: dict[str, Publisher]) -> Publisher | None:
    """The publisher of the longest registered domain the host belongs to."""
    return next((publishers[c] for c in domain_candidates(host) if c in publishers), None)


def claim_sources(domain: PublisherDomain) -> int:
    """Give the domain's publisher the registry's sources on it that have none yet."""
    unclaimed = Source.objects.filter(issued_by=None, normalized_url__contains=domain.domain)
    claimed = []
    for source in unclaimed:
        host = urlsplit(source.normalized_url).hostname or ""
        if domain.domain in domain_candidates(host):
            claimed.append(source.pk)
    publisher = domain.publisher
    kind = kind_of(publisher)
    rows = Source.objects.filter(pk__in=claimed)
    # Only a kind nobody chose ("Other", as links made them) follows the publisher's.
    rows.filter(kind=Source.Kind.OTHER).update(kind=kind)
    return rows.update(issued_by=publisher, publisher=publisher.name)


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
