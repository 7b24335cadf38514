"""A shared preview opened by someone with no account, in a browser of their own, then revoked."""

import pytest

from newsroom.roles import EDITORS
from tests.factories import ArticleFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_shared_preview_opens_without_an_account_and_stops_when_revoked(
    page_at, live_server, roles
):
    UserFactory(username="desk-editor", groups=[EDITORS])
    draft = ArticleFactory(
        headline="Ferry company plans a night crossing",
        body="<p>A late sailing would leave the quay at 23:40 from May.</p>",
    )
    editor = page_at(1280)
    editor.goto(f"{live_server.url}/admin/login/")
    editor.fill("#id_username", "desk-editor")
    editor.fill("#id_password", "correct horse battery")
    editor.click("input[type=submit]")
    editor.goto(f"{live_server.url}/admin/articles/article/{draft.pk}/change/")
    editor.click("text=Share a preview")
    editor.fill("#id_note", "The ferry company's press office")
    editor.click("input[value='Make a link']")
    assert "Link made" in editor.locator(".messagelist").inner_text()
    address = editor.locator(".preview-address").input_value()

    outsider = page_at(375)  # a new browser context: no cookies, no account
    response = outsider.goto(address)
    assert response.status == 200
    assert outsider.locator("h1").inner_text() == "Ferry company plans a night crossing"
    assert "Preview — not published." in outsider.locator(".preview-banner").inner_text()
    assert outsider.locator("meta[name=robots]").get_attribute("content") == "noindex"
    assert "no-store" in response.headers["cache-control"]

    editor.reload()
    assert "1 time, last" in editor.locator("#preview-links").inner_text()
    editor.click("button:has-text('Revoke')")
    assert "Revoked" in editor.locator(".messagelist").inner_text()

    again = page_at(375)
    assert again.goto(address).status == 404
    assert "Ferry company" not in again.content()
