"""Cache isolation through Django's page cache (nginx's cache is tested
elsewhere): what an editor's browsing puts in the shared cache never reaches a reader.

An editor signs in through the real login form and browses every public URL, interleaved
with anonymous readers on fresh clients, all through the real AnonymousPageCacheMiddleware
and one shared cache (the test's LocMemCache). Readers must never see the editor's name, an
admin link, the editor's session id or CSRF token, and must never be sent a cookie.
tests/test_page_cache.py covers the cache's own rules; this is the end-to-end leak check.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import (
    AuthorFactory,
    CorrectionFactory,
    FigureFactory,
    MetricFactory,
    QuoteFactory,
    SupportCampaignFactory,
    published_article,
)

pytestmark = pytest.mark.django_db

READERS = 3


def public_urls() -> tuple[list[str], int]:
    """Every public page, filled from real published objects, and the story's id."""
    author = AuthorFactory(name="Hal Harbour", slug="hal-harbour")
    story = published_article(headline="Ferry fares rise", authors=[author])
    story.tags.add("ferries")
    CorrectionFactory(article=story)
    metric = MetricFactory()
    figure = FigureFactory(article=story, metric=metric)
    quote = QuoteFactory(article=story)
    SupportCampaignFactory()
    month = story.published_at
    return [
        "/",
        "/?page=1",
        story.get_absolute_url(),
        story.section.get_absolute_url(),
        reverse("articles:tag", args=["ferries"]),
        reverse("articles:author", args=[author.slug]),
        f"/{month:%Y}/{month:%m}/",
        f"/{month:%Y}/",
        "/search/?q=ferry",
        "/corrections/",
        "/support/",
        "/feed/",
        reverse("articles:section-feed", args=[story.section.slug]),
        reverse("articles:tag-feed", args=["ferries"]),
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/robots.txt",
        reverse("articles:person", args=[quote.person.slug]),
        reverse("articles:source", args=[figure.source.pk]),
        reverse("articles:metric", args=[metric.slug]),
    ], story.pk


def signed_in_editor(editor: Any) -> Client:
    """The real sign-in form, so the session and CSRF cookies are the ones a browser holds."""
    client = Client()
    client.get(reverse("admin:login"))
    response = client.post(
        reverse("admin:login"),
        {
            "username": editor.username,
            "password": "correct horse battery",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
            "next": "/admin/",
        },
    )
    assert response.status_code == 302, response.content
    return client


def secrets_of(editor: Any, client: Client) -> list[str]:
    """What must never reach a reader: the editor's names and their cookie values."""
    values = [editor.username, editor.get_full_name(), editor.first_name, editor.email]
    values += [client.cookies[name].value for name in ("sessionid", "csrftoken")]
    return [v for v in values if v]


def leaks(response: Any, secrets: list[str], url: str) -> list[str]:
    found = []
    body = response.content.decode("utf-8", "replace")
    headers = "\n".join(f"{k}: {v}" for k, v in response.items())
    for secret in secrets:
        if secret in body or secret in headers:
            found.append(f"{url}: {secret[:12]}…")
    if response.cookies or "Set-Cookie" in headers:
        found.append(f"{url}: Set-Cookie {list(response.cookies)}")
    # robots.txt names /admin/ to keep crawlers out; anywhere else it is an admin link.
    admin_mentions = re.findall(r"/admin/", body)
    if admin_mentions and not url.startswith("/robots.txt"):
        found.append(f"{url}: admin link")
    if re.search(r'name="csrfmiddlewaretoken" value="[^"]+"', body):
        found.append(f"{url}: a CSRF token in the page")
    return found


def test_an_editors_browsing_never_reaches_anonymous_readers(editor) -> None:
    urls, story_id = public_urls()
    editor_client = signed_in_editor(editor)
    secrets = secrets_of(editor, editor_client)
    assert len(secrets) >= 5  # names, e-mail, session id and CSRF token

    found: list[str] = []
    hits = checked = 0
    for url in urls:
        # A reader first (stored), then the editor, then fresh readers (served from the cache)
        # — and the editor once more in between, in case their visit replaced the stored copy.
        first = Client().get(url)
        assert first.status_code == 200, url
        found += leaks(first, secrets, url)
        editor_page = editor_client.get(url)
        assert editor_page.status_code == 200, url
        assert "X-Page-Cache" not in editor_page, url  # staff bypass the cache entirely
        # Starting a comment as the editor fetches a token with their name: still private.
        editor_client.get(reverse("comments:form_token"), {"article": story_id})
        for _ in range(READERS):
            reader = Client().get(url)
            checked += 1
            hits += reader.get("X-Page-Cache") == "hit"
            found += leaks(reader, secrets, url)
            assert reader.content == first.content, url
    print(
        f"\ncache isolation: {len(urls)} public URLs x {READERS + 1} anonymous clients after an "
        f"editor's visit, {hits} cache hits, {len(found)} leaks"
    )
    # The cache was really in play: every later reader was served the stored page.
    assert hits == checked
    assert found == [], "\n".join(found)


def test_what_the_editor_sees_is_personal_and_not_what_readers_get(editor) -> None:
    """The check above can fail: the editor's own pages carry what readers must not see."""
    story = published_article(headline="Harbour wall repaired")
    editor_client = signed_in_editor(editor)
    token = editor_client.get(reverse("comments:form_token"), {"article": story.pk})
    assert editor.get_full_name() in token.content.decode()
    assert "no-store" in token["Cache-Control"]
    admin_page = editor_client.get(reverse("admin:index"))
    assert leaks(admin_page, secrets_of(editor, editor_client), "/admin/")
    reader = Client().get(reverse("comments:form_token"), {"article": story.pk})
    assert editor.get_full_name() not in reader.content.decode()
