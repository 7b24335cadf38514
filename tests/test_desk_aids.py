"""The desk's aids: the story's length as readers will see it, editorial notes with
@mentions mailed to colleagues, editors told of stories submitted for review, the admin
home's review and scheduled lists, and bulk actions that set a section or add tags."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, EditorialNote
from articles.search import search_articles
from newsroom.roles import EDITORS
from tests import test_password_reset
from tests.admin_forms import story_post_data
from tests.factories import ArticleFactory, SectionFactory, UserFactory, published_article
from tests.test_password_reset import Mailbox

pytestmark = pytest.mark.django_db

# A real SMTP server on loopback (aiosmtpd), the fixture the password-reset tests use.
mailbox = test_password_reset.mailbox


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def body_of(message) -> str:
    return message.get_payload(decode=True).decode()


@pytest.fixture
def writers_draft(writer):
    return ArticleFactory(
        headline="Sea wall survey finds weak points",
        body="<p>Engineers walked the full length of the wall on Thursday.</p>",
        created_by=writer,
    )


# --- Length -----------------------------------------------------------------------------------


def test_the_form_shows_the_length_readers_will_see(editor_client, writers_draft):
    writers_draft.body = "<p>" + "tide " * 500 + "</p>"
    writers_draft.save()
    html = editor_client.get(change_url(writers_draft)).content.decode()

    minutes = writers_draft.reading_minutes
    assert minutes == 3  # 500 + 9 standfirst words at 230 a minute
    assert f"{writers_draft.word_count} words · {minutes} min read</output>" in html
    assert f'data-words-per-minute="{settings.NEWSROOM_WORDS_PER_MINUTE}"' in html
    assert "js/word-count.js" in html
    story_page = Client().get(reverse("articles:preview", args=[writers_draft.pk]))
    assert story_page.status_code == 302  # staff preview; readers see it once published
    writers_draft.publish(by=None, at=timezone.now() - dt.timedelta(minutes=1))
    assert f"{minutes} min read" in Client().get(writers_draft.get_absolute_url()).content.decode()


# --- Editorial notes ----------------------------------------------------------------------------


def post_note(client: Client, article: Article, text: str, capture) -> object:
    article.refresh_from_db()
    data = story_post_data(article.section, article)
    data.update({"notes-TOTAL_FORMS": "1", "notes-INITIAL_FORMS": "0", "notes-0-text": text})
    with capture(execute=True):
        response = client.post(change_url(article), data, follow=True)
    assert response.status_code == 200
    return response


def test_a_mention_in_a_note_mails_the_colleague_after_the_save(
    mailbox: Mailbox,
    editor_client,
    editor,
    writer,
    writers_draft,
    django_capture_on_commit_callbacks,
):
    response = post_note(
        editor_client,
        writers_draft,
        "@wendy-writer, can you check the third weak point with the engineers?",
        django_capture_on_commit_callbacks,
    )

    note = EditorialNote.objects.get()
    assert note.author == editor and note.article == writers_draft
    (message,) = mailbox.wait_for(1)
    assert message["To"] == writer.email
    assert message["Subject"] == "Eddie Editor mentioned you: Sea wall survey finds weak points"
    text = body_of(message)
    assert "can you check the third weak point" in text
    assert f"{settings.SITE_URL}{change_url(writers_draft)}" in text
    assert f"Your note was e-mailed to {writer.get_full_name()}." in response.content.decode()


def test_a_mention_of_someone_who_may_not_open_the_story_mails_nobody(
    mailbox: Mailbox, editor_client, moderator, writers_draft, django_capture_on_commit_callbacks
):
    response = post_note(
        editor_client,
        writers_draft,
        "Ask @mo-moderator and @nobody-here about comments later.",
        django_capture_on_commit_callbacks,
    )

    assert EditorialNote.objects.count() == 1
    html = response.content.decode()
    assert "Nobody was told about @mo-moderator, @nobody-here" in html
    assert mailbox.messages == []


def test_an_email_address_in_a_note_is_no_mention(
    mailbox: Mailbox, editor_client, writer, writers_draft, django_capture_on_commit_callbacks
):
    post_note(
        editor_client,
        writers_draft,
        "The engineer is at survey@wendy-writer.example.test.",
        django_capture_on_commit_callbacks,
    )
    assert mailbox.messages == []


def test_a_writer_leaves_a_note_on_their_draft_and_notes_stay_as_written(
    writer_client, writer, writers_draft, django_capture_on_commit_callbacks
):
    post_note(
        writer_client, writers_draft, "Photos come tomorrow.", django_capture_on_commit_callbacks
    )
    note = EditorialNote.objects.get()
    assert note.author == writer

    writers_draft.refresh_from_db()
    data = story_post_data(writers_draft.section, writers_draft)
    data.update(
        {
            "notes-TOTAL_FORMS": "1",
            "notes-INITIAL_FORMS": "1",
            "notes-0-id": note.pk,
            "notes-0-article": writers_draft.pk,
            "notes-0-text": "Rewritten history",
        }
    )
    writer_client.post(change_url(writers_draft), data)
    note.refresh_from_db()
    assert note.text == "Photos come tomorrow."
    page = writer_client.get(change_url(writers_draft)).content.decode()
    assert "Photos come tomorrow." in page and f"{writer.get_full_name()}, " in page


def test_notes_are_never_shown_to_readers(
    editor, editor_client, django_capture_on_commit_callbacks
):
    story = ArticleFactory(headline="Pier lights to be replaced")
    post_note(
        editor_client,
        story,
        "Legal says: hold the contractor's name.",
        django_capture_on_commit_callbacks,
    )
    story.publish(by=editor, at=timezone.now() - dt.timedelta(minutes=5))

    reader = Client()
    for path in (
        story.get_absolute_url(),
        "/feed/",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/search/?q=contractor",
    ):
        assert "hold the contractor" not in reader.get(path).content.decode(), path
    assert len(search_articles("contractor")) == 0


def test_moderators_see_no_notes(
    moderator_client, editor_client, django_capture_on_commit_callbacks
):
    story = published_article(headline="Harbour cafe reopens")
    post_note(
        editor_client,
        story,
        "Owner asked us not to print the rent.",
        django_capture_on_commit_callbacks,
    )
    page = moderator_client.get(change_url(story)).content.decode()
    assert "Owner asked us not to print the rent." not in page


# --- Review notices ------------------------------------------------------------------------------


def test_editors_are_mailed_when_a_writer_submits_a_story(
    mailbox: Mailbox,
    writer_client,
    writer,
    editor,
    writers_draft,
    django_capture_on_commit_callbacks,
):
    other_editor = UserFactory(username="night-editor", first_name="Nia", groups=[EDITORS])
    writers_draft.refresh_from_db()
    data = story_post_data(writers_draft.section, writers_draft, _submit_review="1")
    with django_capture_on_commit_callbacks(execute=True):
        writer_client.post(change_url(writers_draft), data)

    writers_draft.refresh_from_db()
    assert writers_draft.status == Article.Status.REVIEW
    messages = mailbox.wait_for(2)
    assert sorted(m["To"] for m in messages) == sorted([editor.email, other_editor.email])
    assert all(m["Subject"] == "For review: Sea wall survey finds weak points" for m in messages)
    assert f"{writer.get_full_name()} submitted" in body_of(messages[0])
    assert change_url(writers_draft) in body_of(messages[0])


def test_the_bulk_submit_tells_every_editor_but_the_one_submitting(
    mailbox: Mailbox, editor_client, editor, django_capture_on_commit_callbacks
):
    other_editor = UserFactory(username="day-editor", groups=[EDITORS])
    drafts = [ArticleFactory(headline=f"Draft {n}") for n in range(2)]
    data = {"action": "submit_for_review", "_selected_action": [d.pk for d in drafts]}
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("admin:articles_article_changelist"), data)

    messages = mailbox.wait_for(2)
    assert {m["To"] for m in messages} == {other_editor.email}
    assert {m["Subject"] for m in messages} == {"For review: Draft 0", "For review: Draft 1"}


# --- The admin home ------------------------------------------------------------------------------


def fill_desk(count: int, writer) -> None:
    section = SectionFactory(name="Harbour", slug="harbour")
    for n in range(count):
        story = ArticleFactory(headline=f"Waiting story {n}", section=section, created_by=writer)
        story.submit_for_review(by=writer)
        ArticleFactory(headline=f"Scheduled story {n}", section=section).publish(
            by=None, at=timezone.now() + dt.timedelta(hours=n + 1)
        )


def test_the_admin_home_lists_stories_waiting_and_scheduled(editor_client, writer):
    fill_desk(3, writer)
    published_article(headline="Already live")
    ArticleFactory(headline="A plain draft")

    html = editor_client.get(reverse("admin:index")).content.decode()

    assert "Waiting for review" in html and "Scheduled" in html
    assert html.index("Waiting story 0") < html.index("Waiting story 2")
    assert "Scheduled story 0" in html and "goes live" in html
    assert "Already live" not in html and "A plain draft" not in html


def test_the_desk_lists_link_to_the_full_lists_when_long(editor_client, writer):
    fill_desk(10, writer)
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert "All 10 waiting for review" in html and "All 10 scheduled" in html
    assert "?status__exact=review" in html and "?live=scheduled" in html


def test_a_writer_sees_their_own_waiting_stories_and_a_moderator_no_desk(
    writer, writer_client, moderator_client
):
    fill_desk(2, writer)
    other = ArticleFactory(headline="Someone else's story")
    other.submit_for_review(by=None)

    html = writer_client.get(reverse("admin:index")).content.decode()
    assert "Waiting story 1" in html and "Someone else" not in html
    assert "Scheduled story" not in html  # embargoed stories are editors'
    assert "Waiting story" not in moderator_client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_the_admin_home_runs_the_same_queries_for_2_or_20_stories(
    editor_client, writer, count, django_assert_num_queries
):
    fill_desk(count, writer)
    editor_client.get(reverse("admin:index"))
    # The desk lists' four, the moderation block's count, and the session, user and
    # permissions every admin page reads.
    with django_assert_num_queries(12):
        response = editor_client.get(reverse("admin:index"))
    assert response.status_code == 200


# --- Bulk actions --------------------------------------------------------------------------------


def bulk(client: Client, action: str, stories: list[Article], **data: object):
    payload = {"action": action, "_selected_action": [s.pk for s in stories], **data}
    return client.post(reverse("admin:articles_article_changelist"), payload)


def test_setting_the_section_asks_first_then_moves_each_story(editor_client, editor):
    harbour, council = (
        SectionFactory(name="Harbour", slug="harbour"),
        SectionFactory(name="Council", slug="council"),
    )
    stories = [published_article(headline=f"Dredging plan {n}", section=harbour) for n in range(2)]

    form = bulk(editor_client, "set_section", stories)
    assert form.status_code == 200
    html = form.content.decode()
    assert "Set the section of these stories" in html and "Dredging plan 1" in html
    assert Article.objects.filter(section=council).count() == 0

    done = bulk(editor_client, "set_section", stories, section=council.pk, apply="Move them")
    assert done.status_code == 302
    assert Article.objects.filter(section=council).count() == 2
    latest = stories[0].history.first()
    assert latest.history_user == editor
    assert latest.history_change_reason == "Moved to Council from the story list"
    assert len(search_articles("council dredging")) == 2  # the index follows the section name


def test_adding_tags_keeps_the_other_tags(editor_client):
    stories = [published_article(headline=f"Regatta day {n}") for n in range(2)]
    stories[0].tags.add("rowing")

    assert "Add tags to these stories" in bulk(editor_client, "add_tags", stories).content.decode()
    empty = bulk(editor_client, "add_tags", stories, tags=" , ", apply="Add the tags")
    assert "Give at least one tag." in empty.content.decode()
    bulk(editor_client, "add_tags", stories, tags="regatta, summer events", apply="Add the tags")

    assert sorted(stories[0].tags.names()) == ["regatta", "rowing", "summer events"]
    assert sorted(stories[1].tags.names()) == ["regatta", "summer events"]


def test_a_writer_moves_only_their_own_drafts(writer_client, writer):
    council = SectionFactory(name="Council", slug="council")
    own = ArticleFactory(headline="My draft", created_by=writer)
    live = published_article(headline="Live story")

    bulk(writer_client, "set_section", [own, live], section=council.pk, apply="Move them")

    own.refresh_from_db()
    live.refresh_from_db()
    assert own.section == council
    assert live.section != council


def test_moderators_have_no_bulk_actions(moderator_client):
    story = published_article(headline="Quiet day at the harbour")
    council = SectionFactory(name="Council", slug="council")
    bulk(moderator_client, "set_section", [story], section=council.pk, apply="Move them")
    story.refresh_from_db()
    assert story.section != council
