"""The Content-Security-Policy header, on every response.

Django 5.2 has no CSP of its own; a policy is a fixed string per area of the site, so a small
middleware does the job and no dependency is needed.

No nonces, on purpose: the anonymous page cache (newsroom/pagecache.py) replays one stored
response to every reader, so a per-request nonce would be shared by everyone who got that copy
and would prove nothing. The reader site therefore has no inline script at all (scripts live
in static/js/) and the policy is the same for every request to an area, cached or not.

`<script type="application/ld+json">` (structured data on stories and listings) needs no hash:
it is a data block, which browsers never execute, so `script-src` does not apply to it. Its
contents are escaped like `json_script` (articles/structured_data.py), so it cannot close the
element early and turn into markup.

The middleware sits outside the page cache, so a replayed page gets the current policy even
if it was stored before the policy changed.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.urls import get_script_prefix, reverse

CSP_HEADER = "Content-Security-Policy"

# The whole site: nothing but our own origin, no plugins, no framing, no <base> tricks, forms
# post only to us. `img-src data:` is for the admin's and the editor's small inline icons.
_COMMON = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def _media_origin() -> str | None:
    """Where uploaded images are served from when that is not this site (S3, a CDN)."""
    url = default_storage.url("lead-images/x.jpg")
    parts = urlsplit(url)
    if parts.scheme in {"http", "https"} and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def _importmap_hash() -> str:
    """The hash of the story editor's import map, the admin's one inline script.

    django-prose-editor loads its ES modules through a `<script type="importmap">`, which
    browsers treat as inline script. It is computed from the same object the widget renders
    (its paths come from the static storage, hashed names in production), so the hash always
    matches what the page carries; any other inline script is still refused.
    """
    from django_prose_editor.widgets import importmap

    rendered = str(importmap.render())
    match = re.search(r"<script[^>]*>(.*)</script>", rendered, re.S)
    content = match.group(1) if match else ""
    digest = hashlib.sha256(content.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def _serialise(directives: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def _checkout_origin() -> str:
    """Stripe Checkout's origin while online gifts are on: the gift form's post is answered
    with a redirect there, and browsers hold redirects after a form to `form-action` too."""
    return settings.STRIPE_CHECKOUT_ORIGIN if settings.NEWSROOM_ONLINE_GIFTS else ""


@functools.cache
def reader_policy(checkout_origin: str = "") -> str:
    """Public pages, the moderation queue, comment pages, error pages: strictest."""
    directives = {name: list(values) for name, values in _COMMON.items()}
    origin = _media_origin()
    if origin:
        directives["img-src"].append(origin)
    if checkout_origin:
        directives["form-action"].append(checkout_origin)
    return _serialise(directives)


@functools.cache
def admin_policy() -> str:
    """The admin (the CMS): the reader policy plus what Django's admin and the editor need.

    - the import map's hash (see `_importmap_hash`);
    - `style-src 'unsafe-inline'`: the editor (Tiptap) injects a `<style>` element for
      ProseMirror's layout, and django-simple-history's history list carries a `style`
      attribute. Inline *styles* cannot run code; the admin is staff-only and never cached
      for readers. Scripts stay strict: no `'unsafe-inline'`, no `'unsafe-eval'`.
    """
    directives = {name: list(values) for name, values in _COMMON.items()}
    origin = _media_origin()
    if origin:
        directives["img-src"].append(origin)
    directives["script-src"].append(_importmap_hash())
    directives["style-src"].append("'unsafe-inline'")
    return _serialise(directives)


@functools.cache
def _admin_path() -> str:
    """Where the admin starts, relative to the script prefix as `path_info` is.

    Worked out once: reversing on every response cost 18 µs, a noticeable share of a page
    cache hit, and the admin's address does not change while the process runs.
    """
    return "/" + reverse("admin:index")[len(get_script_prefix()) :]


def policy_for(path: str) -> str:
    return admin_policy() if path.startswith(_admin_path()) else reader_policy(_checkout_origin())


class ContentSecurityPolicyMiddleware:
    """Add the area's Content-Security-Policy to every response. Place it outside the cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response[CSP_HEADER] = policy_for(request.path_info)
        return response
