"""Reverting to a past version restores what was written, never the workflow: a writer cannot
re-publish a story an editor pulled, a revert is recorded, and only editors revert live
stories. Everything goes through the history pages as the admin renders them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article, ArticleAuthor
from tests.factories import ArticleFactory
from tests.test_provenance_admin import _field_data

pytestmark = pytest.mark.django_db


def history_url(article: Article, history_id: int) -> str:
    return reverse("admin:articles_article_simple_history", args=[article.pk, history_id])


def revert(client: Client, article: Article, history_id: int) -> int:
    """Open a past version's page and press Revert, posting the form as rendered."""
    page = client.get(history_url(article, history_id))
    if page.status_code != 200:
        return page.status_code
    data = _field_data("", page.context["adminform"].form)
    data["tags"] = ", ".join(article.tags.names())
    return client.post(history_url(article, history_id), data).status_code


@pytest.fixture
def pulled_story(writer, editor):
    """A writer's story an editor published (despite the sourcing check) and then pulled."""
    story = ArticleFactory(
        headline="Council spends £38,000 on 120 new spaces",
        body="<p>The council will spend £38,000.</p>",
        created_by=writer,
    )
    ArticleAuthor.objects.create(article=story, author=writer.author)
    story.publish(by=editor, override_reason="Figures checked with the council by phone.")
    published_version = story.history.first().history_id
    story.return_to_draft(by=editor)
    story.refresh_from_db()
    return story, published_version


def workflow(story: Article) -> dict:
    story.refresh_from_db()
    return {name: getattr(story, name) for name in Article.WORKFLOW_FIELDS if name != "version"}


def test_a_writer_cannot_republish_a_pulled_story_by_reverting(writer_client, pulled_story):
    story, published_version = pulled_story
    before = workflow(story)

    revert(writer_client, story, published_version)

    assert workflow(story) == before
    assert story.status == Article.Status.DRAFT
    assert not story.is_live()


def test_an_editor_reverting_a_pulled_story_restores_text_but_not_the_workflow(
    editor_client, pulled_story
):
    story, published_version = pulled_story
    story.headline = "Council spends £40,000 on 120 new spaces"
    story.save()
    before = workflow(story)

    assert revert(editor_client, story, published_version) == 302

    assert workflow(story) == before
    assert story.headline == "Council spends £38,000 on 120 new spaces"
    assert story.status == Article.Status.DRAFT
    latest = story.history.first()
    assert latest.history_change_reason.startswith("Reverted to the version of ")
    assert latest.history_user.username == "eddie-editor"


def test_only_editors_revert_a_live_story(writer, writer_client, editor_client, editor):
    story = ArticleFactory(headline="Harbour dues rise by 4%", created_by=writer)
    ArticleAuthor.objects.create(article=story, author=writer.author)
    first_version = story.history.first().history_id
    story.headline = "Harbour dues rise by 4 per cent"
    story.save()
    story.publish(by=editor, override_reason="Checked.")

    assert revert(writer_client, story, first_version) == 403
    story.refresh_from_db()
    assert story.headline == "Harbour dues rise by 4 per cent"

    assert revert(editor_client, story, first_version) == 302
    story.refresh_from_db()
    assert story.headline == "Harbour dues rise by 4%"
    assert story.is_live()


def test_a_writer_reverts_their_own_draft(writer, writer_client):
    story = ArticleFactory(headline="Lifeboat crew trains at night", created_by=writer)
    ArticleAuthor.objects.create(article=story, author=writer.author)
    first_version = story.history.first().history_id
    story.headline = "Lifeboat crew trains at dusk"
    story.save()

    assert revert(writer_client, story, first_version) == 302

    story.refresh_from_db()
    assert story.headline == "Lifeboat crew trains at night"
    assert story.status == Article.Status.DRAFT


def test_a_moderator_who_may_read_history_cannot_revert(moderator_client, writer, editor):
    story = ArticleFactory(headline="Tide gauge reads 4.2 m", created_by=writer)
    first_version = story.history.first().history_id
    story.headline = "Tide gauge reads 4.3 m"
    story.save()
    story.publish(by=editor, override_reason="Read off the gauge.")

    assert moderator_client.get(history_url(story, first_version)).status_code == 200
    assert revert(moderator_client, story, first_version) == 403

    story.refresh_from_db()
    assert story.headline == "Tide gauge reads 4.3 m"
