"""articles/never_cache.py gives every response the headers Django's `never_cache` would."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.cache import add_never_cache_headers as django_headers

from articles.never_cache import NEVER_CACHE_CONTROL, add_never_cache_headers, never_cache


def _both(make: type[HttpResponse] = HttpResponse, **headers: str):
    ours, django = make("The tide is in."), make("The tide is in.")
    for name, value in headers.items():
        ours[name] = django[name] = value
    add_never_cache_headers(ours)
    django_headers(django)
    return ours, django


# 2026-12-03 14:20:07 UTC
FROZEN = 1_796_307_607.0


@pytest.fixture
def frozen_clock(monkeypatch):
    monkeypatch.setattr("time.time", lambda: FROZEN)


@pytest.mark.usefixtures("frozen_clock")
def test_a_response_with_no_caching_headers_gets_djangos_exactly():
    ours, django = _both()
    assert ours["Cache-Control"] == django["Cache-Control"] == NEVER_CACHE_CONTROL
    assert ours["Expires"] == django["Expires"] == "Thu, 03 Dec 2026 14:20:07 GMT"
    assert dict(ours.items()) == dict(django.items())


@pytest.mark.usefixtures("frozen_clock")
@pytest.mark.parametrize(
    "headers",
    [
        {"Cache-Control": "public, max-age=600"},
        {"Cache-Control": "no-transform"},
        {"Expires": "Fri, 04 Dec 2026 00:00:00 GMT"},
    ],
)
def test_a_response_that_set_its_own_is_merged_as_django_does(headers):
    ours, django = _both(**headers)
    assert dict(ours.items()) == dict(django.items())
    assert "no-store" in ours["Cache-Control"] and "private" in ours["Cache-Control"]


def test_the_decorator_keeps_the_view_and_its_name():
    @never_cache
    def tide(request, height):
        """Today's tide."""
        return HttpResponse(f"High water at {height} m.")

    response = tide(RequestFactory().get("/tide/"), height="4.2")
    assert response.content == b"High water at 4.2 m."
    assert response["Cache-Control"] == NEVER_CACHE_CONTROL
    assert tide.__name__ == "tide" and tide.__doc__ == "Today's tide."


@pytest.mark.django_db
def test_a_never_cache_page_is_never_stored_by_the_page_cache(client):
    for _ in range(2):
        response = client.get("/healthz")
        assert response.get("X-Page-Cache") is None
        assert response["Cache-Control"] == NEVER_CACHE_CONTROL
