"""Reader flags through the report form: a limit per address and hour, and a comment a
moderator has published again after flags took it down stays up until a moderator says."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment, Flag, ModerationEvent, ModerationLimits
from tests.commenting import flag_through_the_form, new_address
from tests.factories import CommentFactory, published_article
from tests.rendered_forms import form_posting_to

pytestmark = pytest.mark.django_db

QUEUE = reverse("moderation:queue")


def _reader() -> Client:
    return Client(enforce_csrf_checks=True)


def test_flags_over_the_hourly_limit_from_one_address_are_not_counted(settings):
    settings.COMMENTS_FLAGS_PER_HOUR = 2
    article = published_article()
    busy, target = new_address(), CommentFactory(article=article)
    for comment in CommentFactory.create_batch(2, article=article):
        assert flag_through_the_form(_reader(), comment, ip=busy).status_code == 302

    refused = flag_through_the_form(_reader(), target, ip=busy)
    assert refused.status_code == 429
    assert "a lot of reports in the last hour" in refused.content.decode()
    assert not Flag.objects.filter(comment=target).exists()
    assert not ModerationEvent.objects.filter(comment=target).exists()

    # Two other readers agree with the busy one; with the busy one not counted, two flags are
    # under the threshold of three and the comment stays up.
    for _ in range(2):
        assert flag_through_the_form(_reader(), target, ip=new_address()).status_code == 302
    target.refresh_from_db()
    assert target.status == Comment.Status.APPROVED
    assert Flag.objects.filter(comment=target).count() == 2


def test_the_hourly_flag_limit_is_a_moderator_setting(settings):
    settings.COMMENTS_FLAGS_PER_HOUR = 10
    ModerationLimits.objects.create(flags_per_hour=1)
    busy = new_address()
    first, second = CommentFactory.create_batch(2)
    assert flag_through_the_form(_reader(), first, ip=busy).status_code == 302
    assert flag_through_the_form(_reader(), second, ip=busy).status_code == 429
    assert Flag.objects.count() == 1


def test_a_comment_a_moderator_published_again_is_not_hidden_by_new_flags(
    moderator, moderator_client
):
    comment = CommentFactory(body="The harbour master was right about the tides.")
    for _ in range(3):
        flag_through_the_form(_reader(), comment, ip=new_address())
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.flag_state == Comment.FlagState.HIDDEN

    moderator_client.post(reverse("moderation:act", args=[comment.pk]), {"action": "approve"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.flag_state == Comment.FlagState.KEPT

    for _ in range(3):
        response = flag_through_the_form(_reader(), comment, ip=new_address())
        assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    # Recorded and logged all the same, and shown to moderators.
    assert Flag.objects.filter(comment=comment).count() == 6
    assert ModerationEvent.objects.filter(comment=comment, action="flagged").count() == 6
    assert list(
        ModerationEvent.objects.filter(comment=comment)
        .exclude(action="flagged")
        .order_by("at", "pk")
        .values_list("action", "actor_name")
    ) == [("returned", "flags"), ("approved", moderator.username)]
    html = moderator_client.get(QUEUE, {"tab": "flagged"}).content.decode()
    assert f'id="q-{comment.pk}"' in html and "6 flags" in html
    assert "Kept by a moderator; flags no longer take it down" in html

    # A moderator still can.
    moderator_client.post(
        reverse("moderation:act", args=[comment.pk]), {"action": "pending", "reason_text": "Hm"}
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_a_first_approval_by_a_moderator_leaves_flags_counting(moderator):
    """Only publishing again *after flags* answers them; approving a held comment does not."""
    comment = CommentFactory(status=Comment.Status.PENDING)
    comment.approve(by=moderator)
    for _ in range(3):
        flag_through_the_form(_reader(), comment, ip=new_address())
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


# --- The report form, and what a flagged comment shows moderators --------------------------


def test_the_report_form_chooses_no_reason_and_says_what_happens_next():
    comment = CommentFactory(status=Comment.Status.APPROVED)
    page = _reader().get(reverse("comments:flag", args=[comment.pk])).content.decode()
    form = form_posting_to(page, reverse("comments:flag", args=[comment.pk]))
    assert "reason" not in form.data()
    assert set(form.option_values("reason")) == {value for value, _ in Flag.Reason.choices}
    assert "What happens next" in page and "If 3 readers report it" in page


def test_pressing_send_report_without_choosing_asks_for_a_reason():
    comment = CommentFactory(status=Comment.Status.APPROVED)
    reader = _reader()
    url = reverse("comments:flag", args=[comment.pk])
    page = reader.get(url).content.decode()
    response = reader.post(url, form_posting_to(page, url).data(press="Send report"))
    assert response.status_code == 400
    assert "Please choose what is wrong with the comment." in response.content.decode()
    assert not Flag.objects.exists()


def test_a_published_flagged_comment_no_longer_shows_its_old_hold_reason(
    moderator, moderator_client
):
    comment = CommentFactory(
        status=Comment.Status.PENDING,
        held_reasons=[{"rule": "first_time", "action": "hold", "reason": "First comment."}],
    )
    comment.approve(by=moderator)
    flag_through_the_form(_reader(), comment, ip=new_address())
    html = moderator_client.get(QUEUE, {"tab": "flagged"}).content.decode()
    assert f'id="q-{comment.pk}"' in html
    assert "first_time" not in html and "First comment." not in html
    for _ in range(2):
        flag_through_the_form(_reader(), comment, ip=new_address())
    html = moderator_client.get(QUEUE).content.decode()
    assert "3 reader flags (limit 3)." in html and "first_time" not in html


@pytest.mark.parametrize(
    ("threshold", "language", "said"),
    [
        (1, "en-gb", "If 1 reader reports it, it is hidden"),
        (3, "en-gb", "If 3 readers report it, it is hidden"),
        (1, "es", "Si lo denuncia 1 lector, se oculta"),
        (3, "es", "Si lo denuncian 3 lectores, se oculta"),
    ],
)
def test_the_report_form_counts_its_readers_in_words(client, settings, threshold, language, said):
    settings.LANGUAGE_CODE = language
    settings.COMMENTS_FLAG_THRESHOLD = threshold
    comment = CommentFactory(article=published_article())
    page = client.get(reverse("comments:flag", args=[comment.pk]))
    assert said in " ".join(page.content.decode().split())
