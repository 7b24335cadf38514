"""The moderation rules, each on its own and in their order (comments/rules.py)."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import subprocess
import sys
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.utils import timezone

from articles.models import Article
from articles.request_ip import hash_ip
from comments import rules
from comments.models import Block, Comment, ModerationEvent, ModerationLimits, ModerationWord
from comments.privacy import email_digest
from comments.services import Outcome, submit_comment
from tests.commenting import post_comment
from tests.factories import CommentFactory, published_article

pytestmark = pytest.mark.django_db

_n = itertools.count()


def submit(article: Article, **overrides: Any):
    n = next(_n)
    now = overrides.pop("now", timezone.now())
    fields = {
        "article": article,
        "body": "A fair point about the harbour wall.",
        "name": "Rita Reader",
        "email": "rita@example.test",
        "ip_hash": hash_ip(f"reader-address-{n}"),
        "nonce": f"nonce-{n}",
        "rendered_at": now - dt.timedelta(seconds=30),
        "now": now,
    }
    fields.update(overrides)
    # Sent from the reader's own browser, which has shown the address is theirs; whether the
    # address has published comments is each test's to say (`known`).
    fields.setdefault("device_addresses", (email_digest(str(fields["email"])),))
    return submit_comment(**fields)


def known(article: Article, email: str = "rita@example.test") -> None:
    CommentFactory(article=article, email=email, ip_hash="someone-else")


def rules_of(result) -> list[str]:
    return [v.rule for v in result.verdicts]


# --- Each rule ----------------------------------------------------------------------------


def test_it_publishes_a_comment_nothing_objects_to():
    article = published_article()
    known(article)
    result = submit(article)
    assert result.outcome == Outcome.PUBLISHED
    assert result.comment.status == Comment.Status.APPROVED
    assert result.comment.held_reasons == []


def test_it_rejects_comments_on_a_closed_story():
    article = published_article(comment_mode=Article.CommentMode.CLOSED)
    result = submit(article)
    assert result.outcome == Outcome.REJECTED and rules_of(result) == ["story_closed"]
    assert Comment.objects.get().status == Comment.Status.REJECTED


def test_it_rejects_comments_after_the_closing_time():
    now = timezone.now()
    article = published_article(comments_close_at=now - dt.timedelta(minutes=1))
    assert rules_of(submit(article, now=now)) == ["story_closed"]


def test_it_silently_rejects_a_filled_honeypot():
    article = published_article()
    known(article)
    result = submit(article, honeypot="http://spam.example")
    assert result.outcome == Outcome.SILENT and rules_of(result) == ["honeypot"]
    assert result.comment.status == Comment.Status.SPAM


def test_it_silently_rejects_a_form_sent_under_three_seconds():
    article = published_article()
    known(article)
    now = timezone.now()
    fast = submit(article, now=now, rendered_at=now - dt.timedelta(seconds=2.5))
    assert fast.outcome == Outcome.SILENT and rules_of(fast) == ["too_fast"]
    slow = submit(article, now=now, rendered_at=now - dt.timedelta(seconds=3), body="Later.")
    assert slow.outcome == Outcome.PUBLISHED


def test_it_silently_rejects_a_form_without_a_signed_time():
    article = published_article()
    assert rules_of(submit(article, rendered_at=None)) == ["too_fast"]


def test_a_forged_stamp_through_the_form_is_rejected_silently():
    article = published_article()
    client = Client()
    response = post_comment(client, article, stamp="forged:stamp")
    assert response.status_code == 302
    assert "awaiting moderation" in client.get(response["Location"]).content.decode()
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_the_length_rule_backs_up_the_form():
    article = published_article()
    assert rules_of(submit(article, body="x")) == ["length"]
    assert rules_of(submit(article, body="x" * 5001)) == ["length"]


def test_it_rejects_the_same_text_from_the_same_email_within_six_hours():
    now = timezone.now()
    article = published_article()
    known(article)
    submit(article, now=now - dt.timedelta(hours=5), body="Same words.")
    again = submit(article, now=now, body="Same words.")
    assert again.outcome == Outcome.REJECTED and rules_of(again) == ["duplicate"]


def test_it_rejects_the_same_text_from_the_same_address_under_another_email():
    article = published_article()
    submit(article, ip_hash="same-address", body="Copy paste.", email="a@example.test")
    other = submit(article, ip_hash="same-address", body="Copy paste.", email="b@example.test",
                   now=timezone.now() + dt.timedelta(minutes=5))  # fmt: skip
    assert rules_of(other) == ["duplicate"]


def test_the_same_text_after_six_hours_is_fine():
    now = timezone.now()
    article = published_article()
    known(article)
    submit(article, now=now - dt.timedelta(hours=7), body="Same words.")
    assert submit(article, now=now, body="Same words.").outcome == Outcome.PUBLISHED


def test_it_refuses_a_second_comment_within_fifteen_seconds_from_one_address():
    now = timezone.now()
    article = published_article()
    submit(article, ip_hash="busy", now=now - dt.timedelta(seconds=10), body="One.")
    result = submit(article, ip_hash="busy", now=now, body="Two.")
    assert result.outcome == Outcome.FLOOD and result.comment is None
    assert Comment.objects.count() == 1
    later = submit(article, ip_hash="busy", now=now + dt.timedelta(seconds=6), body="Three.")
    assert later.outcome != Outcome.FLOOD


def test_it_refuses_the_eleventh_comment_in_an_hour_from_one_address():
    now = timezone.now()
    article = published_article()
    for minute in range(10):
        submit(article, ip_hash="chatty", now=now - dt.timedelta(minutes=55 - minute * 5),
               body=f"Comment {minute}")  # fmt: skip
    result = submit(article, ip_hash="chatty", now=now, body="Eleventh.")
    assert result.outcome == Outcome.FLOOD
    assert "10 comments in an hour" in result.reason


def test_a_flood_through_the_form_is_a_429_that_keeps_the_text():
    article = published_article()
    client = Client()
    post_comment(client, article, ip="203.0.113.9", body="First.")
    response = post_comment(client, article, ip="203.0.113.9", body="Second, too soon.")
    assert response.status_code == 429
    assert "Second, too soon." in response.content.decode()
    assert "commenting too quickly" in response.content.decode()
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (Block.Kind.EMAIL, "Rita@Example.test"),
        (Block.Kind.DOMAIN, "example.test"),
        (Block.Kind.IP_HASH, "blocked-address"),
    ],
)
def test_it_rejects_blocked_emails_domains_and_addresses(kind, value):
    article = published_article()
    known(article)
    Block.objects.create(kind=kind, value=value)
    result = submit(article, ip_hash="blocked-address")
    assert result.outcome == Outcome.REJECTED and rules_of(result) == ["blocked"]


def test_it_rejects_words_on_the_reject_list_from_settings_and_the_admin(settings):
    settings.COMMENTS_REJECT_WORDS = ["casino bonus"]
    ModerationWord.objects.create(word="Miracle Pills", action="reject")
    article = published_article()
    known(article)
    first = submit(article, body="Get your CASINO   bonus today")
    second = submit(article, body="miracle pills for all", now=timezone.now() + dt.timedelta(1))
    assert rules_of(first) == rules_of(second) == ["reject_words"]
    assert first.verdicts[0].words == ("casino bonus",)


def test_it_holds_comments_with_two_links():
    article = published_article()
    known(article)
    one = submit(article, body="See https://example.org for details.")
    assert one.outcome == Outcome.PUBLISHED
    two = submit(article, body="See https://a.example and www.b.example", now=timezone.now()
                 + dt.timedelta(minutes=1))  # fmt: skip
    assert two.outcome == Outcome.HELD and rules_of(two) == ["links"]


def test_it_holds_whole_hold_words_case_insensitively_and_stores_them(settings):
    settings.COMMENTS_HOLD_WORDS = ["liar"]
    ModerationWord.objects.create(word="crook", action="hold")
    article = published_article()
    known(article)
    familiar = submit(article, body="A familiar sight on the quay.")
    assert familiar.outcome == Outcome.PUBLISHED
    held = submit(article, body="The mayor is a LIAR and a Crook.",
                  now=timezone.now() + dt.timedelta(minutes=1))  # fmt: skip
    assert held.outcome == Outcome.HELD
    assert held.comment.held_reasons == [
        {"rule": "hold_words", "action": "hold", "reason": "Contains liar, crook.",
         "words": ["liar", "crook"]}
    ]  # fmt: skip


def test_it_holds_the_first_comment_from_an_email_never_approved():
    article = published_article()
    CommentFactory(article=article, email="rejected@example.test", status="rejected")
    result = submit(article, email="rejected@example.test")
    assert result.outcome == Outcome.HELD and rules_of(result) == ["first_time"]


def test_it_holds_every_comment_on_a_premoderated_story():
    article = published_article(comment_mode=Article.CommentMode.PREMODERATED)
    known(article)
    result = submit(article)
    assert result.outcome == Outcome.HELD and rules_of(result) == ["premoderated"]


def test_moderators_set_limits_in_the_admin_that_override_settings():
    ModerationLimits.objects.create(hold_links=1, min_seconds=60)
    article = published_article()
    known(article)
    now = timezone.now()
    assert rules_of(submit(article, now=now, rendered_at=now - dt.timedelta(seconds=30))) == [
        "too_fast"
    ]
    one_link = submit(article, body="See https://example.org", now=now,
                      rendered_at=now - dt.timedelta(seconds=90))  # fmt: skip
    assert rules_of(one_link) == ["links"]


# --- The order ----------------------------------------------------------------------------


def test_every_hold_reason_is_stored_and_logged_together(settings):
    settings.COMMENTS_HOLD_WORDS = ["idiot"]
    article = published_article(comment_mode=Article.CommentMode.PREMODERATED)
    result = submit(article, body="idiot https://a.example https://b.example")
    assert [r["rule"] for r in result.comment.held_reasons] == [
        "links", "hold_words", "first_time", "premoderated",
    ]  # fmt: skip
    events = ModerationEvent.objects.filter(comment=result.comment).order_by("pk")
    assert [(e.action, e.actor_name) for e in events] == [
        ("held", "links"), ("held", "hold_words"), ("held", "first_time"), ("held", "premoderated"),
    ]  # fmt: skip


def test_the_rules_run_in_the_issue_s_order():
    assert [rule.__name__ for rule in rules.RULES] == [
        "story_closed", "honeypot", "too_fast", "length", "duplicate", "flood", "blocked",
        "reserved_name", "reject_words", "links", "hold_words", "first_time", "premoderated",
        "learned_spam",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("closed+honeypot", "story_closed"),
        ("honeypot+fast", "honeypot"),
        ("fast+length", "too_fast"),
        ("length+duplicate", "length"),
        ("duplicate+flood", "duplicate"),
        ("flood+blocked", "flood"),
        ("blocked+reject_words", "blocked"),
        ("reject_words+links", "reject_words"),
    ],
)
def test_an_earlier_rule_wins(setup, expected, settings):
    settings.COMMENTS_REJECT_WORDS = ["casino bonus"]
    now = timezone.now()
    article = published_article()
    known(article)
    kwargs: dict[str, Any] = {"now": now, "ip_hash": "addr", "body": "Quite ordinary words."}
    if "closed" in setup:
        Article.objects.filter(pk=article.pk).update(comment_mode="closed")
        article.refresh_from_db()
    if "honeypot" in setup:
        kwargs["honeypot"] = "filled"
    if "fast" in setup:
        kwargs["rendered_at"] = now
    if "length" in setup:
        kwargs["body"] = "x"
    if "duplicate" in setup or "flood" in setup:
        earlier = now - dt.timedelta(seconds=5)
        submit(article, now=earlier, ip_hash="addr", body=kwargs["body"])
        if "duplicate" not in setup:
            kwargs["body"] = "Something new entirely."
    if "blocked" in setup:
        Block.objects.create(kind=Block.Kind.IP_HASH, value="addr")
    if "reject_words" in setup:
        kwargs["body"] = "casino bonus"
    if "links" in setup:
        kwargs["body"] += " https://a.example https://b.example"
    assert rules_of(submit(article, **kwargs))[0] == expected


# --- Limits hold across connections -------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database ignores the busy timeout between threads; "
    "the two-process test below covers SQLite",
)
@pytest.mark.django_db(transaction=True)
def test_the_flood_limit_holds_across_two_database_connections():
    """Two workers (threads with their own connections) post from one address at once:
    one comment is stored, the other is refused as a flood."""
    article = published_article()
    known(article)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            result = submit(article, ip_hash="shared-address", nonce=f"thread-{n}",
                            body=f"From worker {n}.")  # fmt: skip
            outcomes.append(result.outcome)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert sorted(outcomes) == sorted([Outcome.PUBLISHED, Outcome.FLOOD])
    assert Comment.objects.filter(ip_hash="shared-address").count() == 1


WORKER = """
import sys, time, datetime as dt
import django
django.setup()
from django.utils import timezone
from articles.models import Article
from comments.services import submit_comment
start = float(sys.argv[1])
article = Article.objects.get(slug="flood-test")
while time.time() < start:
    time.sleep(0.001)
