"""An editor reads a story's history as words and reverts a live story without breaking any
of its addresses."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from newsroom.roles import EDITORS
from tests.factories import ArticleFactory, FigureFactory, UserFactory, published_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editor_page(page_at, live_server, roles):
    editor = UserFactory(
        username="desk-editor", first_name="Dana", last_name="Desk", groups=[EDITORS]
    )
    page = page_at(1280)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "desk-editor")
    page.fill("#id_password", "correct horse battery")
    page.click("input[type=submit]")
    page.editor = editor
    return page


def test_the_history_shows_what_changed_as_words(editor_page, live_server):
    page = editor_page
    story = ArticleFactory(
        headline="Harbour dues rise",
        body="<p>Mooring fees go up by <em>four</em> per cent in April.</p>",
    )
    story.body = "<p>Mooring fees go up by <em>six</em> per cent in May.</p>"
    story._history_user = page.editor
    story.save()
    FigureFactory(article=story, text="six per cent", counts="Rise in mooring fees")

    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    page.click("a.historylink")
    rows = page.locator("#versions tbody tr")
    assert rows.count() == 2
    assert "Dana Desk" in rows.first.inner_text()
    assert (
        "Body: “Mooring fees go up by four per cent in April.” → "
        "“Mooring fees go up by six per cent in May.”" in rows.first.inner_text()
    )
    page.click("input[value=Compare]")

    diff = page.locator(".word-diff").first
    assert diff.locator("del").all_inner_texts() == ["four", "April."]
    assert diff.locator("ins").all_inner_texts() == ["six", "May."]
    assert "<em>" not in diff.inner_text() and "<p>" not in diff.inner_text()
    assert "Mooring fees go up by" in diff.inner_text()
    assert "six per cent — Rise in mooring fees" in page.locator(".comparison").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280


def test_reverting_a_live_story_keeps_the_address_in_between(editor_page, live_server):
    page = editor_page
    story = published_article(
        headline="Lifeboat station reopens",
        slug="lifeboat-station-reopens",
        at=timezone.now() - dt.timedelta(days=2),
    )
    first_path = story.get_absolute_url()
    story.slug = "lifeboat-station-reopens-after-refit"
    story._history_user = page.editor
    story.save()
    between_path = story.get_absolute_url()

    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/history/")
    # The oldest entry with the first slug is the published version (the list is newest first).
    page.locator("#versions tbody tr").nth(1).locator("td a").click()
    assert page.locator("#id_slug").input_value() == "lifeboat-station-reopens"
    page.click("input[name=_save]")
    assert "was changed successfully" in page.locator(".messagelist").inner_text()

    reader = Client()
    assert reader.get(first_path).status_code == 200
    moved = reader.get(between_path)
    assert moved.status_code == 301 and moved["Location"].endswith(first_path)
    response = page.goto(f"{live_server.url}{between_path}")
    assert response.ok and page.url.endswith(first_path)
    assert page.locator("h1").inner_text() == "Lifeboat station reopens"
