"""The anonymous page cache: whole responses for readers without a session, exactly invalidated.

A reader's GET is answered from the shared cache (an LRU disk cache by default, Redis with
`REDIS_URL`) without touching the database or a template. Each stored page carries the tags
of what it shows (articles/page_tags.py: its story, that story's comments, the listings it
belongs to, the campaign…) with the versions they had when it was stored; it is served only
while all of them still do. A change bumps just the tags it touches (newsroom/invalidation.py),
so an approved comment re-renders its own story and nothing else. Scheduled stories need no
job: the time of the next scheduled change is kept beside the versions, and the first request
after it passes bumps what that change shows (newsroom/invalidation.py, `release_due`).

What is personal never enters the cache: requests carrying a session or a commenter's cookie
bypass it, and only responses that set no cookie and are not marked private are stored.

A page is keyed on its path and only the query parameters some page reads; the view is handed
just those, so anything else in the address (utm_source, fbclid, invented names) can neither
make a new entry nor show up in the page. Kept parameters with values no page has (a page
number past the last page) are answered but not stored (`page_tags.do_not_store`).

An address whose answer said never to store it (the form-token endpoints every cached page
fetches, `never_cache` views) is remembered for a while in each process, and its requests skip
the key and the cache read they could never hit (`_NeverStored`). That only ever skips a
lookup: the page still renders fresh, and stores itself if its answer changes.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from email.utils import formatdate
from functools import cache as once
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, QueryDict
from django.utils.cache import patch_cache_control
from django.utils.http import parse_http_date_safe

from articles import page_tags
from articles.fingerprint import code_fingerprint
from comments.cookies import OWN_COMMENTS_COOKIE
from comments.sorting import SORT_PARAMETER, SORTS
from newsroom.invalidation import release_due

if TYPE_CHECKING:
    # The stubs' name for what `QueryDict(query_string)` returns, and what `request.GET` holds.
    from django.http.request import _ImmutableQueryDict

# Cookies that make a request personal: staff have a session; a reader who commented carries
# a signed cookie that shows them their own pending comments, and a flash message may wait.
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, OWN_COMMENTS_COOKIE, "messages")

# What the cache keeps of a page: status, replayed headers, body, and the version of each tag
# it shows as it was when the page was stored.
_StoredPage = tuple[int, list[tuple[str, str]], bytes, dict[str, int]]

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
    # The support page offers the online gift form only while Stripe is set up.
    "NEWSROOM_ONLINE_GIFTS",
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


# What page_query() gives a request without a query string, made once.
_NO_QUERY = QueryDict("")


@once
def _rendering() -> str:
    """The values of _RENDER_SETTINGS, joined once per process (7 settings lookups a request
    were 3% of the trivial view); forgotten when a test changes one of them."""
    return "|".join(str(getattr(settings, name, "")) for name in _RENDER_SETTINGS)


def _key(request: HttpRequest, query: QueryDict) -> str:
    rendering = _rendering()
    address = f"{request.path}?{query.urlencode()}"
    # Hashed: hostile query strings must not make huge or odd cache keys.
    raw = f"{rendering}|{request.method == 'HEAD'}|{request.get_host()}|{address}"
    digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
    return f"newsroom:page:{code_fingerprint()}:{digest}"


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether a response that did not say never to store it may be stored."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not page_tags.storable(request):
        return False
    # The page looked at the session, so it may be personal.
    return getattr(request, "session", None) is None or not request.session.accessed


def _says_never_store(response: HttpResponse) -> bool:
    control = response.get("Cache-Control", "").lower()
    return any(word in control for word in ("private", "no-store", "no-cache"))


class _NeverStored:
    """The addresses this process recently answered with a response that said not to store it,
    so their next requests skip the cache read (a third of the trivial view's middleware cost).

    Keyed on the raw request (method, Host header, path, query string) without hashing or the
    host check, since it is only ever a reason to skip a lookup: an address wrongly here renders
    fresh, never stale. Bounded in size and time, so a flood of never-cache addresses costs a
    few hundred kilobytes and a view that starts answering cacheably is read from the cache
    again within `SECONDS` even in processes that did not store it themselves.
    """

    SECONDS = 30.0
    SIZE = 2048

    def __init__(self) -> None:
        self._until: dict[tuple[str, str, str, str], float] = {}
        self._lock = threading.Lock()

    @staticmethod
    def address(request: HttpRequest) -> tuple[str, str, str, str]:
        meta = request.META
        return (
            request.method or "",
            meta.get("HTTP_HOST", ""),
            request.path,
            meta.get("QUERY_STRING", ""),
        )

    def __contains__(self, address: tuple[str, str, str, str]) -> bool:
        until = self._until.get(address)
        return until is not None and until > time.monotonic()

    def add(self, address: tuple[str, str, str, str]) -> None:
        with self._lock:
            if len(self._until) >= self.SIZE:
                now = time.monotonic()
                self._until = {a: t for a, t in self._until.items() if t > now}
                while len(self._until) >= self.SIZE:
                    del self._until[next(iter(self._until))]  # the oldest first
            self._until[address] = time.monotonic() + self.SECONDS

    def discard(self, address: tuple[str, str, str, str]) -> None:
        with self._lock:
            self._until.pop(address, None)

    def clear(self) -> None:
        with self._lock:
            self._until.clear()


never_stored = _NeverStored()


def _forget_rendering(*, setting: str, **kwargs: object) -> None:
    if setting in _RENDER_SETTINGS:
        _rendering.cache_clear()
    if setting == "CACHES":  # another cache: what this one never stored says nothing of it
        never_stored.clear()


setting_changed.connect(_forget_rendering, dispatch_uid="newsroom-pagecache-rendering")


def _current(shown: dict[str, int]) -> bool:
    """Whether every tag the page was stored with still has that version."""
    return page_tags.unchanged(shown)


class AnonymousPageCacheMiddleware:
    """Serve and store whole pages for readers without a session. Place it early."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        # Fragments (the story shell) are kept only when nothing they show changed since.
        page_tags.mark_started(request)
        if is_personal(request):
            return self.get_response(request)
        release_due()
        started = time.time_ns()
        # Made once: the key and the view see the same query (it was built twice a request).
        query = page_query(request) if request.GET else _NO_QUERY
        address = _NeverStored.address(request)
        if address in never_stored:
            return self._render(request, query, None, started, address, None)
        key = _key(request, query)
        stored = cache.get(key)
        if stored is not None and _current(stored[3]):
            return self._replay(request, stored)

        # A page kept before a change: the first request renders it anew, and the others
        # asking for it meanwhile wait for that render instead of each doing the same work
        # (the front page after an edit, under load). Only for a page that was kept, so pages
        # never stored (private, never-cache) take no lock.
        lock = f"{key}:rendering" if stored is not None else None
        if lock is not None and not cache.add(lock, 1, timeout=RENDER_LOCK_SECONDS):
            fresh = _wait_for_render(key, lock)
            if fresh is not None:
                return self._replay(request, fresh)
            lock = None  # the other render kept nothing: render this one unlocked
        try:
            return self._render(request, query, key, started, address, stored)
        finally:
            if lock is not None:
                cache.delete(lock)

    def _render(
        self,
        request: HttpRequest,
        query: _ImmutableQueryDict,
        key: str | None,
        started: int,
        address: tuple[str, str, str, str],
        replaced: _StoredPage | None,
    ) -> HttpResponse:
        # What the key left out must not reach the page either: the pagination links
        # ({% querystring %}) would carry one reader's fbclid to everyone served the page.
        request.GET = query
        response = self.get_response(request)
        if _says_never_store(response):
            if response.status_code == 200:
                never_stored.add(address)
            return response
        if not _storable(request, response):
            return response
        if key is None:  # remembered as never stored, and now it may be
            never_stored.discard(address)
            key = _key(request, query)
        shown = page_tags.versions(page_tags.page_tags(request))
        # A change committed while this page rendered may be missing from it. Such a page is
        # neither kept nor marked public: nginx must not store it either, since nginx's purge
        # of what changed (newsroom/edge_purge.py) may already have run.
        # Versions are the bump's wall-clock time, so hosts serving one site keep time with NTP.
        if max(shown.values()) >= started:
            return response
        # Browsers ask again on every view (a 304 while the ETag holds), so a story taken
        # down or corrected is gone from the next page a reader opens; nginx, which the app
        # purges on every change (newsroom/edge_purge.py), and CDNs keep it for s-maxage.
        patch_cache_control(
            response,
            public=True,
            max_age=0,
            must_revalidate=True,
            s_maxage=settings.NEWSROOM_PAGE_MAX_AGE,
        )
        etag = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
        response["ETag"] = etag
        last_modified = _last_modified(replaced)
        if last_modified is not None:
            response["Last-Modified"] = last_modified
        headers = [
            (name, value) for name, value in response.items() if name.lower() not in _DROP_HEADERS
        ]
        cache.set(
            key,
            (response.status_code, headers, response.content, shown),
            timeout=settings.NEWSROOM_PAGE_CACHE_TIMEOUT,
        )
        response["X-Page-Cache"] = "miss"
        return _not_modified_or(request, response)

    def _replay(self, request: HttpRequest, stored: _StoredPage) -> HttpResponse:
        status, headers, content, _ = stored
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response["X-Page-Cache"] = "hit"
        return _not_modified_or(request, response)


# A render holds its page's lock at most this long (a worker killed mid-render frees it so).
RENDER_LOCK_SECONDS = 10
# How long a request waits for another's render of the same page before rendering it itself.
RENDER_WAIT_SECONDS = 2.0


def _wait_for_render(key: str, lock: str) -> _StoredPage | None:
    """The page another request is rendering, once it is stored and current; None when that
    render ends without storing it (or takes longer than RENDER_WAIT_SECONDS)."""
    deadline = time.monotonic() + RENDER_WAIT_SECONDS
    # Short polls: a waiting request holds one of its worker's few threads, and a page whose
    # render takes 35 ms was found 40 ms late by polls growing to 50 ms apart; each poll is
    # two reads of the disk cache.
    pause = 0.002
    while time.monotonic() < deadline:
        time.sleep(pause)
        pause = min(pause * 2, 0.01)
        stored = cache.get(key)
        if stored is not None and _current(stored[3]):
            return stored
        if cache.get(lock) is None:
            stored = cache.get(key)  # stored just before the lock went
            return stored if stored is not None and _current(stored[3]) else None
    return None


def _last_modified(replaced: _StoredPage | None) -> str | None:
    """The Last-Modified of a page stored now; None when the copy it replaces carried the same
    second. HTTP dates have whole seconds, so two versions stored within one would share a
    date, and a client asking If-Modified-Since it (feed readers send no ETag) would be told
    its old copy is current until the page changed again; without the date it gets the page."""
    stamp = formatdate(time.time(), usegmt=True)
    if replaced is not None and ("Last-Modified", stamp) in replaced[1]:
        return None
    return stamp


def _not_modified_or(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Answer a conditional request whose copy is still current with 304."""
    # META, not request.headers: on every hit, and request.headers parses every header name.
    sent = request.META.get("HTTP_IF_NONE_MATCH")
    since = request.META.get("HTTP_IF_MODIFIED_SINCE")
    if sent is None and since is None:
        return response  # not a conditional request: most hits
    etag = response.get("ETag")
    sent_tags = {tag.strip() for tag in (sent or "").split(",")}
    if (etag and (etag in sent_tags or "*" in sent_tags)) or _unmodified_since(request, response):
        not_modified = HttpResponseNotModified()
        for name in ("ETag", "Cache-Control", "Last-Modified"):
            if name in response:
                not_modified[name] = response[name]
        return not_modified
    return response


def _unmodified_since(request: HttpRequest, response: HttpResponse) -> bool:
    if "HTTP_IF_NONE_MATCH" in request.META:
        return False  # RFC 9110: the entity tag decides when both are sent
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    modified = parse_http_date_safe(response.get("Last-Modified", ""))
    return since is not None and modified is not None and modified <= since
