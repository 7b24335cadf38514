"""Open redirects: no redirect anywhere on the site leaves it.

Every place that answers with a `Location` is driven with each hostile target, in every way a
target can reach it (a `next` field or parameter, a Referer header, a changelist filter, the
request path itself, an old-address row), and the `Location` is read the way a browser reads
it: tabs and newlines dropped, backslashes as slashes, resolved against the page's address.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from articles.models import Article, ArticleRedirect
from comments.models import Comment
from tests.commenting import new_address, post_comment
from tests.factories import CommentFactory, SectionFactory, published_article

pytestmark = pytest.mark.django_db

HOST = "testserver"

HOSTILE = [
    "//evil.test",
    "///evil.test",
    "////evil.test/",
    "https://evil.test",
    "http://evil.test/path?x=1",
    "\\\\evil.test",
    "/\\evil.test",
    "\\/evil.test",
    "http:evil.test",
    "https:/evil.test",
    "%2F%2Fevil.test",
    "/%2F%2Fevil.test",
    "%5C%5Cevil.test",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.domain)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/\t/evil.test",
    "\t//evil.test",
    "/\n/evil.test",
    "/\r\n/evil.test",
    "https://127.0.0.1.evil.test",
    "https://testserver.evil.test/",
    "https://news@evil.test",
    "https://testserver@evil.test",
    "https://evil.test\\@testserver/",
    "https://evil.test#@testserver/",
    "http://[::1]@evil.test",
    "\uff0f\uff0fevil.test",
    "/\uff0fevil.test",
    "https://evil\u3002test",
    "//evil.test/%2e%2e/admin/",
]


def off_site(location: str, base: str = f"http://{HOST}/somewhere/") -> bool:
    """Would a browser following this Location leave the site (or run script)?

    Read as the WHATWG URL parser reads it, erring on the side of "off-site": tabs and
    newlines are dropped, "\\" counts as "/", and after "http:" or "//" any number of slashes
    is skipped before the host (so "///evil.test" and "https:/evil.test" name evil.test).
    """
    cleaned = "".join(ch for ch in location if ch not in "\t\r\n").strip(" \x00")
    cleaned = cleaned.replace("\\", "/")
    has_scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$", cleaned, re.S)
    if has_scheme:
        if has_scheme[1].lower() not in {"http", "https"}:
            return True  # javascript:, data:, anything else
        authority = has_scheme[2].lstrip("/")
    elif cleaned.startswith("//"):
        authority = cleaned.lstrip("/")
    else:
        return False  # a path on this site, whatever it looks like
    host = re.split(r"[/?#]", authority, maxsplit=1)[0].rsplit("@", 1)[-1]
    host = re.sub(r":\d*$", "", host).strip("[]").replace("\u3002", ".").lower()
    return host != urlsplit(base).hostname


def wsgi_path(target: str) -> str:
    """The target as a server hands a request path to Django (UTF-8 bytes read as Latin-1)."""
    path = target if target.startswith(("/", "\\")) else "/" + target
    return path.encode("utf-8").decode("latin-1")


def test_the_checker_itself_catches_every_hostile_target_as_a_location() -> None:
    caught = [t for t in HOSTILE if off_site(t)]
    # Targets that are relative paths on their own ("%2F%2Fevil.test", fullwidth slashes) are
    # harmless as a Location; every other target is what a real redirect would be caught by.
    harmless_alone = {
        "%2F%2Fevil.test",
        "/%2F%2Fevil.test",
        "%5C%5Cevil.test",
        "\uff0f\uff0fevil.test",
        "/\uff0fevil.test",
    }
    assert set(HOSTILE) - set(caught) == harmless_alone
    assert not off_site("/moderation/?tab=spam")
    assert not off_site(f"https://{HOST}/ok/")


# --- The consumers ------------------------------------------------------------------------
# Each takes a hostile target and returns the response; the fixture `world` holds real objects.


class World:
    def __init__(self, editor: Any, moderator: Any) -> None:
        self.editor = editor
        self.moderator = moderator
        self.story = published_article(headline="Ferry fares rise")
        self.comment = CommentFactory(article=self.story)

    def signed_in(self, user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client


def admin_login(world: World, target: str) -> Any:
    client = Client()
    return client.post(
        reverse("admin:login") + "?next=x",
        {"username": world.editor.username, "password": "correct horse battery", "next": target},
    )


def admin_login_get_when_signed_in(world: World, target: str) -> Any:
    return world.signed_in(world.editor).get(reverse("admin:login"), {"next": target})


def admin_logout(world: World, target: str) -> Any:
    return world.signed_in(world.editor).post(reverse("admin:logout"), {"next": target})


def admin_logout_query(world: World, target: str) -> Any:
    return world.signed_in(world.editor).post(
        reverse("admin:logout") + "?" + _query("next", target)
    )


def admin_delete_with_filters(world: World, target: str) -> Any:
    section = SectionFactory()
    return world.signed_in(world.editor).post(
        reverse("admin:articles_section_delete", args=[section.pk])
        + "?"
        + _query("_changelist_filters", target),
        {"post": "yes"},
    )


def admin_action_with_query(world: World, target: str) -> Any:
    comment = CommentFactory(article=world.story, status=Comment.Status.PENDING)
    return world.signed_in(world.moderator).post(
        reverse("admin:comments_comment_changelist") + "?" + _query("next", target),
        {"action": "approve", "_selected_action": [comment.pk], "index": 0},
    )


def admin_view_on_site(world: World, target: str) -> Any:
    kind = ContentType.objects.get_for_model(Article)
    return world.signed_in(world.editor).get(
        reverse("admin:view_on_site", args=[kind.pk, world.story.pk]), {"next": target}
    )


def sign_in_redirect_from_moderation(world: World, target: str) -> Any:
    return Client().get(reverse("moderation:queue"), {"next": target})


def sign_in_redirect_from_preview(world: World, target: str) -> Any:
    return Client().get(reverse("articles:preview", args=[world.story.pk]), {"next": target})


def moderation_act(world: World, target: str) -> Any:
    comment = CommentFactory(article=world.story, status=Comment.Status.PENDING)
    return world.signed_in(world.moderator).post(
        reverse("moderation:act", args=[comment.pk]),
        {"action": "approve", "next": target},
        HTTP_REFERER=target,
    )


def moderation_bulk(world: World, target: str) -> Any:
    comment = CommentFactory(article=world.story, status=Comment.Status.PENDING)
    return world.signed_in(world.moderator).post(
        reverse("moderation:bulk"),
        {"action": "reject", "comments": [comment.pk], "next": target},
        HTTP_REFERER=target,
    )


def moderation_invalid_action(world: World, target: str) -> Any:
    comment = CommentFactory(article=world.story, status=Comment.Status.PENDING)
    return world.signed_in(world.moderator).post(
        reverse("moderation:act", args=[comment.pk]), {"action": "nonsense", "next": target}
    )


_comment_numbers = iter(range(10_000))


def comment_post(world: World, target: str) -> Any:
    client = Client()
    return post_comment(
        client,
        world.story,
        body=f"Fares matter to everyone on the island, comment {next(_comment_numbers)}.",
        next=target,
    )


def comment_flag(world: World, target: str) -> Any:
    return Client().post(
        reverse("comments:flag", args=[world.comment.pk]),
        {"reason": "abuse", "next": target},
        HTTP_REFERER=target,
        REMOTE_ADDR=new_address(),
    )


def unsubscribe(world: World, target: str) -> Any:
    return Client().get(
        reverse("comments:unsubscribe", args=["not-a-token"]), {"next": target}, HTTP_REFERER=target
    )


def path_itself(world: World, target: str) -> Any:
    """The target as the request path: CommonMiddleware's added slash, the old-address lookup."""
    return Client().get("/", PATH_INFO=wsgi_path(target))


