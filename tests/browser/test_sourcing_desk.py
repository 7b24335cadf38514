"""An editor pastes wire copy with two trailing LINK markers and a quote, sees the three
problems, links the markers, records the quote in one click and publishes with no reason."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from articles.models import Article
from tests.factories import SectionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIRE_COPY = (
    "<p>The coalition will withdraw its forces from the northern bases by the end of the "
    "month, its command has confirmed. LINK</p>"
    "<p>“We will not leave before the work is done,” said Halvard Sten, a spokesman for the "
    "coalition. LINK</p>"
)

# Puts HTML on the clipboard; the test then presses Ctrl+V, a real paste into the editor.
COPY = """async ([html]) => {
  const item = new ClipboardItem({
    'text/html': new Blob([html], {type: 'text/html'}),
    'text/plain': new Blob([html.replace(/<[^>]+>/g, '')], {type: 'text/plain'}),
  });
  await navigator.clipboard.write([item]);
}"""
# Selects the first "LINK" typed in the editor that is not yet a link.
SELECT_MARKER = """() => {
  const root = document.querySelector('.ProseMirror[contenteditable=true]');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf('LINK');
    if (at < 0 || node.parentElement.closest('a')) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + 4);
    root.focus();
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return true;
  }
  return false;
}"""


def paste(page, html: str) -> None:
    page.evaluate(COPY, [html])
    page.keyboard.press("Control+V")


def _signed_in_page(page_at, live_server):
    editor = UserFactory(username="wire-editor", groups=["Editors"])
    client = Client()
    client.force_login(editor)
    page = page_at(1280)
    page.set_default_timeout(15_000)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def test_an_editor_clears_the_sourcing_check_on_pasted_wire_copy(page_at, live_server, roles):
    SectionFactory(name="World", slug="world")
    page = _signed_in_page(page_at, live_server)
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.fill("#id_headline", "Coalition to leave the northern bases")
    page.fill("#id_standfirst", "The command says the withdrawal ends this month.")
    page.click("#id_section + .select2")
    page.keyboard.type("Wor")
    page.click(".select2-results__option:has-text('World')")
    page.locator(".ProseMirror >> visible=true").first.click()
    paste(page, WIRE_COPY)
    page.wait_for_selector(".ProseMirror[contenteditable=true] p:has-text('Halvard Sten')")
    with page.expect_navigation():
        page.click("input[name=_continue]")

    problems = page.locator(".field-sourcing_report li.sourcing-problem")
    assert problems.count() == 3
    report = page.locator(".field-sourcing_report").inner_text()
    assert report.count("The placeholder “LINK”") == 2
    assert "We will not leave before the work is done" in report
    assert "Halvard Sten, a spokesman for the coalition" in report

    for address in [
        "https://coalition-command.example/statements/withdrawal",
        "https://meridian-agency.example/wire/sten-interview",
    ]:
        page.wait_for_selector(".ProseMirror[contenteditable=true] p >> nth=0")
        assert page.evaluate(SELECT_MARKER)
        paste(page, f'<a href="{address}">LINK</a>')
        page.wait_for_selector(f".ProseMirror[contenteditable=true] a[href='{address}']")
    with page.expect_navigation():
        page.click("input[name=_continue]")

    # The markers are links now; only the quote is left, with advice about the link words
    # and the two sites whose publishers the registry does not know yet.
    assert page.locator(".field-sourcing_report li.sourcing-problem").count() == 1
    assert page.locator(".field-sourcing_report li.sourcing-advice").count() == 4
    with page.expect_navigation():
        page.click("button.record-quote")

    assert "Recorded the quote from Halvard Sten" in page.locator(".messagelist").inner_text()
    assert page.locator(".field-sourcing_report li.sourcing-problem").count() == 0
    with page.expect_navigation():
        page.click("input[name=_publish]")

    assert "is live" in page.locator(".messagelist").inner_text()
    article = Article.objects.get(headline="Coalition to leave the northern bases")
    assert article.is_live()
    assert article.sourcing_override_reason == ""
    (quote,) = article.quotes.select_related("person", "source")
    assert quote.person.name == "Halvard Sten"
    assert quote.role == "a spokesman for the coalition"
    assert quote.source is not None
    assert quote.source.url == "https://meridian-agency.example/wire/sten-interview"
