"""The moderation log: every action by a person or a rule, filters, CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, ModerationEvent
from tests.commenting import post_comment
from tests.factories import CommentFactory, published_article

pytestmark = pytest.mark.django_db

LOG = reverse("moderation:log")
CSV = reverse("moderation:log_csv")


def test_rules_and_people_both_write_to_the_log(moderator, moderator_client):
    article = published_article()
    post_comment(Client(), article, body="A first comment.")
    comment = Comment.objects.get()
    comment.approve(by=moderator, reason="Looks fine")
    comment.remove(by=moderator, reason="Second thoughts")
    html = moderator_client.get(LOG).content.decode()
    events = list(ModerationEvent.objects.order_by("pk").values_list("action", "actor_name"))
    assert events == [
        ("held", "first_time"), ("approved", moderator.username), ("removed", moderator.username),
    ]  # fmt: skip
    assert "rule: first_time" in html and "Second thoughts" in html


def test_the_log_filters_by_action_actor_comment_and_date(moderator, moderator_client):
    old = CommentFactory()
    new = CommentFactory()
    ModerationEvent.record(old, "rejected", by=moderator, reason="Old rejection")
    recent = ModerationEvent.record(new, "approved", by=None, rule="rules", reason="Recent")
    ModerationEvent.objects.filter(reason="Old rejection").update(
        at=timezone.now() - dt.timedelta(days=10)
    )

    def shown(**params: object) -> str:
        return moderator_client.get(LOG, params).content.decode()

    assert "Recent" in shown(action="approved") and "Old rejection" not in shown(action="approved")
    assert "Old rejection" in shown(actor=moderator.username)
    assert "Recent" not in shown(actor_kind="person")
    assert "Recent" in shown(comment=new.pk) and "Old rejection" not in shown(comment=new.pk)
    since = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    assert "Recent" in shown(since=since) and "Old rejection" not in shown(since=since)
    assert recent.pk


def test_the_csv_export_has_every_filtered_event(moderator, moderator_client):
    comment = CommentFactory(article=published_article(headline="Quay news"))
    ModerationEvent.record(comment, "approved", by=moderator, reason="Fine")
    ModerationEvent.record(comment, "flagged", by=None, reader=True, reason="Spam")
    response = moderator_client.get(CSV, {"action": "approved"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["at", "comment", "story", "action", "by", "actor_kind", "reason"]
    assert [row[1:] for row in rows[1:]] == [
        [str(comment.pk), "Quay news", "approved", moderator.username, "person", "Fine"]
    ]


def test_the_csv_export_neutralises_spreadsheet_formulas(moderator, moderator_client):
    comment = CommentFactory()
    ModerationEvent.record(comment, "flagged", by=None, reader=True, reason="=HYPERLINK(1)")
    rows = list(
        csv.reader(io.StringIO(b"".join(moderator_client.get(CSV).streaming_content).decode()))
    )
    assert rows[1][-1] == "'=HYPERLINK(1)"


@pytest.mark.parametrize("reason", [" =HYPERLINK(1)", "\n=1+1", "\u200b@SUM(A1)"])
def test_the_csv_export_neutralises_formulas_behind_spaces_and_control_characters(
    moderator, moderator_client, reason
):
    comment = CommentFactory()
    ModerationEvent.record(comment, "flagged", by=None, reader=True, reason=reason)
    body = b"".join(moderator_client.get(CSV).streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert rows[1][-1] == "'" + reason


@pytest.mark.parametrize("role", ["writer_client", "nobody_client"])
def test_only_moderators_and_editors_read_the_log(role, request, editor_client):
    assert request.getfixturevalue(role).get(CSV).status_code == 403
    assert editor_client.get(CSV).status_code == 200
    assert Client().get(LOG).status_code == 302


def test_log_lines_cannot_be_edited():
    event = ModerationEvent.record(CommentFactory(), "approved", by=None, rule="rules")
    event.reason = "rewritten history"
    with pytest.raises(ValueError, match="append-only"):
        event.save()


def test_the_log_keeps_its_lines_when_a_comment_is_deleted(moderator):
    comment = CommentFactory()
    ModerationEvent.record(comment, "approved", by=moderator)
    pk = comment.pk
    comment.delete()
    event = ModerationEvent.objects.get()
    assert event.comment is None and event.comment_ref == pk


def test_the_log_page_query_count_does_not_grow(moderator, moderator_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert moderator_client.get(LOG).status_code == 200
        return len(captured)

    ModerationEvent.record(CommentFactory(), "approved", by=moderator)
    few = queries()
    for comment in CommentFactory.create_batch(30):
        ModerationEvent.record(comment, "approved", by=moderator)
    assert queries() == few
