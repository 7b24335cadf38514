""" "Record this figure" with JavaScript: the click adds a filled Figure row without a reload."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import ArticleFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed rows; the roles written by migrations come back after.
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def page(page_at, live_server):
    return page_at(1280)


def test_clicking_record_this_figure_fills_a_new_figure_row(page, live_server) -> None:
    from newsroom.roles import EDITORS

    editor = UserFactory(username="browser-editor", groups=[EDITORS])
    article = ArticleFactory(body="<p>The repair costs £4.2 million.</p>")
    client = Client()
    client.force_login(editor)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.click("a.record-figure")
    row = page.locator("#figures-group .dynamic-figures").last
    assert row.locator('input[name$="-text"]').input_value() == "£4.2 million"
    assert row.locator('input[name$="-value"]').input_value() == "4200000"
    assert row.locator('input[name$="-unit"]').input_value() == "GBP"
    assert "record_figure" not in page.url  # no reload: the script did it
