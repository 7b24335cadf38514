"""The shared cache on a real redis-server: pages and comment threads are kept there, and when
Redis stops the site goes on serving uncached, with one log line, no 5xx and no stale page once
it returns (newsroom/resilient_cache.py)."""

from __future__ import annotations

import logging

import pytest
import redis
from axes.models import AccessAttempt
from django.test import Client

from comments.models import Comment
from tests.commenting import post_comment
from tests.conftest import use_redis
from tests.factories import CommentFactory, published_article
from tests.signing_in import PASSWORD, browser, is_signed_in, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_redis(settings, redis_server):
    use_redis(settings, redis_server)
    yield
    if not redis_server._answers():  # a test that stopped it and failed before restarting
        redis_server.start()


@pytest.fixture
def keys(redis_server):
    connection = redis.Redis(host="127.0.0.1", port=redis_server.port)

    def count() -> int:
        return int(connection.dbsize())

    return count


def reader() -> Client:
    # Count a server error as what the reader sees, a 500, instead of raising in the test.
    return Client(raise_request_exception=False)


def test_a_story_page_is_kept_in_redis_and_served_from_it(keys, django_assert_num_queries):
    url = published_article(headline="Harbour wall repairs begin").get_absolute_url()
    client = reader()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert keys() > 0

    with django_assert_num_queries(0):
        again = client.get(url)
    assert again["X-Page-Cache"] == "hit"
    assert "Harbour wall repairs begin" in again.content.decode()


def test_an_approved_comment_reaches_the_cached_page(editor):
    article = published_article()
    client = reader()
    client.get(article.get_absolute_url())
    comment = CommentFactory(
        article=article, body="The new wall looks sturdy.", status=Comment.Status.PENDING
    )
    assert "The new wall looks sturdy." not in client.get(article.get_absolute_url()).text

    comment.approve(by=editor, reason="")
    assert "The new wall looks sturdy." in client.get(article.get_absolute_url()).text


def test_with_redis_stopped_readers_sign_in_and_healthz_answer(redis_server, editor):
    article = published_article(headline="Ferry timetable changes")
    client = reader()
    client.get(article.get_absolute_url())
    redis_server.stop()
    try:
        pages = {url: client.get(url) for url in ("/", article.get_absolute_url(), "/feed/")}
        login_page = client.get("/admin/login/")
        health = client.get("/healthz")
        staff = browser()
        signed_in = sign_in(staff, editor.username, PASSWORD)
    finally:
        redis_server.start()

    assert {url: r.status_code for url, r in pages.items()} == dict.fromkeys(pages, 200)
    assert "Ferry timetable changes" in pages[article.get_absolute_url()].text
    assert login_page.status_code == 200
    assert health.status_code == 200
    assert health.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "unreachable",
        "storage": "ok",
    }
    assert signed_in.status_code == 302 and is_signed_in(staff)


def test_with_redis_stopped_the_flood_limit_and_the_lockout_still_hold(redis_server, editor):
    article = published_article()
    redis_server.stop()
    try:
        first = post_comment(reader(), article, ip="203.0.113.41", body="First, in time.")
        second = post_comment(reader(), article, ip="203.0.113.41", body="Second, too soon.")
        guesses = [
            sign_in(browser(), editor.username, f"wrong {n}", address="203.0.113.42").status_code
            for n in range(5)
        ]
    finally:
        redis_server.start()

    assert first.status_code == 302  # to the comment under the story
    assert second.status_code == 429
    assert list(Comment.objects.values_list("body", flat=True)) == ["First, in time."]
    assert guesses == [200, 200, 200, 200, 429]
    assert AccessAttempt.objects.get().failures_since_start == 5


def test_an_outage_is_logged_once_not_per_request(redis_server, caplog):
    url = published_article().get_absolute_url()
    client = reader()
    redis_server.stop()
    try:
        with caplog.at_level(logging.WARNING, logger="newsroom.cache"):
            statuses = [client.get(url).status_code for _ in range(20)]
    finally:
        redis_server.start()
    with caplog.at_level(logging.WARNING, logger="newsroom.cache"):
        client.get(url)

    assert statuses == [200] * 20
    messages = [r.getMessage() for r in caplog.records if r.name == "newsroom.cache"]
    assert len(messages) == 2, messages
    assert "The cache is unreachable" in messages[0]
    assert "reachable again; emptied it" in messages[1]


def test_a_change_during_an_outage_is_not_stale_once_redis_returns(redis_server, keys):
    article = published_article(headline="Old headline on the quay")
    client = reader()
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    redis_server.stop()  # it saves what it holds, the old page among it
    try:
        article.headline = "New headline on the quay"
        article.save()  # its invalidation cannot reach Redis
        during = client.get(article.get_absolute_url())
    finally:
        redis_server.start()
    assert keys() > 0, "Redis came back empty: the test would prove nothing"

    after = client.get(article.get_absolute_url())
    assert "New headline on the quay" in during.text
    assert "New headline on the quay" in after.text
    assert "Old headline on the quay" not in after.text


def test_a_request_stream_through_an_outage_has_no_server_error(redis_server):
    stories = [published_article(headline=f"Lifeboat report {n}") for n in range(3)]
    urls = ["/", *(story.get_absolute_url() for story in stories), "/feed/", "/healthz"]
    client = reader()
    statuses: list[int] = []
    headline_after = ""
    for step in range(60):
        if step == 20:
            redis_server.stop()
        if step == 30:
            stories[0].headline = "Lifeboat report, corrected"
            stories[0].save()
        if step == 40:
            redis_server.start()
        response = client.get(urls[step % len(urls)])
        statuses.append(response.status_code)
        if step > 40 and urls[step % len(urls)] == stories[0].get_absolute_url():
            headline_after = response.text
    assert [s for s in statuses if s >= 500] == []
    assert set(statuses) == {200}
    assert "Lifeboat report, corrected" in headline_after
