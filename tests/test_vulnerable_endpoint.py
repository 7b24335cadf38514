"""The battery's deliberately vulnerable pages (loopback/views.py) exist only when the test
routes are switched on: absent by default, present with the switch, so the absence test can
fail. NEWSROOM_TEST_ROUTES=1 makes loopback/urls.py the ROOT_URLCONF (tests/test_settings.py
proves it); here the URLconf is swapped directly."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

PLANTED = ["/__battery__/", "/__battery__/echo/?q=x", "/__battery__/lookup/?p=1"]


@pytest.fixture
def test_routes(settings):
    """The URLconf the switch picks; pytest-django puts the site's back afterwards."""
    settings.ROOT_URLCONF = "loopback.urls"


def test_the_switch_is_off_unless_set() -> None:
    from django.conf import settings

    assert settings.NEWSROOM_TEST_ROUTES is False
    assert settings.ROOT_URLCONF == "newsroom.urls"


@pytest.mark.django_db
def test_the_vulnerable_pages_are_absent_by_default() -> None:
    for url in PLANTED:
        with pytest.raises(Resolver404):
            resolve(url.split("?")[0])
        assert Client().get(url).status_code == 404, url


@pytest.mark.django_db
@pytest.mark.usefixtures("test_routes")
def test_the_vulnerable_pages_appear_only_with_the_test_routes() -> None:
    response = Client().get("/__battery__/echo/", {"q": "<b>bold</b>"})

    assert response.status_code == 200
    assert b"<b>bold</b>" in response.content


@pytest.mark.django_db
def test_they_are_gone_again_after_the_switched_test() -> None:
    assert Client().get("/__battery__/echo/?q=x").status_code == 404
