"""A reader's own browser never shows a page from before a change: pages say `max-age=0,
must-revalidate`, so Chromium asks again on every navigation.
With `max-age=60` it showed a story taken down for a minute without asking the server."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory, published_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_story_taken_down_is_gone_from_the_readers_next_page(live_server, page_at, roles):
    editor = UserFactory(username="night-editor")
    story = published_article(headline="Harbour master resigns over the dredging contract")
    reader = page_at(1280)
    reader.goto(f"{live_server.url}/")
    reader.get_by_role("link", name=story.headline).first.click()
    assert reader.locator("h1").inner_text() == story.headline
    reader.goto(f"{live_server.url}/")
    assert reader.get_by_role("link", name=story.headline).count() >= 1

    story.return_to_draft(by=editor)

    # Plain navigations, as a reader clicks: the browser may use its cache if the page allows.
    front = reader.goto(f"{live_server.url}/")
    assert front is not None and front.status == 200
    assert reader.get_by_role("link", name=story.headline).count() == 0
    # A draft's address sends a reader to the staff sign-in (previews are for staff).
    reader.goto(f"{live_server.url}{story.get_absolute_url()}")
    assert "/admin/login/" in reader.url
    assert story.headline not in reader.content()