now = timezone.now()
result = submit_comment(
    article=article, body="From process " + sys.argv[2], name="Worker",
    email="worker@example.test", ip_hash="shared-address", nonce="process-" + sys.argv[2],
    rendered_at=now - dt.timedelta(seconds=30), now=now,
)
print(result.outcome)
"""

SETUP = """
import django
django.setup()
from articles.models import Article, Section
section = Section.objects.create(name="Harbour", slug="harbour")
article = Article.objects.create(headline="Flood test", slug="flood-test", section=section)
article.publish(by=None)
"""


def test_the_flood_limit_holds_across_two_processes_on_sqlite(tmp_path):
    """Two gunicorn-like processes on one SQLite file post from one address at the same
    instant: exactly one comment is stored. The file is the test's own, so this runs whichever
    database the rest of the suite uses."""
    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'flood.sqlite3'}",
        "NEWSROOM_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "NEWSROOM_CACHE_DIR": str(tmp_path / "cache"),
    }
    run = partial(subprocess.run, env=env, cwd=root, check=True, capture_output=True, text=True)
    run([sys.executable, "manage.py", "migrate", "--verbosity", "0"])
    run([sys.executable, "-c", SETUP])
    start = str(time.time() + 2)
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, start, str(n)],
            env=env, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for n in range(2)
    ]  # fmt: skip
    results = [worker.communicate(timeout=60) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers), results
    outcomes = sorted(out.strip() for out, _ in results)
    assert outcomes == ["flood", "held"]
