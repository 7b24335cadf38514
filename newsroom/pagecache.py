"""The anonymous page cache: whole responses for readers without a session, exactly invalidated.

A reader's GET is answered from the shared cache (file-based by default, Redis with
`REDIS_URL`) without touching the database or a template. Keys carry a site-wide *content
version*; any change a reader could see — a story saved or published, a correction, a comment
decision, the support campaign — bumps it after the transaction commits, so no page is stale
after a change. Scheduled stories need no job: the time of the next one is kept beside the
version, and the first request after it passes bumps the version.

What is personal never enters the cache: requests carrying a session or a commenter's cookie
bypass it, and only responses that set no cookie and are not marked private are stored.

A page is keyed on its path and only the query parameters some page reads; the view is handed
just those, so anything else in the address (utm_source, fbclid, invented names) can neither
make a new entry nor show up in the page.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from email.utils import formatdate
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, QueryDict
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import parse_http_date_safe

from articles.fingerprint import code_fingerprint
from comments.cookies import OWN_COMMENTS_COOKIE
from comments.sorting import SORT_PARAMETER, SORTS

if TYPE_CHECKING:
    # The stubs' name for what `QueryDict(query_string)` returns, and what `request.GET` holds.
    from django.http.request import _ImmutableQueryDict

VERSION_KEY = "newsroom:content-version"
NEXT_SCHEDULED_KEY = "newsroom:next-scheduled"
# Kept long: the version must outlive the pages keyed on it.
VERSION_TIMEOUT = 60 * 60 * 24 * 30

# Cookies that make a request personal: staff have a session; a reader who commented carries
# a signed cookie that shows them their own pending comments, and a flash message may wait.
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, OWN_COMMENTS_COOKIE, "messages")

# What the cache keeps of a page: status, replayed headers, body.
_StoredPage = tuple[int, list[tuple[str, str]], bytes]

# The query parameters the site's pages read from `request.GET`: listings' `page`, search's
# `q`, a story's `comments` page, `replyto` and `sort`, the comment form token's `article`,
# the admin sign-in's `next` and the sitemap's `p`. A view that reads a new one adds it here;
# on the cached path it sees no other. Keying on the whole query string let 400 requests for
# /robots.txt?utm_source=N push every real page out of the cache.
PAGE_QUERY_PARAMETERS = frozenset(
    {"page", "q", "comments", "replyto", "article", "next", "p", SORT_PARAMETER}
)
# Parameters with a few known values: any other value is dropped before the key is made, so
# `?sort=<anything>` makes no entry of its own and the page shows its default order.
PAGE_QUERY_VALUES = {SORT_PARAMETER: frozenset(SORTS)}

# Headers replayed from the stored response; anything about cookies is never replayed.
_DROP_HEADERS = {"set-cookie", "vary"}


def content_version() -> str:
    """The current site-wide version, bumped first if a scheduled story's time has come."""
    values = cache.get_many([VERSION_KEY, NEXT_SCHEDULED_KEY])
    version = values.get(VERSION_KEY)
    next_scheduled = values.get(NEXT_SCHEDULED_KEY)
    due = next_scheduled is not None and next_scheduled <= timezone.now().timestamp()
    if version is None or due:
        version = bump_content_version()
    return version


def bump_content_version() -> str:
    """Start a new version: every cached page becomes unreachable (and expires on its own).

    A fresh time-based value, not a counter, so a version lost from the cache can never come
    back and meet old pages stored under it.
    """
    version = f"{time.time_ns():x}"
    cache.set_many(
        {VERSION_KEY: version, NEXT_SCHEDULED_KEY: _next_scheduled_time()},
        timeout=VERSION_TIMEOUT,
    )
    return version


def bump_after_commit() -> None:
    """Bump now, and again once the change is visible to other connections.

    The second bump matters: a worker may render the old data between the first bump and
    the commit and store it under the new version. The first keeps this connection (and a
    rolled-back-in-tests transaction) from reading its own stale page.
    """
    bump_content_version()
    transaction.on_commit(bump_content_version)


def _next_scheduled_time() -> float | None:
    """When the next story goes live or the next comment thread closes, whichever is first."""
    from django.db.models import Min

    from articles.models import Article

    now = timezone.now()
    moments = [
        Article.objects.scheduled(at=now).aggregate(at=Min("published_at"))["at"],
        Article.objects.published(at=now)
        .filter(comments_close_at__gt=now)
        .aggregate(at=Min("comments_close_at"))["at"],
    ]
    upcoming = [moment for moment in moments if moment is not None]
    return min(upcoming).timestamp() if upcoming else None


