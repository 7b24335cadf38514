"""Finding comments in the moderation queue: by words (full text) and by story.

Full text: on PostgreSQL, the comment's text and name as a `simple` text-search vector (no
stemming: moderators look for the exact words readers used), matching every word; on SQLite,
each word as a case-insensitive substring of the text, name or e-mail. The words come from
`search_terms()`, the readers' search's own tokenizer, so no query syntax reaches either
engine.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Count, Q, QuerySet

from articles.search import search_terms
from comments.models import Comment


def matching(rows: QuerySet[Comment], query: str) -> QuerySet[Comment]:
    terms = search_terms(query)
    if not terms:
        return rows
    if connection.vendor == "postgresql":
        wanted = SearchQuery(
            " & ".join(f"{term}:*" for term in terms), search_type="raw", config="simple"
        )
        vector = SearchVector("body", "name", "email", config="simple")
        return rows.annotate(found=vector).filter(found=wanted)
    for term in terms:
        rows = rows.filter(
            Q(body__icontains=term) | Q(name__icontains=term) | Q(email__icontains=term)
        )
    return rows


def stories_waiting(limit: int = 100) -> list[dict]:
    """The stories with comments in the queue, most waiting first: the per-story menu."""
    return list(
        Comment.objects.filter(status=Comment.Status.PENDING)
        .order_by()
        .values("article_id", "article__headline")
        .annotate(waiting=Count("pk"))
        .order_by("-waiting", "article__headline")[:limit]
    )
