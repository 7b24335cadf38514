"""The log records a reason only when the moderator chose or typed one, and only for the
decisions that take one: every action is posted exactly as the queue page renders its form."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from comments.decisions import DECISIONS
from comments.models import Comment, ModerationEvent
from tests.factories import CommentFactory
from tests.rendered_forms import RenderedForm, form_posting_to

pytestmark = pytest.mark.django_db

QUEUE = reverse("moderation:queue")
# Which tab shows a comment in each state, so every button the queue renders is pressed.
TAB_FOR = {"pending": "pending", "approved": "approved", "rejected": "rejected", "spam": "spam"}


def _item_form(client: Client, comment: Comment, tab: str) -> RenderedForm:
    page = client.get(QUEUE, {"tab": tab})
    assert page.status_code == 200
    return form_posting_to(page.content.decode(), reverse("moderation:act", args=[comment.pk]))


def _person_events(comment: Comment) -> list[tuple[str, str]]:
    return list(
        ModerationEvent.objects.filter(comment=comment, actor_kind="person")
        .order_by("pk")
        .values_list("action", "reason")
    )


def test_the_reason_menu_has_nothing_chosen_until_the_moderator_chooses(moderator_client):
    comment = CommentFactory(status=Comment.Status.PENDING)
    form = _item_form(moderator_client, comment, "pending")
    assert form.option_values("reason")[0] == ""
    assert form.data()["reason"] == ""


@pytest.mark.parametrize("status", list(TAB_FOR))
def test_every_button_as_rendered_logs_no_reason_when_none_was_given(status, moderator_client):
    probe = CommentFactory(status=status)
    pressed = [
        value for _, value, _ in _item_form(moderator_client, probe, TAB_FOR[status]).buttons
    ]
    assert pressed, "the queue offers no decisions"
    for value in pressed:
        comment = CommentFactory(status=status, email=f"{value}@example.test", ip_hash=value * 8)
        form = _item_form(moderator_client, comment, TAB_FOR[status])
        response = moderator_client.post(form.action, form.data(press=value))
        assert response.status_code == 302
        events = _person_events(comment)
        assert events and all(reason == "" for _, reason in events), (value, events)


def test_approving_with_a_reason_left_chosen_in_the_menu_logs_none(moderator_client):
    comment = CommentFactory(status=Comment.Status.PENDING)
    form = _item_form(moderator_client, comment, "pending")
    moderator_client.post(form.action, form.data(press="approve", reason="Off-topic"))
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert _person_events(comment) == [("approved", "")]
    log = moderator_client.get(reverse("moderation:log")).content.decode()
    assert "Off-topic" not in log
    csv_rows = b"".join(moderator_client.get(reverse("moderation:log_csv")).streaming_content)
    assert b"Off-topic" not in csv_rows


@pytest.mark.parametrize("value", ["reject", "spam", "block"])
def test_a_chosen_or_typed_reason_is_logged_with_the_decisions_that_take_one(
    value, moderator_client
):
    chosen = CommentFactory(status=Comment.Status.PENDING, email="a@example.test", ip_hash="a" * 8)
    typed = CommentFactory(status=Comment.Status.PENDING, email="b@example.test", ip_hash="b" * 8)
    form = _item_form(moderator_client, chosen, "pending")
    moderator_client.post(form.action, form.data(press=value, reason="Off-topic"))
    form = _item_form(moderator_client, typed, "pending")
    moderator_client.post(
        form.action, form.data(press=value, reason="Off-topic", reason_text="Names a juror")
    )
    assert {reason for _, reason in _person_events(chosen)} == {"Off-topic"}
    assert {reason for _, reason in _person_events(typed)} == {"Names a juror"}


def test_the_bulk_form_as_rendered_approves_with_no_reason(moderator_client):
    comments = [CommentFactory(status=Comment.Status.PENDING) for _ in range(3)]
    page = moderator_client.get(QUEUE).content.decode()
    form = form_posting_to(page, reverse("moderation:bulk"))
    assert form.data()["reason"] == ""
    data = form.data(press="Apply", action="approve")
    data["comments"] = [str(c.pk) for c in comments]
    moderator_client.post(form.action, data)
    for comment in comments:
        assert _person_events(comment) == [("approved", "")]


def test_every_decision_says_whether_it_takes_a_reason():
    assert [d.value for d in DECISIONS if not d.takes_reason] == ["approve"]
