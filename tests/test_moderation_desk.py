"""The moderation desk as a workplace inside the admin: its look and ways in, a story's queue,
search, the commenter panel, and claims that keep two moderators off one comment."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments import claims
from comments.models import Block, Comment, Flag, ModerationEvent
from newsroom.roles import MODERATORS
from tests.factories import CommentFactory, UserFactory, published_article
from tests.rendered_forms import form_posting_to

pytestmark = pytest.mark.django_db

QUEUE = reverse("moderation:queue")


def pending(**kwargs: object) -> Comment:
    return CommentFactory(status=Comment.Status.PENDING, **kwargs)


@pytest.fixture
def second_moderator(db):
    return UserFactory(username="max-moderator", groups=[MODERATORS])


@pytest.fixture
def second_client(second_moderator) -> Client:
    client = Client()
    client.force_login(second_moderator)
    return client


# --- Part of the admin ----------------------------------------------------------------------


@pytest.mark.parametrize("url", [QUEUE, reverse("moderation:log")])
def test_the_desk_pages_wear_the_admins_header_navigation_and_sign_out(url, moderator_client):
    html = moderator_client.get(url).content.decode()
    assert 'id="site-name"' in html and "— Newsroom" in html  # the admin's header
    assert 'id="logout-form"' in html and reverse("admin:logout") in html  # sign-out
    assert 'class="breadcrumbs"' in html and reverse("admin:index") in html
    # The admin's navigation: its breadcrumbs above, and its header's links (the app-list
    # sidebar is off across the admin, so the desk has none either).
    assert 'id="nav-sidebar"' not in html
    assert "admin/css/base.css" in html and "css/moderation.css" in html


def test_the_admin_home_shows_moderators_what_waits(moderator_client):
    pending(), pending()
    html = moderator_client.get(reverse("admin:index")).content.decode()
    assert 'id="home-moderation"' in html
    assert f'href="{QUEUE}"' in html
    assert "<strong data-waiting>2</strong> waiting" in html


def test_the_admin_home_has_no_queue_block_for_writers(writer_client):
    pending()
    html = writer_client.get(reverse("admin:index")).content.decode()
    assert "home-moderation" not in html


def test_the_comments_list_links_to_the_queue_with_the_count(moderator_client):
    pending(), pending(), pending(), CommentFactory()
    html = moderator_client.get(reverse("admin:comments_comment_changelist")).content.decode()
    assert f'<a href="{QUEUE}" class="viewlink">Moderation queue (3 waiting)</a>' in html


# --- A story's queue and search ---------------------------------------------------------------


def test_the_queue_shows_one_storys_comments_and_offers_the_stories_waiting(moderator_client):
    ferry = published_article(headline="Ferry timetable changes")
    quay = published_article(headline="Quay repairs begin")
    on_ferry = pending(article=ferry, body="The early ferry is always late.")
    pending(article=ferry)
    on_quay = pending(article=quay, body="The quay has needed this for years.")
    html = moderator_client.get(QUEUE, {"story": ferry.pk}).content.decode()
    assert on_ferry.body in html and on_quay.body not in html
    assert (
        "Ferry timetable changes (2 waiting)" in html and "Quay repairs begin (1 waiting)" in html
    )
    assert f'<option value="{ferry.pk}" selected>' in html
    assert "on “Ferry timetable changes”: 2." in html
    assert f'href="?story={ferry.pk}"' in html  # each comment links to its story's queue


def test_a_story_filter_that_is_not_a_number_shows_everything(moderator_client):
    comment = pending()
    response = moderator_client.get(QUEUE, {"story": "'; drop table"})
    assert response.status_code == 200 and comment.body in response.content.decode()


def test_search_finds_comments_by_their_words_and_names_in_any_tab(moderator_client):
    hit = pending(body="The harbour master ignored the storm warning.")
    by_name = CommentFactory(name="Saltmarsh Sam", body="Lovely pictures of the regatta.")
    miss = pending(body="The regatta was rained off again.")
    html = moderator_client.get(QUEUE, {"q": "storm warning"}).content.decode()
    assert hit.body in html and miss.body not in html
    html = moderator_client.get(QUEUE, {"q": "saltmarsh", "tab": "all"}).content.decode()
    assert by_name.body in html and miss.body not in html and hit.body not in html
    html = moderator_client.get(QUEUE, {"q": "regatta", "tab": "approved"}).content.decode()
    assert by_name.body in html and miss.body not in html


@pytest.mark.parametrize("query", ["!!!", "a & | ! :*", "' OR 1=1 --", "x" * 500])
def test_odd_searches_are_words_not_syntax(query, moderator_client):
    response = moderator_client.get(QUEUE, {"q": query})
    assert response.status_code == 200


# --- The commenter panel ----------------------------------------------------------------------


def test_the_commenter_panel_shows_their_record_from_any_comment(moderator_client, moderator):
    early = timezone.now() - dt.timedelta(days=40)
    first = CommentFactory(email="Gull@Example.test", name="Gull", created_at=early)
    rejected = CommentFactory(email="gull@example.test", name="Gull")
    rejected.reject(by=moderator, reason="Off-topic")
    now = pending(email="gull@example.test", name="Gull", ip_hash="ab" * 32)
    Flag.objects.create(comment=first, reason="abuse", ip_hash="f1")
    Flag.objects.create(comment=first, reason="spam", ip_hash="f2")
    someone_else = CommentFactory(email="tern@example.test", body="Not the same reader at all.")
    queue = moderator_client.get(QUEUE).content.decode()
    panel_url = reverse("moderation:commenter", args=[now.pk])
    assert f'href="{panel_url}"' in queue
    html = moderator_client.get(panel_url).content.decode()
    assert "gull@example.test" in html
    assert f'datetime="{timezone.localtime(early):%Y-%m-%dT%H:%M}' in html  # first seen
    assert '<dd data-status="approved">1</dd>' in html
    assert '<dd data-status="rejected">1</dd>' in html
    assert '<dd data-status="pending">1</dd>' in html
    assert "<dd data-flags>2</dd>" in html
    assert "<dd data-blocked>No</dd>" in html
    assert f"Rejected</span> by {moderator.username}" in html
    assert first.body in html and someone_else.body not in html
    Block.add(Block.Kind.IP_HASH, "ab" * 32, reason="Flooding the ferry story", by=moderator)
    html = moderator_client.get(panel_url).content.decode()
    assert "<strong>Yes</strong>: Address (hash) (Flooding the ferry story)" in html


def test_a_commenter_without_an_email_is_known_by_their_address(moderator_client):
    one = pending(email="", ip_hash="cd" * 32, body="From the same address, first.")
    CommentFactory(email="", ip_hash="cd" * 32, body="From the same address, second.")
    CommentFactory(email="", ip_hash="ef" * 32, body="From another address.")
    html = moderator_client.get(reverse("moderation:commenter", args=[one.pk])).content.decode()
    assert "From the same address, second." in html and "From another address." not in html


@pytest.mark.parametrize("role", ["writer_client", "nobody_client"])
def test_only_moderators_open_the_commenter_panel(role, request):
    comment = pending()
    url = reverse("moderation:commenter", args=[comment.pk])
    assert request.getfixturevalue(role).get(url).status_code == 403
    assert Client().get(url).status_code == 302
    assert request.getfixturevalue("moderator_client").post(url).status_code == 405


def _queries(client: Client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_the_commenter_panel_with_200_earlier_comments_runs_a_fixed_number_of_queries(
    moderator_client,
):
    latest = pending(email="regular@example.test")
    for n in range(3):
        Flag.objects.create(
            comment=CommentFactory(email="regular@example.test"), reason="spam", ip_hash=f"{n}"
        )
    url = reverse("moderation:commenter", args=[latest.pk])
    few = _queries(moderator_client, url)
    article = published_article()
    Comment.objects.bulk_create(
        [
            Comment(article=article, name="Regular", email="regular@example.test",
                    body=f"Earlier comment {n}.", body_html=f"<p>Earlier comment {n}.</p>",
                    status=Comment.Status.APPROVED, nonce=f"earlier-{n}", ip_hash="12" * 32)
            for n in range(200)
        ]
    )  # fmt: skip
    assert _queries(moderator_client, url) == few
    assert "Earlier comment 199." in moderator_client.get(url).content.decode()


def test_the_queue_with_100_waiting_comments_runs_a_fixed_number_of_queries(moderator_client):
    pending()
    few = _queries(moderator_client, QUEUE)
    article = published_article()
    Comment.objects.bulk_create(
        [
            Comment(article=article, name=f"Waiting {n}", email=f"w{n}@example.test",
                    body=f"Waiting comment {n}.", body_html="", status=Comment.Status.PENDING,
                    nonce=f"waiting-{n}", ip_hash=f"{n:064x}")
            for n in range(100)
        ]
    )  # fmt: skip
    assert _queries(moderator_client, QUEUE) == few
    assert _queries(moderator_client, QUEUE, {"page": 2}) == few


# --- Claims -----------------------------------------------------------------------------------


def _claim(client: Client, comment: Comment) -> dict:
    response = client.post(reverse("moderation:claim", args=[comment.pk]))
    assert response.status_code == 200
    return response.json()


def _press(client: Client, comment: Comment, button: str, **typed: str):
    page = client.get(QUEUE, {"tab": "all"}).content.decode()
    form = form_posting_to(page, reverse("moderation:act", args=[comment.pk]))
    return client.post(form.action, form.data(press=button, **typed), follow=True)


def test_a_comment_another_moderator_has_open_says_who_and_refuses_a_decision(
    moderator_client, second_client, moderator
):
    comment = pending()
    assert _claim(moderator_client, comment) == {"reviewer": "", "yours": True}
    assert _claim(second_client, comment) == {"reviewer": moderator.username, "yours": False}
    html = second_client.get(QUEUE).content.decode()
    assert f"Being reviewed by <strong data-taken-by>{moderator.username}</strong>." in html
    response = _press(second_client, comment, "approve")
    assert (
        f"Comment {comment.pk} is being reviewed by {moderator.username}. "
        "Your decision was not applied." in response.content.decode()
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert not ModerationEvent.objects.filter(comment=comment, actor_kind="person").exists()
    # Its holder decides it; the claim goes with the decision.
    _press(moderator_client, comment, "approve")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED and comment.claimed_by is None


def test_the_reviewing_note_is_not_shown_to_the_moderator_who_holds_it(moderator_client):
    comment = pending()
    _claim(moderator_client, comment)
    html = moderator_client.get(QUEUE).content.decode()
    assert (
        'data-taken hidden role="status">Being reviewed by <strong data-taken-by></strong>' in html
    )


def test_a_lapsed_claim_lets_another_moderator_decide(moderator, second_client):
    comment = pending()
    claims.claim(comment.pk, by=moderator, now=timezone.now() - claims.CLAIM_FOR - dt.timedelta(1))
    assert "Being reviewed by" not in second_client.get(QUEUE).content.decode().replace(
        'data-taken hidden role="status">Being reviewed by', ""
    )
    _press(second_client, comment, "approve")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_claiming_another_comment_lets_go_of_the_first(moderator, second_moderator):
    first, second = pending(), pending()
    claims.claim(first.pk, by=moderator)
    claims.claim(second.pk, by=moderator)
    first.refresh_from_db()
    assert first.claimed_by is None
    assert claims.claim(first.pk, by=second_moderator) == ""


def test_a_decision_from_a_page_opened_before_anothers_decision_is_refused(
    moderator_client, second_client, moderator
):
    comment = pending()
    stale = form_posting_to(
        second_client.get(QUEUE).content.decode(), reverse("moderation:act", args=[comment.pk])
    )
    _press(moderator_client, comment, "approve")
    response = second_client.post(stale.action, stale.data(press="reject"), follow=True)
    assert (
        f"Comment {comment.pk} has changed since you opened it: Published by {moderator.username}"
        in (response.content.decode())
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert list(
        ModerationEvent.objects.filter(comment=comment, actor_kind="person").values_list("action")
    ) == [("approved",)]
    # The same approval pressed twice is one approval, not two.
    second_client.post(stale.action, stale.data(press="approve"))
    assert ModerationEvent.objects.filter(comment=comment, action="approved").count() == 1


def test_bulk_decisions_skip_comments_another_moderator_holds(
    moderator_client, second_client, moderator
):
    free, held = pending(), pending()
    claims.claim(held.pk, by=moderator)
    page = second_client.get(QUEUE).content.decode()
    form = form_posting_to(page, reverse("moderation:bulk"))
    data = form.data(press="Apply", action="approve")
    data["comments"] = [str(free.pk), str(held.pk)]
    data[f"seen-{free.pk}"] = data[f"seen-{held.pk}"] = "pending"
    response = second_client.post(form.action, data, follow=True)
    html = response.content.decode()
    assert "Published 1 comments." in html or "Published 1 comment" in html
    assert f"Comment {held.pk} is being reviewed by {moderator.username}" in html
    held.refresh_from_db()
    free.refresh_from_db()
    assert (free.status, held.status) == ("approved", "pending")


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database ignores the busy timeout between threads; "
    "the stale-page test above covers the same refusal on SQLite",
)
@pytest.mark.django_db(transaction=True)
def test_two_moderators_deciding_at_the_same_instant_apply_one_decision(
    moderator, second_moderator
):
    comment = pending()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def decide(user) -> None:
        from django.db import transaction

        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                locked = claims.take_for_decision(comment.pk, by=user, seen_status="pending")
                locked.approve(by=user)
            outcomes.append("applied")
        except claims.Refused:
            outcomes.append("refused")
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=decide, args=(u,)) for u in (moderator, second_moderator)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert sorted(outcomes) == ["applied", "refused"]
    assert ModerationEvent.objects.filter(comment=comment, action="approved").count() == 1
