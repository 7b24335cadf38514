"""The Content-Security-Policy in a real browser: Chromium reports no violation on any of the
main pages, for readers, the moderation queue and the admin with the story editor open.

A violation is caught two ways: the page's own `securitypolicyviolation` events (recorded by a
script Playwright adds before any page script runs) and Chromium's console errors, which also
name blocked inline handlers and styles.
"""

from __future__ import annotations

import os
from functools import partial
from typing import Any

import pytest
from django.core.management import call_command

from articles.models import Article, ArticleSource, Figure, Quote
from comments.models import Comment
from newsroom.demo import pictures as demo_content
from newsroom.security_headers import CSP_HEADER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "a-demo-password-for-tests"

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber} (${event.sample})`
  );
});
"""


@pytest.fixture
def demo(live_server, roles, monkeypatch) -> str:
    monkeypatch.setenv("NEWSROOM_DEMO_PASSWORD", DEMO_PASSWORD)
    monkeypatch.setattr(
        demo_content, "draw_image", partial(demo_content.draw_image, size=(400, 225))
    )
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return live_server.url


class Visitor:
    """One browser context that records every CSP complaint on every page it opens."""

    def __init__(self, browser: Any, base: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(15_000)
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", self._console)
        self.visited: list[str] = []
        self.violations: list[str] = []

    def _console(self, message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.console.append(f"{self.page.url}: {text}")

    def open(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        assert response is not None
        assert response.headers.get(CSP_HEADER.lower()), f"{path} has no CSP header"
        return response

    def collect(self) -> None:
        """Called after a page has done its work (clicked, typed): keep what it reported."""
        self.page.wait_for_load_state("networkidle")
        found = self.page.evaluate("window.__cspViolations || []")
        self.violations += [f"{self.page.url}: {v}" for v in found]
        self.visited.append(self.page.url)

    def sign_in(self, username: str) -> None:
        self.open("/admin/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", DEMO_PASSWORD)
        self.page.click("input[type=submit]")
        self.page.wait_for_load_state("networkidle")

    def close(self) -> None:
        self.context.close()


def test_no_page_reports_a_policy_violation(demo, browser) -> None:
    story = Article.objects.published().filter(corrections__isnull=False).first()
    assert story is not None
    month = story.published_at
    metric_slug = Figure.objects.filter(metric__isnull=False).values_list(
        "metric__slug", flat=True
    )[0]
    person_slug = Quote.objects.values_list("person__slug", flat=True)[0]
    cited = ArticleSource.objects.filter(article__in=Article.objects.published()).first()
    tag = story.tags.first()
    author = story.authors.first()
    reader_paths = [
        "/",
        story.get_absolute_url(),
        story.section.get_absolute_url(),
        f"/tag/{tag.slug}/",
        f"/author/{author.slug}/",
        f"/{month:%Y}/{month:%m}/",
        f"/{month:%Y}/",
        "/search/?q=harbour",
        "/corrections/",
        "/support/",
        f"/metrics/{metric_slug}/",
        f"/people/{person_slug}/",
        f"/sources/{cited.source_id}/",
        "/no-such-page/",
    ]

    reader = Visitor(browser, demo)
    for path in reader_paths:
        reader.open(path)
        if path == story.get_absolute_url():
            # Starting a comment fetches the token (connect-src) and shows the signed-in box.
            reader.page.focus("#id_body")
            reader.page.wait_for_load_state("networkidle")
        reader.collect()
    # The comment compose page (no JavaScript path) and the flag page.
    reader.open(story.get_absolute_url())
    reader.page.evaluate("document.getElementById('comment-form').submit()")
    reader.page.wait_for_load_state("networkidle")
    reader.collect()

    moderator = Visitor(browser, demo)
    moderator.sign_in("moderator")
    for path in ["/moderation/", "/moderation/log/"]:
        moderator.open(path)
        moderator.collect()

    editor = Visitor(browser, demo)
    editor.sign_in("editor")
    editor_paths = [
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/article/add/",
        f"/admin/articles/article/{story.pk}/change/",
        f"/admin/articles/article/{story.pk}/history/",
        f"/preview/{story.pk}/",
        "/admin/comments/comment/",
        "/admin/articles/figure/add/",
    ]
    for path in editor_paths:
        editor.open(path)
        if path.endswith("/change/"):
            # The editor and the autocomplete must work under the policy, not merely load.
            editor.page.locator(".ProseMirror >> visible=true").first.click()
            editor.page.keyboard.type(" More.")
            editor.page.click("#id_section + .select2")
            editor.page.wait_for_selector(".select2-results__option")
        editor.collect()

    visited = reader.visited + moderator.visited + editor.visited
    violations = reader.violations + moderator.violations + editor.violations
    console = reader.console + moderator.console + editor.console
    for visitor in (reader, moderator, editor):
        visitor.close()
    print(f"\nCSP: {len(visited)} pages in Chromium, {len(violations) + len(console)} violations")
    assert Comment.objects.count() == 0  # the compose page was shown, nothing was posted
    assert violations == [], "\n".join(violations)
    assert console == [], "\n".join(console)
