"""Related stories under a story: the most tags in common first, then the same section."""

from __future__ import annotations

from django.db.models import Count, Q

from articles.models import Article

RELATED_LIMIT = 4


def related_articles(article: Article, *, limit: int = RELATED_LIMIT) -> list[Article]:
    """Live stories sharing tags or the section with `article`, in one query.

    Uses the story's prefetched tags when present. Newest first among equals.
    """
    tag_ids = [tag.pk for tag in article.tags.all()]
    others = Article.objects.published().exclude(pk=article.pk).select_related("section")
    if not tag_ids:
        return list(others.filter(section_id=article.section_id).newest_first()[:limit])
    return list(
        others.annotate(shared_tags=Count("tags", filter=Q(tags__in=tag_ids), distinct=True))
        .filter(Q(shared_tags__gt=0) | Q(section_id=article.section_id))
        .order_by("-shared_tags", "-published_at", "-pk")[:limit]
    )
