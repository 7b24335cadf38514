"""Autosave in Chromium: typing is copied to the server and the browser, offered back after
the tab was closed, and leaving with unsaved changes asks first."""

import contextlib

import pytest
from playwright.sync_api import Error as PlaywrightError

from articles.models import Article, StoryAutosave
from newsroom.roles import EDITORS
from tests.browser.test_refused_save_keeps_image import sign_in
from tests.factories import ArticleFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story():
    UserFactory(username="desk-editor", groups=[EDITORS])
    return ArticleFactory(
        headline="Harbour wall repairs begin", body="<p>Work starts on the north wall.</p>"
    )


def open_story(page_at, live_server, story):
    page = page_at(1280)
    sign_in(page, live_server, "desk-editor")
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    return page


def type_in_body(page, text: str) -> None:
    editor = page.locator(".ProseMirror >> visible=true").first
    editor.click()
    page.keyboard.press("End")
    page.keyboard.type(text)


def test_typing_is_autosaved_and_restored_after_the_tab_was_closed(page_at, live_server, story):
    page = open_story(page_at, live_server, story)
    version, history = story.version, story.history.count()

    page.fill("#id_headline", "Harbour wall repairs begin on Monday")
    type_in_body(page, " Divers check the foundations first.")
    page.wait_for_selector("#autosave-status:has-text('Unsaved copy kept at')")

    copy = StoryAutosave.objects.get()
    assert copy.fields["headline"] == ["Harbour wall repairs begin on Monday"]
    assert "Divers check the foundations first." in copy.fields["body"][0]
    story.refresh_from_db()
    assert story.headline == "Harbour wall repairs begin"  # the story itself is untouched
    assert (story.version, story.history.count()) == (version, history)

    page.context.close()  # the tab (and its browser profile) is gone

    page = open_story(page_at, live_server, story)
    restore = page.locator("#autosave-restore")
    assert restore.inner_text().startswith("Restore the unsaved version from ")
    assert page.input_value("#id_headline") == "Harbour wall repairs begin"
    restore.click()
    assert page.input_value("#id_headline") == "Harbour wall repairs begin on Monday"
    body = page.locator(".ProseMirror >> visible=true").first
    assert "Divers check the foundations first." in body.inner_text()

    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    story.refresh_from_db()
    assert story.headline == "Harbour wall repairs begin on Monday"
    assert "Divers check the foundations first." in story.body
    assert not StoryAutosave.objects.exists()
    assert page.locator("#autosave-offer").is_hidden()


def test_leaving_with_unsaved_changes_asks_first(page_at, live_server, story):
    page = open_story(page_at, live_server, story)
    type_in_body(page, " A late line.")
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # "Stay on page"

    page.on("dialog", answer)
    # Staying on the page cancels the navigation, so goto() gives up.
    with contextlib.suppress(PlaywrightError):
        page.goto(f"{live_server.url}/admin/", timeout=3000)
    assert dialogs == ["beforeunload"]
    assert "/change/" in page.url

    page.remove_listener("dialog", answer)
    page.on("dialog", lambda dialog: dialogs.append("unexpected") or dialog.accept())
    page.click("input[name=_continue]")  # saving is not leaving with unsaved changes
    page.wait_for_selector(".messagelist")
    page.goto(f"{live_server.url}/admin/")
    assert dialogs == ["beforeunload"]


def test_a_dropped_connection_keeps_typing_in_the_browser(page_at, live_server, story):
    page = open_story(page_at, live_server, story)
    page.context.set_offline(True)
    page.fill("#id_headline", "Typed on the train")
    page.wait_for_selector("#autosave-status:has-text('Connection lost')")
    kept = page.evaluate(
        "() => Object.keys(localStorage).map(k => localStorage.getItem(k)).join(' ')"
    )
    assert "Typed on the train" in kept
    assert not StoryAutosave.objects.exists()

    page.context.set_offline(False)
    page.wait_for_selector("#autosave-status:has-text('Unsaved copy kept at')")
    assert StoryAutosave.objects.get().fields["headline"] == ["Typed on the train"]


def test_a_new_story_is_autosaved_before_its_first_save(page_at, live_server, story):
    page = page_at(1280)
    sign_in(page, live_server, "desk-editor")
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.fill("#id_headline", "Lifeboat day draws a crowd")
    page.wait_for_selector("#autosave-status:has-text('Unsaved copy kept at')")
    copy = StoryAutosave.objects.get()
    assert copy.article is None
    page.context.close()

    page = page_at(1280)
    sign_in(page, live_server, "desk-editor")
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.click("#autosave-restore")
    assert page.input_value("#id_headline") == "Lifeboat day draws a crowd"
    assert Article.objects.count() == 1  # only the fixture's story
