"""The staff's bylines are theirs: a reader posting under an editor's or a writer's name, in
any letters that look like it, is refused on the form with a message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Comment, ModerationEvent
from comments.rules import RESERVED_NAME_MESSAGE
from comments.services import Outcome, submit_comment
from tests.commenting import post_comment
from tests.factories import AuthorFactory, UserFactory, published_article

pytestmark = pytest.mark.django_db

# The editor fixture is Eddie Editor; the writer fixture's byline is Wendy Writer.
LOOK_ALIKES = [
    "Eddie Editor",
    "eddie editor",
    "EDDIE EDITOR",
    "Edd\u0456e Ed\u0456tor",  # Cyrillic і
    "\u0415ddie \u0415ditor",  # Cyrillic Е
    "\uff25\uff44\uff44\uff49\uff45 \uff25\uff44\uff49\uff54\uff4f\uff52",  # fullwidth
    "E\u0301ddie Edi\u0308tor",  # combining marks
    "Eddie  Editor.",
]


def _refused(response) -> bool:
    html = response.content.decode()
    return response.status_code == 400 and RESERVED_NAME_MESSAGE.replace("'", "&#x27;") in html


@pytest.mark.parametrize("name", LOOK_ALIKES)
def test_an_editor_s_name_or_a_look_alike_is_refused_on_the_form(name, editor):
    article = published_article()
    response = post_comment(Client(), article, name=name, email="fan@example.test")
    assert _refused(response)
    # The compose page gives the comment back to post under another name.
    assert "The new ferry timetable works well" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_writer_s_byline_is_refused_too(writer):
    response = post_comment(Client(), published_article(), name="W\u0435ndy Writ\u0435r")
    assert _refused(response)


def test_a_byline_without_an_account_and_a_former_employee_are_not_reserved():
    AuthorFactory(name="Agency Reporter")  # a wire service's byline, no account
    UserFactory(username="gone", first_name="Gale", last_name="Gone", is_active=False)
    article = published_article()
    for name in ["Agency Reporter", "Gale Gone"]:
        response = post_comment(Client(), article, name=name, body=f"A comment by {name}.")
        assert response.status_code == 302, name
    assert Comment.objects.count() == 2


def test_a_name_that_only_contains_a_byline_is_a_reader_s_own(editor):
    response = post_comment(Client(), published_article(), name="Eddie Editorial Fan")
    assert response.status_code == 302
    assert Comment.objects.get().name == "Eddie Editorial Fan"


def test_the_rule_refuses_what_reaches_it_another_way_and_logs_it(editor):
    now = timezone.now()
    result = submit_comment(
        article=published_article(),
        body="Signed by the editor, supposedly.",
        name="\u0395ddie \u0395ditor",  # Greek capital epsilons
        email="fake@example.test",
        ip_hash="someone",
        nonce="reserved-name",
        rendered_at=now - dt.timedelta(seconds=30),
        now=now,
    )
    assert result.outcome == Outcome.REJECTED
    assert [v.rule for v in result.verdicts] == ["reserved_name"]
    event = ModerationEvent.objects.get(comment=result.comment)
    assert (event.action, event.actor_name) == ("rejected", "reserved_name")


def test_staff_signed_in_post_under_their_own_name(editor_client):
    response = post_comment(editor_client, published_article(), name="")
    assert response.status_code == 302
    assert Comment.objects.get().name == "Eddie Editor"
