"""The battery's deliberately vulnerable pages (reliability/vulnerable.py) exist only when the
test-only flag is set: absent by default, present with it, so the absence test can fail."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.test import Client, override_settings
from django.urls import Resolver404, clear_url_caches, resolve

import newsroom.urls

PLANTED = ["/__battery__/", "/__battery__/echo/?q=x", "/__battery__/lookup/?id=1"]


def _reload_urls() -> None:
    clear_url_caches()
    importlib.reload(newsroom.urls)


@pytest.fixture
def vulnerable_urls() -> Iterator[None]:
    """URLs built with the flag on; rebuilt with it off afterwards, so no later test sees them."""
    with override_settings(NEWSROOM_TEST_VULNERABLE_ENDPOINT=True):
        _reload_urls()
        yield
    _reload_urls()


def test_the_flag_is_off_unless_set() -> None:
    from django.conf import settings

    assert settings.NEWSROOM_TEST_VULNERABLE_ENDPOINT is False


@pytest.mark.django_db
def test_the_vulnerable_pages_are_absent_by_default() -> None:
    for url in PLANTED:
        with pytest.raises(Resolver404):
            resolve(url.split("?")[0])
        assert Client().get(url).status_code == 404, url


@pytest.mark.django_db
@pytest.mark.usefixtures("vulnerable_urls")
def test_the_vulnerable_pages_appear_only_with_the_test_flag() -> None:
    response = Client().get("/__battery__/echo/", {"q": "<b>bold</b>"})

    assert response.status_code == 200
    assert b"<b>bold</b>" in response.content


@pytest.mark.django_db
def test_they_are_gone_again_after_the_flagged_test() -> None:
    assert Client().get("/__battery__/echo/?q=x").status_code == 404
