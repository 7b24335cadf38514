"""The moderation desk and the readers' side of it in Debian's Chromium, against a live
server: two moderators and one comment, three approvals from the keyboard, a reader whose
name and e-mail this browser remembers, and threads sorted without JavaScript."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Comment, ModerationEvent, ModerationLimits
from newsroom.roles import MODERATORS
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import CommentFactory, UserFactory, published_article, reply_to
from tests.signing_in import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(browser, live_server, user, width: int = DESKTOP):
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(live_server.url + "/moderation/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector(".desk")
    return page


def test_a_comment_one_moderator_has_open_is_refused_to_the_other(
    live_server, browser, moderator, roles
):
    other = UserFactory(username="max-moderator", groups=[MODERATORS])
    comment = CommentFactory(status=Comment.Status.PENDING, body="Is the slipway open again?")

    first = _signed_in(browser, live_server, moderator)
    # The script claims the selected comment once the server has answered.
    first.wait_for_selector(f"#q-{comment.pk}[data-claimed=yours]")

    second = _signed_in(browser, live_server, other)
    item = second.locator(f"#q-{comment.pk}")
    assert f"Being reviewed by {moderator.username}." in item.inner_text()
    second.wait_for_selector(f"#q-{comment.pk}[data-claimed=taken]")
    item.locator("button[value=approve]").click()
    second.wait_for_selector("text=Your decision was not applied.")
    assert f"Comment {comment.pk} is being reviewed by {moderator.username}." in second.content()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING

    first.keyboard.press("a")
    first.wait_for_selector(f"text=Published comment {comment.pk}.")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert list(
        ModerationEvent.objects.filter(comment=comment, actor_kind="person").values_list(
            "action", "actor_name"
        )
    ) == [("approved", moderator.username)]
    second.reload()
    assert second.locator(f"#q-{comment.pk}").count() == 0


def test_three_approvals_in_a_row_from_the_keyboard_log_three_approvals_with_no_reason(
    live_server, browser, moderator, roles
):
    now = timezone.now()
    waiting = [
        CommentFactory(
            status=Comment.Status.PENDING,
            body=f"Comment {n} about the lifeboat station's open day.",
            created_at=now - dt.timedelta(minutes=10 - n),
        )
        for n in range(3)
    ]
    page = _signed_in(browser, live_server, moderator)
    for comment in waiting:
        # The script marks the first item current once it listens; a key pressed before
        # that would be lost on a slow machine.
        page.wait_for_selector(f"#q-{comment.pk}[aria-current=true][data-claimed=yours]")
        page.keyboard.press("a")
        page.wait_for_selector(f"text=Published comment {comment.pk}.")
    assert "Nothing here." in page.content()

    page.click("nav.desk-nav >> text=Log")
    rows = page.locator(".moderation__log tbody tr")
    assert rows.count() == 3
    for n in range(3):
        cells = rows.nth(n).locator("td")
        assert cells.nth(2).inner_text() == "Published"
        assert cells.nth(3).inner_text() == moderator.username
        assert cells.nth(4).inner_text() == ""
    assert sorted(ModerationEvent.objects.values_list("comment_id", "action", "reason")) == [
        (comment.pk, "approved", "") for comment in waiting
    ]


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_comment_form_remembers_the_reader_on_this_device_until_forgotten(
    live_server, browser, width, tmp_path
):
    ModerationLimits.objects.create(min_seconds=0, flood_burst_seconds=0)
    article = published_article(headline="Lifeboat station open day")
    other = published_article(headline="Harbour wall survey published")
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(live_server.url + article.get_absolute_url())
    # The comments sit in the story's column, at any width.
    story, comments = (
        page.locator(".story").bounding_box(),
        page.locator("#comments").bounding_box(),
    )
    assert (round(comments["x"]), round(comments["width"])) == (
        round(story["x"]),
        round(story["width"]),
    )
    page.fill("#id_name", "Rita Reader")
    page.fill("#id_email", "rita@example.test")
    page.fill("#id_body", "The open day was a credit to the volunteers.")
    page.click("text=Post comment")
    page.wait_for_selector("text=Your comment is awaiting moderation.")

    page.goto(live_server.url + other.get_absolute_url())
    assert page.input_value("#id_name") == "Rita Reader"
    assert page.input_value("#id_email") == "rita@example.test"
    assert page.is_visible("text=Your name and e-mail are remembered on this device only.")
    page.locator("#comments").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"remembered-{width}.png"))
    # In the browser only: the page itself, as any other reader gets it, names nobody.
    assert "Rita Reader" not in Client().get(other.get_absolute_url()).content.decode()
    stranger = browser.new_context().new_page()
    stranger.goto(live_server.url + other.get_absolute_url())
    assert stranger.input_value("#id_name") == ""

    page.click("text=Forget me")
    assert page.input_value("#id_name") == "" and page.input_value("#id_email") == ""
    assert page.is_visible("text=Forgotten: this device no longer keeps your name and e-mail.")
    assert page.evaluate("localStorage.getItem('newsroom.commenter')") is None
    page.reload()
    assert page.input_value("#id_name") == ""
    context.close()


def test_readers_sort_threads_without_javascript(live_server, browser):
    article = published_article()
    now = timezone.now()
    old = CommentFactory(article=article, created_at=now - dt.timedelta(hours=3))
    busy = CommentFactory(article=article, created_at=now - dt.timedelta(hours=2))
    new = CommentFactory(article=article, created_at=now - dt.timedelta(hours=1))
    reply_to(busy)
    reply_to(busy)
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(live_server.url + article.get_absolute_url())

    def sort_by(label: str) -> None:
        with page.expect_navigation():
            page.click(f".comments__sort >> text={label}")
        page.wait_for_selector(".comments__list > li")

    def order() -> list[str]:
        return page.eval_on_selector_all(
            ".comments__list > li", "items => items.map(item => item.id)"
        )

    assert order() == [f"comment-{c.pk}" for c in (old, busy, new)]
    sort_by("Newest")
    assert order() == [f"comment-{c.pk}" for c in (new, busy, old)]
    assert page.get_attribute(".comments__sort >> text=Newest", "aria-current") == "true"
    sort_by("Most replies")
    assert order() == [f"comment-{c.pk}" for c in (busy, old, new)]
    sort_by("Oldest")
    assert order() == [f"comment-{c.pk}" for c in (old, busy, new)]
    context.close()
