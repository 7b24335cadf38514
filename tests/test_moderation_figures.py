"""The desk's figures: what waits, the oldest, the median time to a decision over seven days
and each moderator's decisions, on the queue and in the digest mailed through a real SMTP
server."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from comments import desk
from comments.models import Comment, ModerationEvent
from newsroom.roles import MODERATORS
from tests.factories import CommentFactory, UserFactory
from tests.test_password_reset import mailbox  # noqa: F401  (the loopback SMTP server fixture)

pytestmark = pytest.mark.django_db


def _decided(
    by, now, *, posted_ago: dt.timedelta, decided_ago: dt.timedelta, verb: str = "approve"
):
    comment = CommentFactory(status=Comment.Status.PENDING, created_at=now - posted_ago)
    getattr(comment, verb)(by=by, **({"reason": ""} if verb == "reject" else {}))
    # The clock passed in: the log line is dated as if decided then.
    ModerationEvent.objects.filter(comment=comment).update(at=now - decided_ago)
    return comment


@pytest.fixture
def week(moderator):
    now = timezone.now()
    other = UserFactory(username="max-moderator", groups=[MODERATORS])
    hour = dt.timedelta(hours=1)
    _decided(moderator, now, posted_ago=3 * hour, decided_ago=2 * hour)  # took 1 h
    _decided(moderator, now, posted_ago=5 * hour, decided_ago=2 * hour, verb="reject")  # 3 h
    _decided(other, now, posted_ago=10 * hour, decided_ago=5 * hour, verb="mark_spam")  # 5 h
    # Outside the seven days: counts for nothing.
    _decided(other, now, posted_ago=dt.timedelta(days=9), decided_ago=dt.timedelta(days=8))
    CommentFactory(status=Comment.Status.PENDING, created_at=now - 4 * hour)
    CommentFactory(status=Comment.Status.PENDING, created_at=now - hour)
    return moderator, other, now


def test_the_figures_count_what_waits_and_how_fast_people_decide(week):
    moderator, other, now = week
    figures = desk.figures(now=now)
    assert figures.waiting.count == 2
    assert figures.waiting.oldest == now - dt.timedelta(hours=4)
    assert figures.median_to_decision == dt.timedelta(hours=3)
    assert figures.decided == 3
    assert figures.per_moderator == [(moderator.username, 2), (other.username, 1)]


def test_rules_decisions_are_not_a_moderators_work(moderator):
    comment = CommentFactory(status=Comment.Status.PENDING)
    comment.approve(by=None, rule="trust")
    figures = desk.figures()
    assert figures.decided == 0 and figures.median_to_decision is None


def test_the_queue_shows_the_figures(week, moderator_client):
    moderator, other, _ = week
    html = moderator_client.get(reverse("moderation:queue")).content.decode()
    assert '<dd data-figure="waiting">2</dd>' in html
    assert '<dd data-figure="oldest">4 h 00 min</dd>' in html
    assert '<dd data-figure="median">3 h 00 min</dd>' in html
    assert f"({moderator.username} 2, {other.username} 1)" in html


def test_the_daily_digest_carries_the_figures(week, mailbox):  # noqa: F811
    moderator, other, _ = week
    out = io.StringIO()
    call_command("send_moderation_digest", stdout=out)
    assert "Digest sent to 2 moderator(s)." in out.getvalue()
    message = mailbox.wait_for(1)[0]
    body = message.get_payload(decode=True).decode()
    assert "2 comments waiting for moderation." in body
    assert "- Waiting now: 2" in body
    assert "- Oldest waiting: 4 h 00 min" in body
    assert "- Median time to decision, last 7 days: 3 h 00 min" in body
    assert f"- Decisions, last 7 days: 3 ({moderator.username} 2, {other.username} 1)" in body


@pytest.mark.parametrize(
    "span, words",
    [(dt.timedelta(seconds=40), "40 s"), (dt.timedelta(minutes=12), "12 min"),
     (dt.timedelta(hours=2, minutes=5), "2 h 05 min"), (dt.timedelta(days=3, hours=4), "3 d 4 h"),
     (None, "—")],
)  # fmt: skip
def test_durations_read_as_words(span, words):
    assert desk.duration(span) == words