def old_address_row(world: World, target: str) -> Any:
    """An imported old address that looks like a target still leads to the story."""
    path = target if target.startswith("/") else "/" + target
    ArticleRedirect.objects.get_or_create(old_path=path, defaults={"article": world.story})
    return Client().get("/", PATH_INFO=wsgi_path(path))


def old_story_address_with_next(world: World, target: str) -> Any:
    ArticleRedirect.objects.get_or_create(
        old_path="/2020/01/ferry-fares-old/", defaults={"article": world.story}
    )
    return Client().get("/2020/01/ferry-fares-old/", {"next": target}, HTTP_REFERER=target)


def _query(name: str, value: str) -> str:
    from urllib.parse import urlencode

    return urlencode({name: value})


CONSUMERS: list[Callable[[World, str], Any]] = [
    admin_login,
    admin_login_get_when_signed_in,
    admin_logout,
    admin_logout_query,
    admin_delete_with_filters,
    admin_action_with_query,
    admin_view_on_site,
    sign_in_redirect_from_moderation,
    sign_in_redirect_from_preview,
    moderation_act,
    moderation_bulk,
    moderation_invalid_action,
    comment_post,
    comment_flag,
    unsubscribe,
    path_itself,
    old_address_row,
    old_story_address_with_next,
]


@pytest.fixture
def world(editor, moderator) -> World:
    return World(editor, moderator)


def test_no_redirect_consumer_sends_a_reader_off_the_site(world) -> None:
    checked, redirects, escaped = 0, 0, []
    for consumer in CONSUMERS:
        for target in HOSTILE:
            response = consumer(world, target)
            assert response.status_code < 500, (consumer.__name__, target)
            checked += 1
            location = response.get("Location")
            if location is None:
                continue
            redirects += 1
            if off_site(location):
                escaped.append((consumer.__name__, target, location))
    print(
        f"\nopen redirects: {len(CONSUMERS)} consumers x {len(HOSTILE)} targets = {checked} "
        f"requests, {redirects} redirects, {len(escaped)} off-site"
    )
    assert escaped == []


def test_production_https_redirects_stay_on_the_configured_host(world, settings) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["news.example.org"]
    for target in HOSTILE:
        response = Client(HTTP_HOST="news.example.org").get("/", PATH_INFO=wsgi_path(target))
        assert response.status_code == 301
        assert urlsplit(response["Location"]).hostname == "news.example.org", target
        assert not off_site(response["Location"], base="https://news.example.org/"), target
        # A hostile Host header is refused, not redirected to.
        refused = Client(HTTP_HOST="evil.test").get("/", PATH_INFO=wsgi_path(target))
        assert refused.status_code == 400
        assert "Location" not in refused


def test_the_consumers_that_honour_next_follow_a_local_target(world) -> None:
    """So the test above would notice if `next` were followed without the host check."""
    local = "/moderation/?tab=spam"
    assert moderation_act(world, local)["Location"] == local
    assert moderation_bulk(world, local)["Location"] == local
    assert admin_login(world, local)["Location"] == local
    assert admin_logout(world, local)["Location"] == local
    story = world.story.get_absolute_url()
    assert old_address_row(world, "/imported/ferry-fares/")["Location"] == story
