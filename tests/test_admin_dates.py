"""One date-time format in the admin: "2 Dec 2026, 14:02" on the 24-hour clock, in the
newsroom's time zone, on the story list, the form, the history and the library."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.urls import reverse

from tests.factories import published_article

pytestmark = pytest.mark.django_db

TWELVE_HOUR = re.compile(r"\d(:\d\d)? ?[ap]\.m\.", re.IGNORECASE)


def test_every_admin_page_of_a_story_writes_times_one_way(editor_client, settings):
    settings.TIME_ZONE = "Europe/London"
    at = dt.datetime(2026, 7, 3, 19, 27, tzinfo=dt.UTC)  # 20:27 in London, summer time
    story = published_article(at=at)
    pages = [
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_change", args=[story.pk]),
        reverse("admin:articles_article_history", args=[story.pk]),
    ]
    for url in pages:
        page = editor_client.get(url).content.decode()
        assert not TWELVE_HOUR.search(page), (url, TWELVE_HOUR.search(page).group(0))
    listing = editor_client.get(pages[0]).content.decode()
    assert "3 Jul 2026, 20:27" in listing


def test_the_story_list_shows_times_in_the_newsrooms_zone(editor_client, settings):
    settings.TIME_ZONE = "Asia/Kolkata"  # five and a half hours ahead of UTC
    published_article(at=dt.datetime(2026, 1, 10, 9, 5, tzinfo=zoneinfo.ZoneInfo("UTC")))
    page = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "10 Jan 2026, 14:35" in page
    assert "09:05" not in page
