"""The moderators' queue at /moderation/: who may use it, what it shows, the one-click verbs,
bulk actions, reader flags, and its query count."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.admin import CommentAdmin
from comments.decisions import DECISIONS
from comments.forms import ModerationForm
from comments.models import Block, Comment, Flag, ModerationEvent, ModerationLimits, ModerationWord
from newsroom.roles import EDITORS, MODERATORS, ROLE_PERMISSIONS, WRITERS
from tests.commenting import new_address
from tests.factories import CommentFactory, published_article, reply_to

pytestmark = pytest.mark.django_db

QUEUE = reverse("moderation:queue")


def held(**kwargs: object) -> Comment:
    fields = {
        "status": Comment.Status.PENDING,
        "held_reasons": [
            {"rule": "hold_words", "action": "hold", "reason": "Contains liar.",
             "words": ["liar"]},
        ],
    }  # fmt: skip
    fields.update(kwargs)
    return CommentFactory(**fields)


# --- Who may use it -----------------------------------------------------------------------


def test_a_signed_out_reader_is_sent_to_sign_in():
    response = Client().get(QUEUE)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.parametrize("role", ["writer_client", "nobody_client"])
def test_writers_and_staff_without_a_role_may_not_moderate(role, request):
    comment = held()
    client = request.getfixturevalue(role)
    assert client.get(QUEUE).status_code == 403
    assert client.get(reverse("moderation:log")).status_code == 403
    response = client.post(reverse("moderation:act", args=[comment.pk]), {"action": "approve"})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


@pytest.mark.parametrize("role", ["moderator_client", "editor_client"])
def test_moderators_and_editors_see_the_queue(role, request):
    held(body="Waiting patiently.")
    response = request.getfixturevalue(role).get(QUEUE)
    assert response.status_code == 200
    assert "Waiting patiently." in response.content.decode()


def test_the_roles_match_the_table():
    for group_name in (EDITORS, MODERATORS):
        codenames = set(
            Group.objects.get(name=group_name)
            .permissions.filter(content_type__app_label="comments")
            .values_list("codename", flat=True)
        )
        assert codenames == set(ROLE_PERMISSIONS["comments"][group_name])
        assert "moderate_comment" in codenames
    writers = Group.objects.get(name=WRITERS)
    assert not writers.permissions.filter(content_type__app_label="comments").exists()


def test_the_queue_refuses_the_wrong_methods(moderator_client):
    comment = held()
    assert moderator_client.post(QUEUE).status_code == 405
    assert moderator_client.get(reverse("moderation:act", args=[comment.pk])).status_code == 405
    assert moderator_client.get(reverse("moderation:bulk")).status_code == 405


# --- What it shows ------------------------------------------------------------------------


def test_the_queue_shows_why_with_matched_words_highlighted_and_the_context(moderator_client):
    article = published_article(headline="Harbour wall repairs")
    parent = CommentFactory(article=article, name="First Reader", body="The wall is fine.")
    CommentFactory(email="repeat@example.test")
    CommentFactory(email="repeat@example.test", status="rejected")
    comment = held(
        article=article,
        parent=parent,
        root=parent,
        depth=1,
        email="repeat@example.test",
        body="The contractor is a liar.",
        ip_hash="ab" * 32,
    )
    html = moderator_client.get(QUEUE).content.decode()
    assert "Harbour wall repairs" in html
    assert "In reply to <strong>First Reader</strong>" in html and "The wall is fine." in html
    assert "repeat@example.test" in html
    assert "abababababab" in html
    assert "record: 1 published, 1 rejected" in html
    assert "Contains liar." in html
    assert "The contractor is a <mark>liar</mark>." in html
    assert f'id="q-{comment.pk}"' in html
    assert "js/moderation.js" in html


def test_pending_comments_are_listed_oldest_first(moderator_client):
    older = held(body="Older one.")
    newer = held(body="Newer one.")
    html = moderator_client.get(QUEUE).content.decode()
    assert html.index(f'id="q-{older.pk}"') < html.index(f'id="q-{newer.pk}"')


@pytest.mark.parametrize(
    ("tab", "status"),
    [("approved", "approved"), ("rejected", "rejected"), ("spam", "spam"), ("removed", "removed")],
)
def test_each_tab_lists_its_status(tab, status, moderator_client):
    shown = CommentFactory(status=status, body=f"In the {tab} tab.")
    CommentFactory(status="pending", body="Not in this tab.")
    html = moderator_client.get(QUEUE, {"tab": tab}).content.decode()
    assert f'id="q-{shown.pk}"' in html
    assert "Not in this tab." not in html


def test_the_flagged_tab_lists_flagged_comments_with_the_reports(moderator_client):
    flagged = CommentFactory(body="Flag me.")
    Flag.objects.create(comment=flagged, reason="abuse", note="Rude to the skipper", ip_hash="1")
    CommentFactory(body="Nobody minds this one.")
    html = moderator_client.get(QUEUE, {"tab": "flagged"}).content.decode()
    assert "Flag me." in html and "Nobody minds this one." not in html
    assert "Abusive or hateful: Rude to the skipper" in html
    assert "1 flag<" in html


def _queue_queries(client: Client, tab: str = "pending") -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE, {"tab": tab})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("tab", ["pending", "flagged"])
def test_the_queue_query_count_does_not_grow_with_rows(tab, moderator_client):
    def add(n: int) -> None:
        for _ in range(n):
            parent = CommentFactory()
            comment = reply_to(parent, status="pending")
            Flag.objects.create(comment=comment, reason="spam", ip_hash=new_address())

    add(1)
    few = _queue_queries(moderator_client, tab)
    add(40)
    assert _queue_queries(moderator_client, tab) == few


# --- The verbs ----------------------------------------------------------------------------


def _act(client: Client, comment: Comment, **data: str):
    return client.post(reverse("moderation:act", args=[comment.pk]), data)


def test_approving_publishes_and_logs_who(moderator_client, moderator):
    comment = held()
    response = _act(moderator_client, comment, action="approve")
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.moderated_by == moderator and comment.moderated_at is not None
    event = ModerationEvent.objects.get(comment=comment)
    assert (event.action, event.actor, event.actor_kind) == ("approved", moderator, "person")
    html = Client().get(comment.article.get_absolute_url()).content.decode()
    assert comment.body in html


def test_rejecting_takes_a_chosen_or_typed_reason(moderator_client):
    chosen, typed = held(), held()
    _act(moderator_client, chosen, action="reject", reason="Off-topic")
    _act(moderator_client, typed, action="reject", reason="Off-topic", reason_text="Libel risk")
    assert ModerationEvent.objects.get(comment=chosen).reason == "Off-topic"
    assert ModerationEvent.objects.get(comment=typed).reason == "Libel risk"
    assert Comment.objects.filter(status="rejected").count() == 2


def test_marking_spam_and_blocking_the_commenter(editor_client, editor):
    spam, blocked = held(), held(email="pest@example.test", ip_hash="cd" * 32)
    _act(editor_client, spam, action="spam")
    _act(editor_client, blocked, action="block")
    spam.refresh_from_db()
    blocked.refresh_from_db()
    assert spam.status == blocked.status == Comment.Status.SPAM
    assert set(Block.objects.values_list("kind", "value")) == {
        ("email", "pest@example.test"), ("ip_hash", "cd" * 32),
    }  # fmt: skip
    assert list(
        ModerationEvent.objects.filter(comment=blocked).order_by("pk").values_list("action")
    ) == [("blocked",), ("spam",)]


def test_bulk_actions_apply_to_every_selected_comment(moderator_client):
    chosen = [held(), held()]
    left = held()
    response = moderator_client.post(
        reverse("moderation:bulk"),
        {"action": "approve", "comments": [c.pk for c in chosen], "next": QUEUE},
    )
    assert response.status_code == 302 and response["Location"] == QUEUE
    assert set(Comment.objects.filter(status="approved").values_list("pk", flat=True)) == {
        c.pk for c in chosen
    }
    left.refresh_from_db()
    assert left.status == "pending"


def test_the_redirect_back_never_leaves_the_site(moderator_client):
    comment = held()
    response = _act(moderator_client, comment, action="approve", next="https://evil.example/")
    assert response["Location"] == QUEUE


@pytest.mark.parametrize("decision", DECISIONS, ids=lambda d: d.value)
def test_every_decision_in_the_queue_calls_a_verb_that_logs_who(
    decision, moderator_client, moderator
):
    comment = held(status=Comment.Status.APPROVED, email="once@example.test", ip_hash="ef" * 32)
    response = _act(moderator_client, comment, action=decision.value, next=QUEUE)
    assert response.status_code == 302
    assert ModerationEvent.objects.filter(comment=comment, actor=moderator).exists()
    shown = [str(m) for m in response.wsgi_request._messages]
    assert shown == [f"{decision.done} comment {comment.pk}."]


def test_the_queue_form_and_the_admin_offer_the_same_decisions(rf, moderator):
    offered = [value for value, _ in ModerationForm().fields["action"].choices]
    assert offered == [d.value for d in DECISIONS]
    request = rf.get("/")
    request.user = moderator
    admin_actions = CommentAdmin(Comment, admin.site).get_actions(request)
    # Everything but returning to the queue, which the admin never offered; plus its delete.
    assert [name for name in admin_actions if name != "delete_selected"] == [
        d.verb for d in DECISIONS if d.admin_label
    ]
    assert {d.verb for d in DECISIONS} - set(admin_actions) == {"return_to_pending"}


def test_blocking_several_commenters_says_so_in_the_plural(moderator_client):
    chosen = [held(email="a@example.test"), held(email="b@example.test")]
    response = moderator_client.post(
        reverse("moderation:bulk"), {"action": "block", "comments": [c.pk for c in chosen]}
    )
    assert [str(m) for m in response.wsgi_request._messages] == [
        "Blocked the commenters of 2 comments."
    ]


def test_an_unknown_action_changes_nothing(moderator_client):
    comment = held()
    _act(moderator_client, comment, action="delete-everything")
    comment.refresh_from_db()
    assert comment.status == "pending"
    assert not ModerationEvent.objects.exists()


# --- Reader flags -------------------------------------------------------------------------


def _flag(comment: Comment, ip: str, reason: str = "abuse"):
    return Client().post(
        reverse("comments:flag", args=[comment.pk]), {"reason": reason}, REMOTE_ADDR=ip
    )


def test_three_flags_send_a_published_comment_back_to_the_queue():
    comment = CommentFactory()
    for n in range(2):
        assert _flag(comment, f"203.0.113.{n}").status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    _flag(comment, "203.0.113.3")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    event = ModerationEvent.objects.filter(action="returned").get()
    assert (event.actor_kind, event.actor_name) == ("rule", "flags")
    assert ModerationEvent.objects.filter(action="flagged", actor_kind="reader").count() == 3


def test_one_reader_flagging_three_times_counts_once():
    comment = CommentFactory()
    for _ in range(3):
        _flag(comment, "203.0.113.77")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert Flag.objects.count() == 1


def test_the_flag_threshold_is_a_moderator_setting():
    ModerationLimits.objects.create(flag_threshold=1)
    comment = CommentFactory()
    _flag(comment, "203.0.113.5")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_a_moderator_who_publishes_again_answers_the_earlier_flags(moderator):
    ModerationLimits.objects.create(flag_threshold=2)
    comment = CommentFactory()
    _flag(comment, "203.0.113.1")
    _flag(comment, "203.0.113.2")
    comment.refresh_from_db()
    comment.approve(by=moderator, reason="Fair comment")
    _flag(comment, "203.0.113.3")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_the_flag_page_is_an_uncached_form_and_only_for_published_comments():
    comment = CommentFactory()
    response = Client().get(reverse("comments:flag", args=[comment.pk]))
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    pending = CommentFactory(status="pending")
    assert Client().get(reverse("comments:flag", args=[pending.pk])).status_code == 404
    bad = Client().post(reverse("comments:flag", args=[comment.pk]), {"reason": "nonsense"})
    assert bad.status_code == 400
    assert not Flag.objects.exists()
    assert Client().put(reverse("comments:flag", args=[comment.pk])).status_code == 405


# --- The admin offers the same -------------------------------------------------------------


def test_the_admin_lists_comments_and_offers_the_verbs(moderator_client, moderator):
    comment = held(body="Admin sees this.")
    changelist = reverse("admin:comments_comment_changelist")
    response = moderator_client.get(changelist, {"status__exact": "pending"})
    assert response.status_code == 200
    assert "Admin sees this." in response.content.decode()
    moderator_client.post(changelist, {"action": "approve", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert ModerationEvent.objects.get(comment=comment).actor == moderator


def test_writers_cannot_open_the_comment_admin(writer_client):
    assert writer_client.get(reverse("admin:comments_comment_changelist")).status_code == 403


@pytest.mark.parametrize(
    "model", ["comment", "moderationword", "block", "moderationlimits", "moderationevent", "flag"]
)
def test_moderators_open_the_comment_admin_pages_and_writers_cannot(
    model, moderator_client, writer_client
):
    comment = held()
    ModerationEvent.record(comment, "held", by=None, rule="first_time")
    changelist = reverse(f"admin:comments_{model}_changelist")
    assert moderator_client.get(changelist).status_code == 200
    assert writer_client.get(changelist).status_code == 403


def test_moderators_add_words_and_blocks_in_the_admin(moderator_client):
    response = moderator_client.post(
        reverse("admin:comments_moderationword_add"),
        {"word": "  Harbour   Thief ", "action": "hold", "note": "Repeated accusation"},
    )
    assert response.status_code == 302
    assert ModerationWord.objects.get().word == "harbour thief"
    moderator_client.post(
        reverse("admin:comments_block_add"), {"kind": "domain", "value": "Spam.Example"}
    )
    assert Block.objects.get().value == "spam.example"
    assert (
        moderator_client.get(reverse("admin:comments_comment_change", args=[held().pk])).status_code
        == 200
    )
    moderator_client.post(reverse("admin:comments_moderationlimits_add"), {"flag_threshold": 5})
    assert ModerationLimits.current().flag_threshold == 5
