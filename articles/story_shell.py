"""A story page as two cached parts: the shell (everything but the comment area) and the
comment area, each with its own exact invalidation.

The page cache keeps whole pages, so an approved comment re-rendered the whole story: its six
prefetches, the related stories, the structured data and the template, about 30 ms of CPU, for
a change to the comment area alone. The shell is everything the page shows that is the same
for every reader and has nothing to do with comments: it is rendered once, split where the
comment area goes, and stored with the version of every tag it showed (articles/page_tags.py:
the story, the related stories and the listings they were chosen from, the campaign, the site).
A later render of the page, after a comment decision or for a reader the page cache does not
answer, reads the shell, checks those versions as the page cache does, and renders only the
comment area (itself a cached fragment, comments/threads.py) into it.

A shell is stored only when no tag it shows changed since the request started (the versions
are times; the same rule, and the same proof, as the page cache's in newsroom/pagecache.py),
so one rendered from rows read before a change can never be kept under the change's version.

The shell is kept under the page's address with the story's row as it was read for it, so a
render from the shell runs no query for the story at all (the row's lookup was a third of such
a render). That row is as current as the shell: the shell shows the story's own tag, which
every change to the row bumps (newsroom/invalidation.py; rows change only through `save()`),
and anything time-based the comment area decides from the row (comments closing) it decides
from the row's fields and the clock, as it would from a fresh one.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from articles import page_tags
from articles.fingerprint import code_fingerprint
from articles.models import Article

# Set on the request while the shell renders: `{% story_comments %}` prints it instead of the
# comment area, and the shell is cut in two there.
MARKER_ATTRIBUTE = "_story_shell_marker"
COMMENTS_TEMPLATE = "articles/_story_comments.html"
# The shell goes with its tags' versions long before this.
SHELL_TIMEOUT = 60 * 60 * 24

# Settings the shell's HTML depends on (absolute addresses, dates, static files).
_RENDER_SETTINGS = ("SITE_NAME", "SITE_URL", "TIME_ZONE", "STATIC_URL", "MEDIA_URL")

# The story's row, the page before and after the comment area, and the shown tags' versions.
_Shell = tuple[Article, str, str, dict[str, int]]


def comment_marker(request: HttpRequest) -> str | None:
    """What `{% story_comments %}` prints instead of the comment area while a shell renders."""
    return getattr(request, MARKER_ATTRIBUTE, None)


def _key(request: HttpRequest) -> str:
    rendering = "|".join(str(getattr(settings, name, "")) for name in _RENDER_SETTINGS)
    raw = f"{rendering}|{request.path}"
    digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"newsroom:story-shell:{code_fingerprint()}:{digest}"


def _comment_area(request: HttpRequest, article: Article) -> SafeString:
    return render_to_string(COMMENTS_TEMPLATE, {"article": article}, request=request)


def _page(before: str, area: str, after: str) -> HttpResponse:
    return HttpResponse(before + area + after)


def reuse(request: HttpRequest) -> HttpResponse | None:
    """The story page at this address from its stored shell and a fresh comment area, with no
    query for the story; None when no current shell is kept (then the view looks the story up
    and calls `respond`)."""
    stored: _Shell | None = cache.get(_key(request))
    if stored is None:
        return None
    article, before, after, shown = stored
    if not page_tags.unchanged(shown):
        return None
    page_tags.shows(request, *shown)
    return _page(before, _comment_area(request, article), after)


def respond(
    request: HttpRequest, article: Article, render_shell: Callable[[], HttpResponse]
) -> HttpResponse:
    """The story page rendered whole, its shell kept for the next render of this address."""
    # The row alone, taken before the shell's prefetches attach its parts to it: those are
    # the shell's to show, and a kept copy of them would only make every read bigger.
    row = copy.copy(article)
    marker = f"<!--comments-{secrets.token_hex(16)}-->"
    setattr(request, MARKER_ATTRIBUTE, marker)
    try:
        shell = render_shell()
    finally:
        delattr(request, MARKER_ATTRIBUTE)
    html = shell.content.decode(shell.charset)
    before, found, after = html.partition(marker)
    if not found or marker in after:
        raise RuntimeError("The story template must draw {% story_comments %} exactly once.")
    shown = page_tags.versions(page_tags.page_tags(request))
    started = page_tags.started(request)
    if started is not None and max(shown.values()) < started:
        cache.set(_key(request), (row, before, after, shown), timeout=SHELL_TIMEOUT)
    # Drawn after the shell's tags are read: the comment area's own (the story's comments)
    # are the page's, never the shell's.
    return _page(before, _comment_area(request, article), after)
