"""The admin's story list drills down by year and month from the publication month column."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import published_article

pytestmark = pytest.mark.django_db

LIST = reverse("admin:articles_article_changelist")


def _at(year: int, month: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, 10, 9, 30))


def test_the_list_offers_the_years_with_stories(editor_client):
    for year, month in [(2021, 3), (2021, 11), (2023, 5)]:
        published_article(at=_at(year, month), headline=f"Story of {year}-{month}")

    html = editor_client.get(LIST).content.decode()

    assert "?published_at__year=2021" in html and "?published_at__year=2023" in html
    assert "?published_at__year=2022" not in html


def test_a_year_offers_its_months_and_lists_only_its_stories(editor_client):
    for year, month in [(2021, 3), (2021, 11), (2023, 5)]:
        published_article(at=_at(year, month), headline=f"Story of {year}-{month}")

    html = editor_client.get(LIST, {"published_at__year": "2021"}).content.decode()

    assert "published_at__month=3" in html and "published_at__month=11" in html
    assert "March 2021" in html and "November 2021" in html
    assert "published_at__month=5" not in html
    assert "Story of 2021-3" in html and "Story of 2023-5" not in html
