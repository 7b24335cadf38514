"""The shared preview page: an unpublished story for someone holding a link an editor made.

Not a staff page: whoever has the address reads the story through the reader template, with a
"Preview — not published" banner, `noindex`, and never cached anywhere (no page cache, no
nginx, no browser). A revoked, expired or altered link, or one whose story has been
published, is a plain 404 that says nothing about the story.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from articles.models import Article, PreviewLink
from articles.never_cache import never_cache
from articles.views import story_context, story_queryset


@never_cache  # private, no-store: neither the page cache nor nginx keeps it (pagecache.py)
@require_safe
def shared_preview(request: HttpRequest, token: str) -> HttpResponse:
    key = PreviewLink.key_from(token)
    link = PreviewLink.objects.usable().filter(key=key).first() if key else None
    if link is None:
        raise Http404("No such page.")
    article = story_queryset(Article.objects.all()).get(pk=link.article_id)
    link.record_use()
    context = story_context(article, preview=True, request=request) | {"shared_preview": link}
    response = render(request, "articles/story.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    # No address of the page may leave it through the Referer header of a link clicked in it.
    response["Referrer-Policy"] = "no-referrer"
    return response
