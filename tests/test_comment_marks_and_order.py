"""Marks and order under a story: a Staff badge only a signed-in staff member can earn,
editor's picks first with a label, and threads sorted by oldest, newest or most replies, from
the cached page and without JavaScript."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, ModerationEvent
from tests.commenting import post_comment
from tests.factories import CommentFactory, published_article, reply_to
from tests.rendered_forms import form_posting_to

pytestmark = pytest.mark.django_db


def _order(html: str) -> list[int]:
    """Top-level comments as the page shows them, in order."""
    top = html.split('<ol class="comments__list">', 1)[1]
    depth, found = 0, []
    for match in re.finditer(r'<li class="comment[^"]*" id="comment-(\d+)"|</li>|<ol', top):
        token = match.group(0)
        if token.startswith("<li"):
            if depth == 0:
                found.append(int(match.group(1)))
            depth += 1
        elif token == "</li>":
            depth -= 1
            if depth < 0:
                break
    return found


# --- The Staff badge --------------------------------------------------------------------------


def test_a_signed_in_staff_member_gets_the_staff_badge(editor_client, editor):
    article = published_article()
    response = post_comment(editor_client, article, body="A note from the desk on the ferry story.")
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.user == editor and comment.status == Comment.Status.APPROVED
    html = Client().get(article.get_absolute_url()).content.decode()
    assert re.search(
        rf'id="comment-{comment.pk}".*?<span class="comment__staff">Staff</span>', html, re.S
    )


@pytest.mark.parametrize(
    "forged",
    [{"user": "1"}, {"staff": "1"}, {"is_staff": "on"}, {"user_id": "1"}],
)
def test_a_reader_cannot_earn_the_badge_from_the_form(forged, editor):
    article = published_article()
    post_comment(Client(), article, name="Rita Reader", **forged)
    comment = Comment.objects.get(name="Rita Reader")
    assert comment.user is None
    if comment.status != Comment.Status.APPROVED:
        comment.approve(by=editor)
    html = Client().get(article.get_absolute_url()).content.decode()
    assert "comment__staff" not in html


# --- Editor's picks ---------------------------------------------------------------------------


def _pick_form(client: Client, comment: Comment):
    page = client.get(reverse("moderation:queue"), {"tab": "approved"}).content.decode()
    return form_posting_to(page, reverse("moderation:pick", args=[comment.pk]))


@pytest.mark.parametrize("role", ["moderator_client", "editor_client"])
def test_moderators_and_editors_make_a_pick_shown_first_with_a_label(role, request):
    client = request.getfixturevalue(role)
    article = published_article()
    first = CommentFactory(article=article, created_at=timezone.now() - dt.timedelta(hours=2))
    best = CommentFactory(article=article, body="The clearest account of the tides I have read.")
    reader = Client()
    assert _order(reader.get(article.get_absolute_url()).content.decode()) == [first.pk, best.pk]
    form = _pick_form(client, best)
    response = client.post(form.action, form.data(press="Make editor's pick"), follow=True)
    assert f"Comment {best.pk} is an editor's pick." in html_lib.unescape(response.content.decode())
    html = reader.get(article.get_absolute_url()).content.decode()
    assert _order(html) == [best.pk, first.pk]
    assert re.search(rf'id="comment-{best.pk}".*?Editor\'s pick', html, re.S)
    assert ModerationEvent.objects.filter(comment=best, action="picked").exists()
    form = _pick_form(client, best)
    client.post(form.action, form.data(press="Remove editor's pick"))
    html = reader.get(article.get_absolute_url()).content.decode()
    assert _order(html) == [first.pk, best.pk] and "Editor&#x27;s pick" not in html
    assert "Editor's pick" not in html


def test_writers_cannot_pick(writer_client):
    comment = CommentFactory()
    response = writer_client.post(reverse("moderation:pick", args=[comment.pk]), {"pick": "yes"})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.picked_at is None


def test_a_comment_taken_down_stops_being_a_pick(moderator):
    comment = CommentFactory()
    comment.pick(by=moderator)
    comment.remove(by=moderator, reason="")
    comment.refresh_from_db()
    assert comment.picked_at is None


def test_only_published_comments_can_be_picked(moderator_client):
    held = CommentFactory(status=Comment.Status.PENDING)
    response = moderator_client.post(reverse("moderation:pick", args=[held.pk]), {"pick": "yes"})
    assert response.status_code == 404


# --- Sorting ----------------------------------------------------------------------------------


@pytest.fixture
def three_threads():
    article = published_article()
    now = timezone.now()
    old = CommentFactory(article=article, created_at=now - dt.timedelta(hours=3))
    busy = CommentFactory(article=article, created_at=now - dt.timedelta(hours=2))
    new = CommentFactory(article=article, created_at=now - dt.timedelta(hours=1))
    for _ in range(2):
        reply_to(busy)
    reply_to(new)
    reply_to(old, status=Comment.Status.PENDING)  # waiting replies do not count
    return article, old, busy, new


@pytest.mark.parametrize(
    "sort, expected",
    [("", "old busy new"), ("oldest", "old busy new"), ("newest", "new busy old"),
     ("replies", "busy new old")],
)  # fmt: skip
def test_readers_sort_the_threads_with_plain_links(sort, expected, three_threads):
    article, old, busy, new = three_threads
    names = {"old": old.pk, "busy": busy.pk, "new": new.pk}
    url = article.get_absolute_url() + (f"?sort={sort}" if sort else "")
    html = Client().get(url).content.decode()
    assert _order(html) == [names[n] for n in expected.split()]
    current = sort or "oldest"
    assert f'<a href="?sort={current}#comments" rel="nofollow" aria-current="true">' in html


def test_each_sort_is_its_own_cached_page_and_later_pages_keep_it(three_threads, settings):
    settings.COMMENTS_PER_PAGE = 2
    article = three_threads[0]
    url = article.get_absolute_url()
    reader = Client()
    assert reader.get(url + "?sort=newest")["X-Page-Cache"] == "miss"
    hit = reader.get(url + "?sort=newest&utm_source=x")
    assert hit["X-Page-Cache"] == "hit"
    assert 'href="?sort=newest&amp;comments=2#comments"' in hit.content.decode()
    assert reader.get(url + "?sort=replies")["X-Page-Cache"] == "miss"
    oldest = three_threads[1]
    assert _order(reader.get(url + "?sort=newest&comments=2").content.decode()) == [oldest.pk]


@pytest.mark.parametrize("odd", ["bogus", "NEWEST", "oldest'--", "x" * 300, ""])
def test_an_unknown_sort_shows_the_default_order_without_a_new_cache_entry(odd, three_threads):
    article, old, busy, new = three_threads
    url = article.get_absolute_url()
    reader = Client()
    assert reader.get(url)["X-Page-Cache"] == "miss"
    response = reader.get(url, {"sort": odd})
    assert response["X-Page-Cache"] == "hit"
    assert _order(response.content.decode()) == [old.pk, busy.pk, new.pk]
