"""`never_cache` with Django's headers, written once instead of merged twice.

Django's decorator sets `Expires` and then merges `max-age=0` and the four no-cache words into
`Cache-Control` with two rounds of `patch_cache_control` (parse the header, merge, join it
again): 75,000 instructions, a twelfth of the benchmark's trivial view, paid by every answer
that must never be stored (`/healthz` that load balancers poll, the flag, confirm and
unsubscribe pages, shared previews, the moderation queue, two-factor). A response that set
none of those headers itself gets the very headers Django's would give it, written directly;
one that did goes through Django's merge as before (tests/test_never_cache.py compares both
with Django's).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, cast

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers as merge_never_cache_headers
from django.utils.http import http_date
from django.views.decorators.cache import never_cache as django_never_cache

# What Django's add_never_cache_headers leaves in Cache-Control when there was none.
NEVER_CACHE_CONTROL = "max-age=0, no-cache, no-store, must-revalidate, private"


def add_never_cache_headers(response: HttpResponseBase) -> None:
    if "Cache-Control" in response.headers or "Expires" in response.headers:
        merge_never_cache_headers(response)
        return
    response.headers["Expires"] = http_date(time.time())
    response.headers["Cache-Control"] = NEVER_CACHE_CONTROL


def never_cache(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Mark every response of `view` as never to be stored, by any cache."""
    if iscoroutinefunction(view):
        # The site has no async views; Django's decorator handles them.
        return cast(Callable[..., HttpResponseBase], django_never_cache(view))

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper
