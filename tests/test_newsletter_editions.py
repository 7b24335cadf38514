"""Editions: composed from the period's live stories (lead first, then by section), edited
in the admin, previewed in the browser and sent as a test to the editor's own address."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from newsletter.composing import compose_edition, period_stories
from newsletter.mail import render_edition
from newsletter.models import Edition
from tests.factories import ArticleFactory, SectionFactory, published_article
from tests.newsletters import morning_tide

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def hours_ago(hours: float) -> dt.datetime:
    return NOW - dt.timedelta(hours=hours)


@pytest.fixture
def day():
    """A day of stories in two sections, with one story outside the day and one draft."""
    harbour = SectionFactory(name="Harbour", slug="harbour", position=1)
    council = SectionFactory(name="Council", slug="council", position=2)
    stories = {
        "council vote": published_article(
            at=hours_ago(3), headline="Council votes on fares", section=council
        ),
        "ferry": published_article(at=hours_ago(5), headline="New ferry named", section=harbour),
        "lead": published_article(
            at=hours_ago(10),
            headline="Harbour wall gives way",
            section=council,
            featured_position=1,
        ),
        "dredging": published_article(at=hours_ago(2), headline="Dredging starts", section=harbour),
        "old": published_article(at=hours_ago(30), headline="Last week's storm", section=harbour),
    }
    ArticleFactory(headline="Draft about tides", section=harbour)
    return stories


def test_an_edition_holds_the_period_lead_first_then_by_section(day):
    edition = compose_edition(morning_tide(), at=NOW)
    headlines = [story.headline for story in edition.stories()]
    assert headlines == [
        "Harbour wall gives way",  # the editors' lead
        "Dredging starts",  # Harbour (position 1), newest first
        "New ferry named",
        "Council votes on fares",  # Council (position 2)
    ]
    assert edition.period_end - edition.period_start == dt.timedelta(days=1)


def test_without_a_featured_story_the_newest_leads(day):
    day["lead"].featured_position = None
    day["lead"].save()
    headlines = [a.headline for a in period_stories(hours_ago(24), NOW)]
    assert headlines[0] == "Dredging starts"


def test_the_next_edition_starts_where_the_last_ended(day):
    tide = morning_tide()
    first = compose_edition(tide, at=hours_ago(4))
    second = compose_edition(tide, at=NOW)
    assert second.period_start == first.period_end
    assert [a.headline for a in second.stories()] == ["Dredging starts", "Council votes on fares"]


def test_an_editor_reorders_and_leaves_out_stories_and_adds_a_note(day, editor_client):
    edition = compose_edition(morning_tide(), at=NOW)
    items = list(edition.items.order_by("position"))
    url = reverse("admin:newsletter_edition_change", args=[edition.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    data = {
        "newsletter": edition.newsletter_id,
        "subject": "Tuesday's tide",
        "period_start_0": timezone.localtime(edition.period_start).strftime("%Y-%m-%d"),
        "period_start_1": timezone.localtime(edition.period_start).strftime("%H:%M:%S"),
        "period_end_0": timezone.localtime(edition.period_end).strftime("%Y-%m-%d"),
        "period_end_1": timezone.localtime(edition.period_end).strftime("%H:%M:%S"),
        "editor_note": "A long day on the quay.",
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(len(items)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    # Council's vote moves up to second place; the ferry is left out.
    order = {"lead": 1, "council vote": 2, "dredging": 3, "ferry": 4}
    by_story = {item.article_id: item for item in items}
    for n, (key, position) in enumerate(order.items()):
        item = by_story[day[key].pk]
        data |= {
            f"items-{n}-id": str(item.pk),
            f"items-{n}-edition": str(edition.pk),
            f"items-{n}-article": str(item.article_id),
            f"items-{n}-position": str(position),
        }
        if key != "ferry":
            data[f"items-{n}-included"] = "on"
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    edition.refresh_from_db()
    assert edition.editor_note == "A long day on the quay."
    assert [a.headline for a in edition.stories()] == [
        "Harbour wall gives way",
        "Council votes on fares",
        "Dredging starts",
    ]
    rendered = render_edition(edition)
    assert "A long day on the quay." in rendered.text and "A long day on the quay." in rendered.html
    assert "New ferry named" not in rendered.html


def test_adding_an_edition_in_the_admin_composes_it(day, editor_client):
    tide = morning_tide()
    start, end = timezone.localtime(hours_ago(24)), timezone.localtime(NOW)
    response = editor_client.post(
        reverse("admin:newsletter_edition_add"),
        {
            "newsletter": tide.pk,
            "subject": "By hand",
            "period_start_0": start.strftime("%Y-%m-%d"),
            "period_start_1": start.strftime("%H:%M:%S"),
            "period_end_0": end.strftime("%Y-%m-%d"),
            "period_end_1": end.strftime("%H:%M:%S"),
            "editor_note": "",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302
    edition = Edition.objects.get()
    assert edition.created_by is not None
    assert len(edition.stories()) == 4


def test_the_compose_action_on_a_list_makes_a_draft(day, editor_client):
    tide = morning_tide()
    response = editor_client.post(
        reverse("admin:newsletter_newsletter_changelist"),
        {"action": "compose_next_edition", "_selected_action": [tide.pk]},
        follow=True,
    )
    assert "with 4 stories" in response.content.decode()
    assert Edition.objects.get().status == Edition.Status.DRAFT


def test_the_preview_shows_the_mail_as_html_and_as_text(day, editor_client, writer_client):
    edition = compose_edition(morning_tide(), at=NOW)
    url = reverse("admin:newsletter_edition_preview", args=[edition.pk])
    html = editor_client.get(url)
    assert html["Content-Type"].startswith("text/html")
    body = html.content.decode()
    assert "Harbour wall gives way" in body and "Top story" in body
    # No tracking: no image at all, and every story link goes straight to the story.
    assert "<img" not in body
    assert day["lead"].get_absolute_url() in body
    text = editor_client.get(url + "?part=text").content.decode()
    assert "* Harbour wall gives way" in text and "HARBOUR" in text
    assert writer_client.get(url).status_code == 403


def test_send_a_test_to_me_goes_to_the_editor_only(day, editor, editor_client):
    edition = compose_edition(morning_tide(), at=NOW)
    response = editor_client.post(
        reverse("admin:newsletter_edition_send_test", args=[edition.pk]), follow=True
    )
    assert "was sent to your own address" in response.content.decode()
    (test,) = mail.outbox
    assert test.to == [editor.email]
    assert test.subject.startswith("[Test] ")
    assert edition.deliveries.count() == 0
    # The test's unsubscribe link cannot end anyone's subscription.
    assert "/newsletter/unsubscribe/" not in test.body


def test_an_approved_edition_can_no_longer_be_edited(day, editor, editor_client):
    edition = compose_edition(morning_tide(), at=NOW)
    edition.approve(by=editor)
    page = editor_client.get(reverse("admin:newsletter_edition_change", args=[edition.pk]))
    assert 'name="subject"' not in page.content.decode()
