"""The benchmark's trivial view exists only with the test routes (NEWSROOM_TEST_ROUTES=1 picks
loopback/urls.py; tests/test_settings.py proves it)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_production_urls_have_no_trivial_view(client):
    assert client.get("/bench/trivial/").status_code == 404


def test_the_test_routes_add_it_behind_the_same_middleware(settings):
    settings.ROOT_URLCONF = "loopback.urls"
    client = Client()
    first = client.get("/bench/trivial/")
    second = client.get("/bench/trivial/")
    assert first.content == second.content == b"The tide is in."
    # Looked up in the page cache like any page, never stored, so every request runs the view.
    assert "X-Page-Cache" not in second
    assert "private" in second["Cache-Control"]
    assert second["X-Frame-Options"] == "DENY"
    assert client.get("/").status_code == 200  # the site itself is unchanged