def is_personal(request: HttpRequest) -> bool:
    return any(name in request.COOKIES for name in PERSONAL_COOKIES)


# Settings that change what a page looks like; a restart with new values must not serve
# pages rendered with the old ones.
_RENDER_SETTINGS = (
    "SITE_NAME",
    "SITE_URL",
    "TIME_ZONE",
    "STATIC_URL",
    "MEDIA_URL",
    "NEWSROOM_FEED_FULL_CONTENT",
    "NEWSROOM_PAGE_MAX_AGE",
)


def page_query(request: HttpRequest) -> _ImmutableQueryDict:
    """The request's query as a cached page sees it: only `PAGE_QUERY_PARAMETERS`, by name.

    Sorted, so `?q=x&page=2` and `?page=2&q=x` are one page; each name keeps its values in
    their order, so a view reading the last of several sees the same one.
    """
    names = sorted(PAGE_QUERY_PARAMETERS.intersection(request.GET.keys()))
    return QueryDict(
        urlencode(
            [
                (name, value)
                for name in names
                for value in request.GET.getlist(name)
                if name not in PAGE_QUERY_VALUES or value in PAGE_QUERY_VALUES[name]
            ]
        )
    )


def _key(request: HttpRequest, version: str) -> str:
    rendering = "|".join(str(getattr(settings, name, "")) for name in _RENDER_SETTINGS)
    address = f"{request.path}?{page_query(request).urlencode()}"
    # Hashed: hostile query strings must not make huge or odd cache keys.
    raw = f"{rendering}|{request.method == 'HEAD'}|{request.get_host()}|{address}"
    digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
    return f"newsroom:page:{code_fingerprint()}:{version}:{digest}"


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if getattr(request, "session", None) is not None and request.session.accessed:
        return False  # the page looked at the session, so it may be personal
    control = response.get("Cache-Control", "").lower()
    return not any(word in control for word in ("private", "no-store", "no-cache"))


class AnonymousPageCacheMiddleware:
    """Serve and store whole pages for readers without a session. Place it early."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in {"GET", "HEAD"} or is_personal(request):
            return self.get_response(request)
        version = content_version()
        key = _key(request, version)
        stored = cache.get(key)
        if stored is not None:
            return self._replay(request, stored)

        # What the key left out must not reach the page either: the pagination links
        # ({% querystring %}) would carry one reader's fbclid to everyone served the page.
        request.GET = page_query(request)
        response = self.get_response(request)
        # A change committed while this page rendered may be missing from it. Such a page is
        # neither kept nor marked public: nginx must not store it either, since nginx's purge
        # of a story just taken down (newsroom/edge_purge.py) may already have run.
        if _storable(request, response) and content_version() == version:
            patch_cache_control(response, public=True, max_age=settings.NEWSROOM_PAGE_MAX_AGE)
            etag = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
            response["ETag"] = etag
            response["Last-Modified"] = formatdate(time.time(), usegmt=True)
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in _DROP_HEADERS
            ]
            cache.set(
                key,
                (response.status_code, headers, response.content),
                timeout=settings.NEWSROOM_PAGE_CACHE_TIMEOUT,
            )
            response["X-Page-Cache"] = "miss"
            return _not_modified_or(request, response)
        return response

    def _replay(self, request: HttpRequest, stored: _StoredPage) -> HttpResponse:
        status, headers, content = stored
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response["X-Page-Cache"] = "hit"
        return _not_modified_or(request, response)


def _not_modified_or(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Answer a conditional request whose copy is still current with 304."""
    etag = response.get("ETag")
    sent_tags = {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}
    if (etag and (etag in sent_tags or "*" in sent_tags)) or _unmodified_since(request, response):
        not_modified = HttpResponseNotModified()
        for name in ("ETag", "Cache-Control", "Last-Modified"):
            if name in response:
                not_modified[name] = response[name]
        return not_modified
    return response


def _unmodified_since(request: HttpRequest, response: HttpResponse) -> bool:
    if "If-None-Match" in request.headers:
        return False  # RFC 9110: the entity tag decides when both are sent
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    modified = parse_http_date_safe(response.get("Last-Modified", ""))
    return since is not None and modified is not None and modified <= since
