"""Django's messages middleware, with the storage made only for a request that uses it.

`MessageMiddleware` builds its storage on every request: a cookie storage with its signer
(a key derived from SECRET_KEY) and a session storage beside it, 88,000 instructions of the
trivial view's 1.34 M (bench/instructions.py), though a reader's page never adds a message
and only pages that print them read any. Here `request._messages` is a lazy object that
builds that same storage the first time anything touches it (`messages.add_message`, the
`messages` context processor, iterating them in a template), and the response is updated
exactly as Django's does then; a request that never touched it has nothing to save, since
storage only writes messages that were added or marks read ones as used.
"""

from __future__ import annotations

from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty


class LazyMessageMiddleware(MessageMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        request._messages = SimpleLazyObject(lambda: default_storage(request))  # type: ignore[attr-defined]

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        messages = getattr(request, "_messages", None)
        # LazyObject keeps its wrapped object in its own __dict__ ("empty" until first use).
        if isinstance(messages, SimpleLazyObject) and vars(messages)["_wrapped"] is empty:
            return response  # never read nor added to: nothing to store or clear
        return super().process_response(request, response)
