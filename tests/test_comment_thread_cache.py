"""The comment thread under a story is rendered once per comment change and then reused.

Signed-in staff always bypass the page cache, so their second view of a story shows what the
fragment saves: the comment queries. Every decision a reader could see makes it stale, and a
reader's own pending comment is never put into (or taken from) the shared fragment.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from comments.models import Comment
from tests.commenting import post_comment
from tests.factories import CommentFactory, published_article, reply_to

pytestmark = pytest.mark.django_db

# The thread's page count, its conversations, their replies, and the published count.
THREAD_QUERIES = 4


def _story_with_conversation() -> Article:
    story = published_article(headline="Ferry timetable changes")
    first = CommentFactory(article=story, name="Ada Quayside", body="The early boat is gone.")
    reply_to(first, name="Bo Pier", body="It moved to ten past seven.")
    CommentFactory(article=story, name="Cy Harbour", body="Fares stay the same.")
    return story


def _view(client: Client, story: Article) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_signed_in_editor_reuses_the_rendered_thread(editor_client):
    story = _story_with_conversation()

    first_html, first_queries = _view(editor_client, story)
    second_html, second_queries = _view(editor_client, story)

    # The thread's queries and the story's own parts (the shell, tests/test_story_shell.py).
    assert second_queries <= first_queries - THREAD_QUERIES
    for words in ("The early boat is gone.", "It moved to ten past seven.", "Fares stay the same."):
        assert words in second_html
    assert '<h2 id="comments-heading">3 Comments</h2>' in second_html
    thread = first_html[first_html.index('<section class="comments"') :]
    assert thread == second_html[second_html.index('<section class="comments"') :]


def test_a_page_cache_miss_after_another_story_is_published_reuses_the_thread(client):
    story = _story_with_conversation()
    with CaptureQueriesContext(connection) as first:
        assert client.get(story.get_absolute_url())["X-Page-Cache"] == "miss"

    published_article(headline="Lifeboat day")  # every cached page is now stale

    with CaptureQueriesContext(connection) as second:
        response = client.get(story.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert len(second) == len(first) - THREAD_QUERIES
    assert "It moved to ten past seven." in response.content.decode()


def test_approving_a_comment_shows_it_at_once(editor_client, moderator):
    story = _story_with_conversation()
    held = CommentFactory(article=story, body="Will the late boat stay?", status="pending")
    html, _ = _view(editor_client, story)
    assert "Will the late boat stay?" not in html

    held.approve(by=moderator)

    html, _ = _view(editor_client, story)
    assert "Will the late boat stay?" in html
    assert '<h2 id="comments-heading">4 Comments</h2>' in html


def test_rejecting_a_comment_removes_it_at_once(editor_client, moderator):
    story = _story_with_conversation()
    html, _ = _view(editor_client, story)
    assert "Fares stay the same." in html

    Comment.objects.get(body="Fares stay the same.").reject(by=moderator, reason="Off-topic")

    html, _ = _view(editor_client, story)
    assert "Fares stay the same." not in html
    assert '<h2 id="comments-heading">2 Comments</h2>' in html


def test_editing_or_erasing_a_comment_changes_the_thread(editor_client):
    story = _story_with_conversation()
    _view(editor_client, story)
    comment = Comment.objects.get(body="The early boat is gone.")
    comment.body = "The early boat is gone from Monday."
    comment.save()
    html, _ = _view(editor_client, story)
    assert "The early boat is gone from Monday." in html

    comment.erase()

    html, _ = _view(editor_client, story)
    assert "Ada Quayside" not in html and "gone from Monday" not in html
    assert "It moved to ten past seven." in html  # the reply keeps its place


def test_a_readers_own_pending_reply_shows_only_to_them():
    story = _story_with_conversation()
    story.comment_mode = Article.CommentMode.PREMODERATED
    story.save()
    anonymous = Client()
    html, _ = _view(anonymous, story)  # the shared fragment is stored first
    parent = Comment.objects.get(body="The early boat is gone.")
    author = Client()
    post_comment(author, story, body="Mine: the bus connects too.", parent=str(parent.pk))
    assert Comment.objects.get(body="Mine: the bus connects too.").status == "pending"

    response = author.get(story.get_absolute_url())
    mine = response.content.decode()
    assert "Mine: the bus connects too." in mine
    assert "Awaiting moderation — only you can see this" in mine
    assert "private" in response["Cache-Control"]
    # It sits under the comment it answers, inside the conversation.
    assert mine.index("The early boat is gone.") < mine.index("Mine: the bus connects too.")
    assert mine.index("Mine: the bus connects too.") < mine.index("Fares stay the same.")

    for reader in (anonymous, Client(), Client(HTTP_COOKIE="sessionid=none")):
        html, _ = _view(reader, story)
        assert "Mine: the bus connects too." not in html
        assert "only you can see" not in html
        assert "The early boat is gone." in html
