"""A story page is its shell (everything but the comment area) and the comment area, each
cached with exact invalidation (articles/story_shell.py): a comment decision re-renders the
comment area into the stored shell; a change to anything the shell shows renders it again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from comments.cookies import OWN_COMMENTS_COOKIE
from tests.factories import (
    CommentFactory,
    CorrectionFactory,
    SectionFactory,
    SupportCampaignFactory,
    published_article,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader() -> Client:
    """A reader whose own-comments cookie is not valid: the page cache never answers them, so
    each request renders the page from its parts, as after a comment decision does."""
    client = Client()
    client.cookies[OWN_COMMENTS_COOKIE] = "not-signed"
    return client


@pytest.fixture
def stories():
    harbour = SectionFactory(name="Harbour")
    ferry = published_article(headline="The ferry timetable changes", section=harbour)
    ferry.tags.add("ferries")
    CommentFactory(article=ferry, name="Ada Quayside", body="The early boat is gone.")
    council = SectionFactory(name="Council")
    budget = published_article(headline="The council sets its budget", section=council)
    budget.tags.add("budget")
    return {"ferry": ferry, "budget": budget, "harbour": harbour, "council": council}


def _get(client: Client, story: Article) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert "X-Page-Cache" not in response  # never the page cache: the parts are what is tested
    return response.content.decode(), len(queries)


def test_the_whole_page_is_rendered_once_then_drawn_from_its_parts_with_no_query(reader, stories):
    first, first_queries = _get(reader, stories["ferry"])
    second, second_queries = _get(reader, stories["ferry"])

    assert second == first
    assert "The early boat is gone." in second and "The ferry timetable changes" in second
    assert second_queries == 0  # the story's row kept with its shell, the thread kept
    assert first_queries > 5


def test_an_approved_comment_renders_the_comment_area_into_the_kept_shell(
    reader, stories, moderator
):
    ferry = stories["ferry"]
    _get(reader, ferry)
    held = CommentFactory(article=ferry, body="Will the late boat stay?", status="pending")

    held.approve(by=moderator)

    html, queries = _get(reader, ferry)
    assert "Will the late boat stay?" in html
    assert '<h2 id="comments-heading">2 Comments</h2>' in html
    # The thread's four queries; the shell and its row were not read again.
    assert queries == 4


@pytest.mark.parametrize(
    "change",
    ["headline", "correction", "campaign", "new related story", "tag shared", "section renamed"],
)
def test_a_change_to_what_the_shell_shows_renders_it_again(reader, stories, editor, change):
    ferry = stories["ferry"]
    _get(reader, ferry)
    before, warm_queries = _get(reader, ferry)
    assert warm_queries == 0
    shown = "The ferry timetable changes"
    if change == "headline":
        ferry.headline = shown = "The ferry timetable changes again"
        ferry.save()
    elif change == "correction":
        CorrectionFactory(article=ferry, text="The first boat leaves at 6.40.")
        shown = "The first boat leaves at 6.40."
    elif change == "campaign":
        campaign = SupportCampaignFactory()
        shown = campaign.appeal
    elif change == "new related story":
        published_article(headline="Harbour dredging starts", section=stories["harbour"])
        shown = "Harbour dredging starts"
    elif change == "tag shared":
        stories["budget"].tags.add("ferries")
        shown = "The council sets its budget"
    else:
        stories["harbour"].name = shown = "Harbour and Coast"
        stories["harbour"].save()

    html, queries = _get(reader, ferry)
    assert shown not in before
    assert shown in html
    assert queries > 5  # rendered again


@pytest.mark.parametrize("change", ["comment on another story", "unrelated story published"])
def test_a_change_the_shell_does_not_show_keeps_it(reader, stories, moderator, change):
    ferry = stories["ferry"]
    _get(reader, ferry)
    if change == "comment on another story":
        held = CommentFactory(article=stories["budget"], body="Rates again?", status="pending")
        held.approve(by=moderator)
    else:
        published_article(headline="Council votes on parking", section=stories["council"])

    html, queries = _get(reader, ferry)
    assert queries == 0
    assert "Council votes on parking" not in html


def test_a_readers_own_pending_comment_is_drawn_into_the_shell_for_them_alone(stories):
    from tests.commenting import post_comment

    ferry = stories["ferry"]
    ferry.comment_mode = Article.CommentMode.PREMODERATED
    ferry.save()
    anonymous = Client()
    anonymous.get(ferry.get_absolute_url())  # the shell is stored for everyone
    author = Client()
    post_comment(author, ferry, body="Mine: the bus connects too.")

    mine = author.get(ferry.get_absolute_url())
    assert "Mine: the bus connects too." in mine.content.decode()
    assert "private" in mine["Cache-Control"]
    theirs = Client().get(ferry.get_absolute_url())
    assert "Mine: the bus connects too." not in theirs.content.decode()
    assert "private" not in theirs.get("Cache-Control", "")


def test_a_story_taken_down_is_gone_although_its_shell_was_kept(reader, stories, editor):
    ferry = stories["ferry"]
    url = ferry.get_absolute_url()
    _get(reader, ferry)
    ferry.return_to_draft(by=editor)

    assert reader.get(url).status_code == 404
    assert Client().get(url).status_code == 404


def test_a_story_deleted_is_gone_although_its_shell_was_kept(reader, stories):
    ferry = stories["ferry"]
    url = ferry.get_absolute_url()
    _get(reader, ferry)
    ferry.delete()

    assert reader.get(url).status_code == 404


def test_the_comment_area_follows_a_change_to_the_story_s_comment_rules(reader, stories):
    ferry = stories["ferry"]
    shown = "Comments are closed on this story."
    before, _ = _get(reader, ferry)
    assert shown not in before[before.index('<section class="comments"') :]
    ferry.comment_mode = Article.CommentMode.CLOSED
    ferry.save()

    html, queries = _get(reader, ferry)
    assert shown in html[html.index('<section class="comments"') :]
    assert queries > 5  # the row changed, so the shell kept with it was not used


def test_comments_closing_on_time_show_closed_from_the_kept_shell(reader, stories, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    ferry = stories["ferry"]
    now = timezone.now()
    ferry.comments_close_at = now + dt.timedelta(minutes=5)
    ferry.save()
    before, _ = _get(reader, ferry)
    assert "Comments are closed on this story." not in before

    later = now + dt.timedelta(minutes=10)
    monkeypatch.setattr(timezone, "now", lambda: later)
    html, _ = _get(reader, ferry)
    assert "Comments are closed on this story." in html
