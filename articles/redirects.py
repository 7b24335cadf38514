"""Old story addresses answered with a 301: `ArticleRedirect` rows, however the path looks.

A story's own old addresses (an edited slug or date) have Newsroom's shape, /yyyy/mm/slug/,
and the story view finds them. Addresses imported from WordPress come in whatever shape its
permalink setting gave them (/ferry-fares-rise/, /2023/04/03/ferry-fares-rise/,
/news/ferry-fares-rise/), which no URL pattern matches; `OldAddressMiddleware` looks those up
when a request would otherwise end in a 404, as django.contrib.redirects does.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from articles.models import Article, ArticleRedirect


def old_address_redirect(path: str) -> HttpResponsePermanentRedirect | None:
    """A 301 to the live story that used to be at `path`, or None."""
    if "\x00" in path:
        # No recorded address holds a NUL, and PostgreSQL refuses one in a query: without
        # this, /%00/ was a 500 there instead of a 404 (found by the hostile-input tests).
        return None
    redirect = (
        ArticleRedirect.objects.filter(old_path=path, article__in=Article.objects.published())
        .select_related("article")
        .first()
    )
    if redirect is None:
        return None
    return HttpResponsePermanentRedirect(redirect.article.get_absolute_url())


class OldAddressMiddleware:
    """Turn a 404 for a recorded old address into a 301 to the story."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        return old_address_redirect(request.path) or response
