"""Taking a story down asks every nginx to drop its cached pages once the change commits
(newsroom/edge_purge.py); nginx's side is tested live in tests/test_nginx_deploy.py."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.utils import timezone

from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory, published_article, reply_to
from tests.test_settings import PRODUCTION, manage

pytestmark = pytest.mark.django_db


class PurgeServer(ThreadingHTTPServer):
    """Stands in for one nginx's purge server: records each request, answers `status`."""

    def __init__(self, status: int = 200) -> None:
        super().__init__(("127.0.0.1", 0), _Recorder)
        self.status = status
        self.requests: list[tuple[str, str, str]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Recorder(BaseHTTPRequestHandler):
    server: PurgeServer
    protocol_version = "HTTP/1.1"

    def do_PURGE(self) -> None:
        self.server.requests.append((self.command, self.path, self.headers["Host"]))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(server: PurgeServer) -> Iterator[PurgeServer]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def nginx(settings) -> Iterator[PurgeServer]:
    server = PurgeServer()
    settings.NEWSROOM_EDGE_PURGE_URLS = [server.url]
    settings.SITE_URL = "https://news.example.org"
    with serving(server):
        yield server


def purged(server: PurgeServer) -> list[str]:
    assert all(host == "news.example.org" for _, _, host in server.requests)
    return [path for _, path, _ in server.requests]


def test_unpublishing_a_live_story_purges_its_page_once_committed(
    nginx, editor, django_capture_on_commit_callbacks
):
    article = published_article()
    path = article.get_absolute_url()

    with django_capture_on_commit_callbacks() as callbacks:
        article.return_to_draft(by=editor)
    assert nginx.requests == []  # not before the change is visible to everyone
    for callback in callbacks:
        callback()

    assert ("PURGE", path, "news.example.org") in nginx.requests


def test_deleting_a_live_story_purges_its_page(nginx, django_capture_on_commit_callbacks):
    article = published_article()
    path = article.get_absolute_url()

    with django_capture_on_commit_callbacks(execute=True):
        article.delete()

    assert path in purged(nginx)


def test_moving_a_live_story_purges_its_old_address(nginx, django_capture_on_commit_callbacks):
    article = published_article(slug="ferry-fares")
    old = article.get_absolute_url()

    with django_capture_on_commit_callbacks(execute=True):
        article.slug = "ferry-fares-rise"
        article.save()

    assert old in purged(nginx)


def test_a_story_with_pages_of_comments_has_each_page_purged(
    nginx, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_PER_PAGE = 2
    article = published_article()
    conversations = [CommentFactory(article=article) for _ in range(3)]
    reply_to(conversations[0])  # a reply is part of its conversation, not one of its own
    CommentFactory(article=article, status=Comment.Status.PENDING)  # readers do not see it
    path = article.get_absolute_url()

    with django_capture_on_commit_callbacks(execute=True):
        article.delete()

    pages = [path, f"{path}?comments=1", f"{path}?comments=2"]
    assert [p for p in purged(nginx) if p.startswith(path)] == pages


def test_every_nginx_named_is_asked(settings, django_capture_on_commit_callbacks):
    first, second = PurgeServer(), PurgeServer()
    settings.NEWSROOM_EDGE_PURGE_URLS = [first.url, second.url]
    article = published_article()

    with serving(first), serving(second), django_capture_on_commit_callbacks(execute=True):
        article.return_to_draft(by=None)

    assert first.requests == second.requests != []


@pytest.mark.parametrize("change", ["a draft deleted", "a scheduled story withdrawn"])
def test_changes_no_reader_could_see_purge_nothing(
    nginx, editor, change, django_capture_on_commit_callbacks
):
    draft, scheduled = ArticleFactory(), ArticleFactory()
    scheduled.publish(by=editor, at=timezone.now() + dt.timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        if change == "a draft deleted":
            draft.delete()
        else:
            scheduled.return_to_draft(by=editor)

    assert nginx.requests == []


def test_an_edit_purges_the_story_feeds_and_sitemaps_and_no_listing(
    nginx, django_capture_on_commit_callbacks
):
    live = published_article()
    path = live.get_absolute_url()

    with django_capture_on_commit_callbacks(execute=True):
        live.headline = "A better headline"
        live.save()

    assert sorted(purged(nginx)) == sorted([path, "/feed/", "/sitemap.xml", "/news-sitemap.xml"])


def test_publishing_purges_the_first_page_of_each_listing_it_joins(
    nginx, editor, django_capture_on_commit_callbacks
):
    draft = ArticleFactory()
    draft.tags.add("ferries")

    with django_capture_on_commit_callbacks(execute=True):
        draft.publish(by=editor)

    section = draft.section.get_absolute_url()
    local = timezone.localtime(draft.published_at)
    for path in (
        draft.get_absolute_url(),
        "/",
        "/feed/",
        section,
        f"{section}feed/",
        "/tag/ferries/",
        f"/{local.year}/{local.month:02d}/",
    ):
        assert path in purged(nginx), path


def test_an_approved_comment_purges_its_story_only(
    nginx, moderator, django_capture_on_commit_callbacks
):
    article, other = published_article(), published_article()
    comment = CommentFactory(article=article, status=Comment.Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        comment.approve(by=moderator)

    assert purged(nginx) == [article.get_absolute_url()]
    assert other.get_absolute_url() not in purged(nginx)


def test_a_takedown_that_is_rolled_back_purges_nothing(
    nginx, editor, django_capture_on_commit_callbacks
):
    article = published_article()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        article.return_to_draft(by=editor)
        raise RuntimeError("the editor's request failed after the save")

    assert nginx.requests == []


def test_an_nginx_that_cannot_be_reached_is_logged_and_the_story_still_comes_down(
    settings, editor, caplog, django_capture_on_commit_callbacks
):
    gone = PurgeServer()
    settings.NEWSROOM_EDGE_PURGE_URLS = [gone.url]
    gone.server_close()  # nothing listens there now
    article = published_article()

    with (
        caplog.at_level(logging.WARNING, "newsroom.edge_purge"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        article.return_to_draft(by=editor)

    article.refresh_from_db()
    assert article.status == article.Status.DRAFT
    assert f"Could not ask nginx at {gone.url}" in caplog.text


def test_a_refused_purge_is_logged(nginx, editor, caplog, django_capture_on_commit_callbacks):
    nginx.status = 403
    article = published_article()

    with (
        caplog.at_level(logging.WARNING, "newsroom.edge_purge"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        article.return_to_draft(by=editor)

    assert f"nginx at {nginx.url} refused to purge" in caplog.text
    assert "HTTP 403" in caplog.text


def test_with_no_purge_urls_nothing_is_sent(settings, editor, django_capture_on_commit_callbacks):
    server = PurgeServer()
    settings.NEWSROOM_EDGE_PURGE_URLS = []

    with serving(server), django_capture_on_commit_callbacks(execute=True):
        published_article().return_to_draft(by=editor)

    assert server.requests == []


@pytest.mark.parametrize(
    "value", ["127.0.0.1:8081", "ftp://127.0.0.1:8081", "http://127.0.0.1:port", "http://x/purge"]
)
def test_a_purge_url_that_is_not_a_server_stops_start_up_naming_the_variable(value):
    result = manage("check", env={**PRODUCTION, "NEWSROOM_EDGE_PURGE_URLS": value})

    assert result.returncode != 0
    assert "NEWSROOM_EDGE_PURGE_URLS" in result.stderr
