"""Security headers on every kind of HTML page.

Every page — public, cached or not, the comment compose page, the moderation queue, the
admin, 404 and 500 — carries a Content-Security-Policy without inline script, forbids framing
and sniffing, and sets a referrer policy. The reader pages themselves carry no inline script,
event handler or style attribute, so the strict policy costs readers nothing; the browser
check that Chromium reports no violation is tests/browser/test_content_security_policy.py.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from newsroom.security_headers import CSP_HEADER
from tests.factories import CorrectionFactory, published_article

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_secure_headers(response, where: str) -> None:
    policy = directives(response[CSP_HEADER])
    scripts = policy["script-src"]
    assert scripts[0] == "'self'", where
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "https:", "data:"} & set(scripts), where
    # Anything that is not 'self' must be a hash: no nonces (the page cache would share them).
    assert all(value.startswith("'sha256-") for value in scripts[1:]), (where, scripts)
    assert policy["frame-ancestors"] == ["'none'"], where
    assert policy["object-src"] == ["'none'"], where
    assert policy["base-uri"] == ["'none'"], where
    assert policy["default-src"] == ["'self'"], where
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["X-Frame-Options"] == "DENY", where
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", where


class Inline(HTMLParser):
    """Inline scripts, event-handler attributes and style attributes/elements of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        # JSON-LD is a data block: browsers never run it, so script-src does not apply.
        is_data = values.get("type") == "application/ld+json"
        if tag == "script" and not values.get("src") and not is_data:
            self.found.append(f"inline <script type={values.get('type')}>")
        if tag == "style":
            self.found.append("<style> element")
        for name, _ in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}=…>")
        for name in ("href", "src", "action"):
            if (values.get(name) or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")


def inline_code(html: str) -> list[str]:
    parser = Inline()
    parser.feed(html)
    return parser.found


@pytest.fixture
def story():
    article = published_article(headline="Quay lamps lit")
    article.tags.add("harbour")
    CorrectionFactory(article=article)
    return article


def reader_pages(story) -> list[str]:
    month = story.published_at
    return [
        "/",
        story.get_absolute_url(),
        story.section.get_absolute_url(),
        f"/{month:%Y}/{month:%m}/",
        f"/{month:%Y}/",
        "/search/?q=quay",
        "/corrections/",
        "/support/",
        "/tag/harbour/",
        "/no-such-page/",
    ]


def test_every_reader_page_carries_the_policy_and_no_inline_code(client, story) -> None:
    pages = reader_pages(story)
    for path in pages:
        response = client.get(path)
        assert response.status_code in {200, 404}, path
        assert response["Content-Type"].startswith("text/html"), path
        assert_secure_headers(response, path)
        # The reader policy is the strictest: no inline styles either.
        assert directives(response[CSP_HEADER])["style-src"] == ["'self'"], path
        assert directives(response[CSP_HEADER])["script-src"] == ["'self'"], path
        assert inline_code(response.content.decode()) == [], path
    print(f"\nsecurity headers: {len(pages)} reader pages, strict policy, no inline code")


def test_a_cached_page_is_replayed_with_the_same_policy(client, story) -> None:
    first = client.get(story.get_absolute_url())
    again = Client().get(story.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    assert again["X-Page-Cache"] == "hit"
    assert again[CSP_HEADER] == first[CSP_HEADER]
    assert_secure_headers(again, "cache hit")


def test_the_comment_compose_page_carries_the_policy(client, story) -> None:
    # A reader without JavaScript posts without a token: they get the compose page.
    response = client.post(
        reverse("comments:post", args=[story.pk]), {"name": "Rita", "body": "Hello"}
    )
    assert response.status_code in {200, 400}
    assert b'id="comment-form"' in response.content
    assert_secure_headers(response, "compose")
    assert inline_code(response.content.decode()) == []


def test_the_moderation_queue_carries_the_strict_policy(moderator_client) -> None:
    response = moderator_client.get(reverse("moderation:queue"))
    assert response.status_code == 200
    assert_secure_headers(response, "moderation")
    assert directives(response[CSP_HEADER])["style-src"] == ["'self'"]
    assert inline_code(response.content.decode()) == []


def test_admin_pages_carry_the_policy_with_only_the_editor_import_map_hashed(
    editor_client, story
) -> None:
    for path in [
        reverse("admin:login"),
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_change", args=[story.pk]),
    ]:
        response = editor_client.get(path)
        assert response.status_code in {200, 302}, path
        assert_secure_headers(response, path)
    page = editor_client.get(reverse("admin:articles_article_change", args=[story.pk]))
    found = inline_code(page.content.decode())
    # The one inline script of the admin is the story editor's import map, and its hash is
    # exactly the one the policy lists.
    assert found == ["inline <script type=importmap>"]
    body = re.search(r'<script type="importmap">(.*?)</script>', page.content.decode(), re.S)
    digest = base64.b64encode(hashlib.sha256(body.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in directives(page[CSP_HEADER])["script-src"]


def test_the_500_page_carries_the_policy(settings) -> None:
    settings.ROOT_URLCONF = "tests.error_urls"
    response = Client(raise_request_exception=False).get("/deliberate-failure/")
    assert response.status_code == 500
    assert_secure_headers(response, "500")
    assert inline_code(response.content.decode()) == []


def test_no_template_has_inline_script_handlers_or_style_attributes() -> None:
    """The reader's templates keep code in static/js and styles in static/css. Mail is not a
    page: mail programs drop style sheets, so the HTML parts of e-mails (templates in an
    `email/` folder) are styled inline, and no policy applies to them."""
    problems = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        if "email" in template.relative_to(TEMPLATES).parts[:-1]:
            continue
        text = template.read_text()
        for match in re.finditer(r"<script(?P<attrs>[^>]*)>", text):
            if "src=" not in match["attrs"]:
                problems.append(f"{template.name}: inline script")
        if re.search(r"\son[a-z]+\s*=", text) or re.search(r"\sstyle\s*=", text):
            problems.append(f"{template.name}: handler or style attribute")
    assert problems == []
