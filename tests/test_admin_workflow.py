"""Each role against each admin action on stories: who may write, submit, publish and edit."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.admin_forms import story_post_data
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, published_article

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")
LIST_URL = reverse("admin:articles_article_changelist")


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def test_an_editor_writes_and_publishes_a_story(editor_client):
    section = SectionFactory()
    response = editor_client.post(ADD_URL, story_post_data(section, _publish="1"))

    assert response.status_code == 302
    article = Article.objects.get(slug="lifeboat-rescue-gull-point")
    assert article.is_live()
    assert set(article.tags.names()) == {"lifeboat", "coast"}
    page = editor_client.get(article.get_absolute_url())
    assert "Lifeboat crew rescues kayakers" in page.content.decode()


def test_an_editor_schedules_a_story_with_a_future_time(editor_client):
    section = SectionFactory()
    later = timezone.localtime() + dt.timedelta(days=2)
    data = story_post_data(
        section,
        _publish="1",
        published_at_0=later.strftime("%Y-%m-%d"),
        published_at_1=later.strftime("%H:%M:%S"),
    )
    response = editor_client.post(ADD_URL, data, follow=True)

    article = Article.objects.get(slug="lifeboat-rescue-gull-point")
    assert article.is_scheduled()
    assert "Scheduled" in response.content.decode()
    assert editor_client.get(f"/{later:%Y/%m}/{article.slug}/").status_code == 404


def test_a_writer_saves_a_draft_with_their_byline(writer_client, writer):
    section = SectionFactory()
    response = writer_client.post(ADD_URL, story_post_data(section))

    assert response.status_code == 302
    article = Article.objects.get(slug="lifeboat-rescue-gull-point")
    assert article.status == Article.Status.DRAFT
    assert article.created_by == writer
    assert [a.user for a in article.bylines] == [writer]


def test_a_writer_cannot_publish(writer_client):
    section = SectionFactory()
    response = writer_client.post(ADD_URL, story_post_data(section, _publish="1"))

    assert response.status_code == 403
    assert not Article.objects.filter(slug="lifeboat-rescue-gull-point").exists()


def test_a_writer_cannot_set_the_publication_time(writer_client):
    section = SectionFactory()
    data = story_post_data(section, published_at_0="2031-01-01", published_at_1="09:00:00")
    writer_client.post(ADD_URL, data)
    assert Article.objects.get(slug="lifeboat-rescue-gull-point").published_at is None


def test_a_writer_submits_their_draft_for_review(writer_client):
    section = SectionFactory()
    writer_client.post(ADD_URL, story_post_data(section, _submit_review="1"))
    assert Article.objects.get(slug="lifeboat-rescue-gull-point").status == Article.Status.REVIEW


def test_a_writer_sees_only_their_own_unpublished_stories(writer_client, writer):
    own = ArticleFactory(created_by=writer, headline="Writer's own draft")
    ArticleFactory(headline="Someone else's draft")
    published_article(headline="A live story", created_by=writer)

    page = writer_client.get(LIST_URL).content.decode()
    assert "Writer&#x27;s own draft" in page or "Writer's own draft" in page
    assert "Someone else" not in page
    assert "A live story" not in page
    assert writer_client.get(change_url(own)).status_code == 200


def test_a_writer_cannot_open_someone_elses_story(writer_client):
    other = ArticleFactory()
    response = writer_client.get(change_url(other))
    assert response.status_code == 302  # the admin sends them back to the list
    assert writer_client.post(
        change_url(other), story_post_data(other.section, other)
    ).status_code in {
        302,
        403,
    }
    other.refresh_from_db()
    assert other.headline.startswith("Harbour story")


def test_a_writer_cannot_edit_a_published_story(writer_client, writer):
    article = published_article(created_by=writer)
    data = story_post_data(article.section, article, headline="Rewritten by the writer")
    writer_client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.headline != "Rewritten by the writer"


def test_a_writer_is_credited_on_stories_they_can_edit(writer_client, writer):
    article = ArticleFactory(authors=[writer.author])
    assert writer_client.get(change_url(article)).status_code == 200


def test_a_moderator_can_read_live_stories_but_not_change_them(moderator_client):
    article = published_article(headline="Read-only for moderators")
    draft = ArticleFactory(headline="An embargoed draft")
    listing = moderator_client.get(LIST_URL).content.decode()
    assert "Read-only for moderators" in listing
    assert "An embargoed draft" not in listing
    assert moderator_client.get(change_url(draft)).status_code == 302  # "does not exist"
    data = story_post_data(article.section, article, headline="Changed by a moderator")
    response = moderator_client.post(change_url(article), data)
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline == "Read-only for moderators"
    assert moderator_client.post(ADD_URL, story_post_data(article.section)).status_code == 403


def test_a_staff_account_in_no_group_cannot_see_stories(nobody_client):
    assert nobody_client.get(LIST_URL).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_publish_now_action_publishes_selected_stories(editor_client):
    stories = ArticleFactory.create_batch(2)
    response = editor_client.post(
        LIST_URL, {"action": "publish_now", "_selected_action": [a.pk for a in stories]}
    )
    assert response.status_code == 302
    assert Article.objects.published().count() == 2


def test_a_writer_is_not_offered_the_publish_action(writer_client, writer):
    article = ArticleFactory(created_by=writer)
    page = writer_client.get(LIST_URL).content.decode()
    assert "publish_now" not in page
    writer_client.post(LIST_URL, {"action": "publish_now", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_the_return_to_draft_action_unpublishes(editor_client):
    article = published_article()
    editor_client.post(LIST_URL, {"action": "return_to_draft", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_the_submit_for_review_action(writer_client, writer):
    article = ArticleFactory(created_by=writer)
    writer_client.post(LIST_URL, {"action": "submit_for_review", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


def test_the_story_list_shows_live_and_scheduled_states(editor_client):
    published_article(headline="Already out")
    future = ArticleFactory(headline="Coming soon")
    future.publish(by=None, at=timezone.now() + dt.timedelta(days=1))
    page = editor_client.get(LIST_URL).content.decode()
    assert "Live" in page
    assert "Scheduled for" in page


def test_the_story_list_filters_by_author_and_tag(editor_client):
    author = AuthorFactory(name="Filterable Reporter")
    article = ArticleFactory(headline="Tagged and bylined", authors=[author])
    article.tags.add("ferries")
    ArticleFactory(headline="Unrelated story")
    by_author = editor_client.get(LIST_URL, {"authors__id__exact": author.pk}).content.decode()
    assert "Tagged and bylined" in by_author
    assert "Unrelated story" not in by_author
    tag_id = article.tags.get().pk
    by_tag = editor_client.get(LIST_URL, {"tags__id__exact": tag_id}).content.decode()
    assert "Tagged and bylined" in by_tag
    assert "Unrelated story" not in by_tag


def test_preview_shows_an_unpublished_story_to_staff_only(editor_client, client, writer_client):
    article = ArticleFactory(headline="Embargoed budget story")
    preview = reverse("articles:preview", args=[article.pk])

    response = editor_client.get(preview)
    assert "Embargoed budget story" in response.content.decode()
    assert "Readers cannot see this page" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert client.get(preview).status_code == 302  # anonymous: sign in first
    assert writer_client.get(preview).status_code == 404  # not the writer's story
