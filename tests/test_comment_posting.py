"""Posting comments under a story: the form, threads, the cached page and CSRF, the nonce."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments import services
from comments.models import Comment, ModerationEvent
from tests.commenting import (
    backdated,
    comment_data,
    form_token,
    new_address,
    post_comment,
    trust_device,
)
from tests.factories import CommentFactory, published_article, reply_to

pytestmark = pytest.mark.django_db


def _known_commenter(article: Article, email: str = "rita@example.test") -> Comment:
    """A reader with a published comment already; posting from a browser that has shown the
    address is theirs (tests.commenting.trust_device), the first-time rule lets them through."""
    return CommentFactory(article=article, email=email)


def test_a_first_time_commenter_is_held_and_sees_their_comment_marked_pending():
    article = published_article()
    client = Client()
    response = post_comment(client, article, body="First time here, lovely harbour.")

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert [r["rule"] for r in comment.held_reasons] == ["first_time"]
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"

    page = client.get(article.get_absolute_url())
    html = page.content.decode()
    assert "Your comment is awaiting moderation." in html
    assert "First time here, lovely harbour." in html
    assert "Awaiting moderation — only you can see this" in html
    # The page shows this reader's own things, so no shared cache may keep it.
    assert "private" in page["Cache-Control"] and "no-store" in page["Cache-Control"]

    stranger = Client().get(article.get_absolute_url()).content.decode()
    assert "First time here, lovely harbour." not in stranger
    assert "0 Comments" in stranger


def test_a_known_commenter_is_published_with_a_message():
    article = published_article()
    _known_commenter(article)
    client = trust_device(Client(), "rita@example.test")
    response = post_comment(client, article, body="Second comment from a regular.")
    comment = Comment.objects.latest("pk")
    assert comment.status == Comment.Status.APPROVED
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Your comment is published." in html
    assert f'id="comment-{comment.pk}"' in html
    assert "2 Comments" in html
    event = ModerationEvent.objects.get(comment=comment)
    assert (event.action, event.actor_kind, event.actor_name) == ("approved", "rule", "rules")


def test_the_count_reads_one_comment_and_twelve_comments():
    article = published_article()
    CommentFactory(article=article)
    assert "1 Comment<" in Client().get(article.get_absolute_url()).content.decode()
    CommentFactory.create_batch(11, article=article)
    assert "12 Comments<" in Client().get(article.get_absolute_url()).content.decode()


def test_comments_are_listed_oldest_first_with_permalinks():
    article = published_article()
    first = CommentFactory(article=article, body="I was first.")
    second = CommentFactory(article=article, body="I came second.")
    html = Client().get(article.get_absolute_url()).content.decode()
    assert html.index("I was first.") < html.index("I came second.")
    assert f'href="#comment-{first.pk}"' in html and f'id="comment-{second.pk}"' in html


def test_a_reply_nests_under_its_parent():
    article = published_article()
    parent = CommentFactory(article=article, body="What time is the ferry?")
    _known_commenter(article, "answer@example.test")
    post_comment(
        trust_device(Client(), "answer@example.test"), article, body="It leaves at nine.",
        email="answer@example.test",
        parent=str(parent.pk),
    )  # fmt: skip
    reply = Comment.objects.get(body="It leaves at nine.")
    assert (reply.parent, reply.root, reply.depth) == (parent, parent, 1)
    html = Client().get(article.get_absolute_url()).content.decode()
    parent_block = html[html.index(f'id="comment-{parent.pk}"') :]
    assert parent_block.index('class="comments__replies"') < parent_block.index(
        "It leaves at nine."
    )


def test_a_reply_deeper_than_the_limit_joins_the_deepest_level(settings):
    settings.COMMENTS_MAX_DEPTH = 3
    article = published_article()
    top = CommentFactory(article=article)
    middle = reply_to(top)
    deepest = reply_to(middle)
    _known_commenter(article, "deep@example.test")
    post_comment(
        trust_device(Client(), "deep@example.test"), article, body="Too deep a reply.",
        email="deep@example.test",
        parent=str(deepest.pk),
    )  # fmt: skip
    reply = Comment.objects.get(body="Too deep a reply.")
    assert reply.parent == middle
    assert reply.depth == 2
    assert reply.root == top


def test_reply_without_javascript_goes_to_replyto_and_prefills_the_parent():
    article = published_article()
    parent = CommentFactory(article=article, name="Harbour Watcher")
    html = Client().get(article.get_absolute_url()).content.decode()
    assert f'href="?replyto={parent.pk}#respond"' in html
    html = Client().get(f"{article.get_absolute_url()}?replyto={parent.pk}").content.decode()
    assert re.search(rf'name="parent" value="{parent.pk}"', html)
    assert "Replying to <a" in html and "Harbour Watcher" in html


def test_replying_to_a_comment_that_is_not_visible_is_refused():
    article = published_article()
    hidden = CommentFactory(article=article, status=Comment.Status.PENDING)
    response = post_comment(Client(), article, parent=str(hidden.pk))
    assert response.status_code == 400
    assert "no longer available" in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_double_posted_form_stores_one_comment():
    article = published_article()
    _known_commenter(article)
    client = trust_device(Client(), "rita@example.test")
    ip = new_address()
    stamp = backdated(form_token(client, article)["stamp"], article)
    first = post_comment(client, article, ip=ip, stamp=stamp, body="Said once.")
    second = post_comment(client, article, ip=ip, stamp=stamp, body="Said once.")
    assert first.status_code == second.status_code == 302
    assert Comment.objects.filter(body="Said once.").count() == 1
    assert first["Location"] == second["Location"]


def test_a_comment_that_is_too_short_or_too_long_is_a_form_error():
    article = published_article()
    short = post_comment(Client(), article, body="x")
    long = post_comment(Client(), article, body="y" * 5001)
    assert short.status_code == long.status_code == 400
    assert "at least 2 characters" in short.content.decode()
    assert "at most 5000 characters" in long.content.decode()
    assert not Comment.objects.exists()
    # The reader keeps what they wrote, on a page with a token to send it again.
    assert "y" * 5001 in long.content.decode()
    assert "csrfmiddlewaretoken" in long.content.decode()


def test_the_story_html_is_the_same_for_every_reader_and_carries_no_token(editor):
    article = published_article()
    CommentFactory(article=article)
    anonymous = Client().get(article.get_absolute_url())
    signed_in = Client()
    signed_in.force_login(editor)
    staff = signed_in.get(article.get_absolute_url())
    assert anonymous.content == staff.content
    html = anonymous.content.decode()
    assert 'name="csrfmiddlewaretoken" value=""' in html
    assert 'name="stamp" value=""' in html
    assert not anonymous.cookies
    assert "Cookie" not in anonymous.get("Vary", "")


def test_an_anonymous_reader_without_javascript_comments_from_the_cached_page():
    article = published_article()
    _known_commenter(article)
    client = trust_device(Client(enforce_csrf_checks=True), "rita@example.test")
    ip = new_address()
    cached = client.get(article.get_absolute_url(), REMOTE_ADDR=ip).content.decode()
    action = re.search(r'<form id="comment-form"[^>]* action="([^"]+)"', cached).group(1)

    # The cached form has no token: the reader gets their comment back to confirm.
    confirm = client.post(action, comment_data(body="Posted without JavaScript."), REMOTE_ADDR=ip)
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Please check your comment and post it again." in page
    assert "Posted without JavaScript." in page
    assert "no-store" in confirm["Cache-Control"]
    assert not Comment.objects.filter(body="Posted without JavaScript.").exists()

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    stamp = re.search(r'name="stamp" value="([^"]+)"', page).group(1)
    data = comment_data(body="Posted without JavaScript.")
    data.update(csrfmiddlewaretoken=token, stamp=backdated(stamp, article))
    response = client.post(action, data, REMOTE_ADDR=ip)
    assert response.status_code == 302
    assert Comment.objects.get(body="Posted without JavaScript.").status == "approved"


def test_an_anonymous_reader_with_javascript_comments_using_the_token_endpoint():
    article = published_article()
    _known_commenter(article)
    client = trust_device(Client(enforce_csrf_checks=True), "rita@example.test")
    response = post_comment(client, article, body="Posted with the fetched token.")
    assert response.status_code == 302
    assert Comment.objects.filter(body="Posted with the fetched token.").exists()


def test_the_token_endpoint_is_never_cached_and_sets_the_csrf_cookie():
    article = published_article()
    client = Client()
    response = client.get(reverse("comments:form_token"), {"article": article.pk})
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "csrftoken" in response.cookies
    assert response.json()["signed_in"] is False
    assert client.get(reverse("comments:form_token"), {"article": "nope"}).status_code == 404


@pytest.mark.parametrize("role", ["writer", "editor", "moderator", "nobody"])
def test_a_signed_in_user_posting_without_a_token_is_refused_with_403(role, request):
    user = request.getfixturevalue(role)
    article = published_article()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    token = form_token(client, article)
    data = comment_data(body="Forged from another site.")
    data["stamp"] = backdated(token["stamp"], article)
    response = client.post(reverse("comments:post", kwargs={"article_id": article.pk}), data)
    assert response.status_code == 403
    assert "Please check your comment" not in response.content.decode()
    assert not Comment.objects.exists()


def test_signed_in_staff_post_under_their_account(editor):
    article = published_article()
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    post_comment(client, article, name="Someone Else", email="else@example.test")
    comment = Comment.objects.get()
    assert comment.user == editor
    assert comment.name == "Eddie Editor"
    assert comment.email == editor.email
    # Editors may moderate, so the first-time hold does not apply to them.
    assert comment.status == Comment.Status.APPROVED


def test_the_post_endpoint_refuses_get_and_unknown_stories():
    article = published_article()
    url = reverse("comments:post", kwargs={"article_id": article.pk})
    assert Client().get(url).status_code == 405
    draft_url = reverse("comments:post", kwargs={"article_id": article.pk + 1000})
    assert Client().post(draft_url, comment_data()).status_code == 404


def test_a_closed_story_shows_the_closed_message_and_refuses_comments():
    article = published_article(comment_mode=Article.CommentMode.CLOSED)
    html = Client().get(article.get_absolute_url()).content.decode()
    assert "Comments are closed on this story." in html
    assert 'id="comment-form"' not in html
    client = Client()
    response = post_comment(client, article)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.REJECTED
    assert "Comments are closed on this story." in client.get(response["Location"]).content.decode()


def test_long_threads_are_paginated(settings):
    settings.COMMENTS_PER_PAGE = 2
    article = published_article()
    *_, third = (CommentFactory(article=article, body=f"Root {n}") for n in range(3))
    reply_to(third, body="Reply on page two")
    page_one = Client().get(article.get_absolute_url()).content.decode()
    assert "Root 0" in page_one and "Root 2" not in page_one
    assert "?comments=2#comments" in page_one
    page_two = Client().get(f"{article.get_absolute_url()}?comments=2").content.decode()
    assert "Root 2" in page_two and "Reply on page two" in page_two and "Root 0" not in page_two
    assert "4 Comments" in page_two


def _story_queries(article: Article) -> int:
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return len(queries)


def test_the_story_page_query_count_does_not_grow_with_comments(settings):
    settings.COMMENTS_PER_PAGE = 500
    small = published_article()
    CommentFactory(article=small)
    large = published_article()
    roots = CommentFactory.create_batch(100, article=large)
    for root in roots:
        reply_to(root)
    CommentFactory.create_batch(5, article=large, status=Comment.Status.PENDING)
    assert Comment.objects.filter(article=large).count() == 205
    assert _story_queries(small) == _story_queries(large)


def test_links_are_nofollow_and_line_breaks_are_kept():
    article = published_article()
    CommentFactory(article=article, body="See https://example.org/a?b=1&c=2.\nNext line")
    html = Client().get(article.get_absolute_url()).content.decode()
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">'
        "https://example.org/a?b=1&amp;c=2</a>.<br>\nNext line"
    ) in html


def test_removing_a_comment_with_replies_leaves_a_tombstone(moderator):
    article = published_article()
    parent = CommentFactory(article=article, body="Something regrettable.")
    reply_to(parent, body="A reply worth keeping.")
    lonely = CommentFactory(article=article, body="Nobody answered this.")
    parent.remove(by=moderator, reason="Abusive")
    lonely.remove(by=moderator, reason="Off-topic")
    html = Client().get(article.get_absolute_url()).content.decode()
    assert "Something regrettable." not in html
    assert "[removed]" in html
    assert "A reply worth keeping." in html
    assert "Nobody answered this." not in html
    assert f'id="comment-{lonely.pk}"' not in html
    assert "1 Comment<" in html


def test_every_form_gets_its_own_nonce_and_time_from_the_token_endpoint():
    article = published_article()
    first = services.read_stamp(form_token(Client(), article)["stamp"], article)
    second = services.read_stamp(form_token(Client(), article)["stamp"], article)
    assert first.nonce != second.nonce
    assert services.read_stamp("tampered" + form_token(Client(), article)["stamp"], article) is None
    other_story = published_article()
    assert services.read_stamp(form_token(Client(), article)["stamp"], other_story) is None


def test_a_form_left_open_for_days_is_offered_again_to_confirm():
    article = published_article()
    old = services.issue_stamp(article, at=timezone.now() - dt.timedelta(days=3))
    response = post_comment(Client(), article, stamp=old)
    assert response.status_code == 200
    assert "open a long time" in response.content.decode()
    assert not Comment.objects.exists()
