"""newsroom/lazy_messages.py: messages are stored and shown as with Django's middleware, and a
request that never touches them builds no storage and sets no cookie."""

from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils.functional import empty

from newsroom.lazy_messages import LazyMessageMiddleware


def _through(view, cookies: dict[str, str] | None = None) -> tuple[HttpRequest, HttpResponse]:
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies or {})
    middleware = SessionMiddleware(LazyMessageMiddleware(view))
    return request, middleware(request)


def test_an_untouched_request_builds_no_storage_and_sets_no_cookie():
    request, response = _through(lambda request: HttpResponse("The tide is in."))
    assert request._messages._wrapped is empty
    assert "messages" not in response.cookies
    assert "sessionid" not in response.cookies


def test_a_message_added_is_stored_and_shown_on_the_next_request():
    def adds(request: HttpRequest) -> HttpResponse:
        messages.success(request, "Story saved: Harbour wall repaired")
        return HttpResponse("saved")

    request, response = _through(adds)
    assert isinstance(request._messages._wrapped, FallbackStorage)
    stored = response.cookies["messages"].value
    assert stored

    shown: list[str] = []

    def reads(request: HttpRequest) -> HttpResponse:
        shown.extend(str(m) for m in messages.get_messages(request))
        return HttpResponse("read")

    _, response = _through(reads, {"messages": stored})
    assert shown == ["Story saved: Harbour wall repaired"]
    # Read, so the cookie is cleared, as Django's own middleware does.
    assert response.cookies["messages"].value == ""
