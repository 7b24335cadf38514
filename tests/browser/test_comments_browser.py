"""A reader comments, a moderator approves with the keyboard, a reply nests, a flag sends the
comment back to the queue — in Debian's Chromium, against a live server."""

from __future__ import annotations

import pytest

from comments.models import Comment, ModerationEvent, ModerationLimits
from tests.factories import published_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The browser comes from tests/browser/conftest.py (one Chromium for the whole run).


def test_a_comment_goes_from_reader_to_moderator_and_back(live_server, browser, moderator):
    # The clock cannot be passed into a browser, so the limits a real person would never hit
    # in this script (3 s before posting, 15 s between comments) are relaxed here, and one
    # flag is enough to send a comment back.
    ModerationLimits.objects.create(min_seconds=0, flood_burst_seconds=0, flag_threshold=1)
    article = published_article(headline="Ferry timetable changes")
    story_url = live_server.url + article.get_absolute_url()

    reader = browser.new_context().new_page()
    reader.goto(story_url)
    reader.fill("#id_name", "Rita Reader")
    reader.fill("#id_email", "rita@example.test")
    reader.fill("#id_body", "The early ferry is a great change for commuters.")
    reader.click("text=Post comment")
    reader.wait_for_selector(".comment--pending")
    assert "Your comment is awaiting moderation." in reader.content()
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING

    staff = browser.new_context().new_page()
    staff.goto(live_server.url + "/moderation/")
    staff.fill("#id_username", moderator.username)
    staff.fill("#id_password", "correct horse battery")
    staff.click("input[type=submit]")
    staff.wait_for_selector(f"#q-{comment.pk}")
    item = staff.inner_text(f"#q-{comment.pk}")
    assert "First comment from this e-mail address." in item
    assert "The early ferry is a great change" in item
    # The shortcuts script is deferred; it marks the first item current once it listens, and
    # a key pressed before that would be lost on a slow machine.
    staff.wait_for_selector(f"#q-{comment.pk}[aria-current=true]")
    staff.keyboard.press("a")
    staff.wait_for_selector("text=Published comment")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert ModerationEvent.objects.filter(comment=comment, actor=moderator).exists()

    reader.goto(story_url)
    published = reader.inner_text(f"#comment-{comment.pk}")
    assert "The early ferry is a great change" in published
    assert "Awaiting moderation" not in published
    assert "1 Comment" in reader.inner_text("#comments-heading")

    reader.click(f"#comment-{comment.pk} .comment__reply")
    reader.fill("#id_name", "Rita Reader")
    reader.fill("#id_email", "rita@example.test")
    reader.fill("#id_body", "Replying to myself: the late ferry too.")
    reader.click("text=Post comment")
    reader.wait_for_selector("text=Your comment is published.")
    reply = Comment.objects.get(parent=comment)
    assert reader.locator(f"#comment-{comment.pk} .comments__replies #comment-{reply.pk}").count()

    reader.click(f"#comment-{comment.pk} >> .comment__flag >> nth=0")
    reader.check("input[name=reason][value=off_topic]")
    reader.click("text=Send report")
    reader.wait_for_selector("text=A moderator will look at it.")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    # Its author still sees it, marked as waiting; everyone else sees a tombstone that keeps
    # the reply in place.
    reader.goto(story_url)
    assert "Awaiting moderation" in reader.inner_text(f"#comment-{comment.pk}")
    stranger = browser.new_context().new_page()
    stranger.goto(story_url)
    assert "The early ferry is a great change" not in stranger.inner_text("#comments")
    assert "[removed]" in stranger.inner_text(f"#comment-{comment.pk}")
    assert "the late ferry too" in stranger.inner_text(f"#comment-{comment.pk}")


def test_a_reader_without_javascript_comments_by_confirming_once(live_server, browser):
    ModerationLimits.objects.create(min_seconds=0)
    article = published_article(headline="Harbour wall repairs")
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(live_server.url + article.get_absolute_url())
    page.fill("#id_name", "Nora Noscript")
    page.fill("#id_email", "nora@example.test")
    page.fill("#id_body", "Typed in a browser without JavaScript.")
    page.click("text=Post comment")
    page.wait_for_selector("text=Please check your comment and post it again.")
    assert not Comment.objects.exists()
    assert page.input_value("#id_body") == "Typed in a browser without JavaScript."
    page.click("text=Post comment")
    page.wait_for_selector(".comment--pending")
    assert Comment.objects.get().body == "Typed in a browser without JavaScript."
