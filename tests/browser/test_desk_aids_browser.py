"""The story form counts words and reading time live, as the editor types."""

import pytest
from playwright.sync_api import expect

from newsroom.roles import EDITORS
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_length_follows_the_typing(page_at, live_server, roles, settings):
    UserFactory(username="desk-editor", groups=[EDITORS])
    page = page_at(1280)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "desk-editor")
    page.fill("#id_password", "correct horse battery")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/articles/article/add/")

    length = page.locator("#story-length")
    assert length.inner_text() == "0 words · 1 min read"
    page.fill("#id_standfirst", "Two short words.")
    editor = page.locator(".ProseMirror >> visible=true").first
    editor.click()
    editor.type("The harbour master counted forty boats.")
    expect(length).to_have_text("9 words · 1 min read")

    words = settings.NEWSROOM_WORDS_PER_MINUTE + 1
    page.evaluate(
        "n => { const el = document.querySelector('.ProseMirror[contenteditable]');"
        " el.innerHTML = '<p>' + 'tide '.repeat(n) + '</p>';"
        " el.dispatchEvent(new Event('input', {bubbles: true})); }",
        words,
    )
    expect(length).to_have_text(f"{words + 3} words · 2 min read")
