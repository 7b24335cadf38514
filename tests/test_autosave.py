"""Autosave of the story form: unsaved copies kept beside the story, never in it."""

import html
import json
import re

import pytest
from django.urls import reverse

from articles.models import Article, StoryAutosave
from newsroom.roles import WRITERS
from tests.admin_forms import story_post_data
from tests.factories import ArticleFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db


def autosave_url(article: Article) -> str:
    return reverse("admin:articles_article_autosave", args=[article.pk])


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def autosave_config(page: str) -> dict:
    match = re.search(r'<div class="autosave" id="autosave" data-config="([^"]*)"', page)
    assert match
    return json.loads(html.unescape(match.group(1)))


def test_an_autosave_keeps_a_copy_and_leaves_the_story_and_its_history_alone(editor_client):
    article = ArticleFactory(headline="Pier repairs start")
    versions, history = article.version, article.history.count()

    response = editor_client.post(
        autosave_url(article),
        {"headline": "Pier repairs start in March", "loaded_version": article.version},
    )

    assert response.status_code == 200
    assert "saved_at" in response.json()
    assert "no-store" in response["Cache-Control"]
    article.refresh_from_db()
    assert (article.headline, article.version) == ("Pier repairs start", versions)
    assert article.history.count() == history
    copy = StoryAutosave.objects.get()
    assert copy.fields["headline"] == ["Pier repairs start in March"]
    assert copy.based_on_version == versions


def test_typing_on_replaces_the_one_copy(editor_client):
    article = ArticleFactory()
    for text in ("Draft one", "Draft two", "Draft three"):
        editor_client.post(autosave_url(article), {"headline": text})
    assert StoryAutosave.objects.get().fields["headline"] == ["Draft three"]


def test_reopening_the_story_offers_the_copy_back(editor_client):
    article = ArticleFactory()
    editor_client.post(
        autosave_url(article), {"headline": "Late edit", "loaded_version": article.version}
    )

    config = autosave_config(editor_client.get(change_url(article)).content.decode())

    assert config["offer"]["fields"]["headline"] == ["Late edit"]
    assert re.fullmatch(r"\d\d:\d\d", config["offer"]["label"])
    assert config["offer"]["warning"] == ""
    assert config["url"] == autosave_url(article)


def test_an_autosave_after_a_colleagues_save_says_so_and_the_offer_warns(editor_client, editor):
    article = ArticleFactory()
    opened_at = article.version
    colleague = UserFactory(first_name="Ana", last_name="Lee", is_staff=True, is_superuser=True)
    from django.test import Client

    other = Client()
    other.force_login(colleague)
    other.post(change_url(article), story_post_data(article.section, article, headline="Theirs"))

    answer = editor_client.post(
        autosave_url(article), {"headline": "Mine", "loaded_version": opened_at}
    ).json()

    assert "Ana Lee saved this story at" in answer["stale"]
    article.refresh_from_db()
    assert article.headline == "Theirs"  # the autosave never overwrites their save
    offer = autosave_config(editor_client.get(change_url(article)).content.decode())["offer"]
    assert "before Ana Lee saved the story" in offer["warning"]


def test_saving_the_story_removes_the_copy(editor_client):
    article = ArticleFactory()
    editor_client.post(autosave_url(article), {"headline": "Saved soon"})
    data = story_post_data(article.section, article, headline="Saved soon")
    assert editor_client.post(change_url(article), data).status_code == 302
    assert not StoryAutosave.objects.exists()


def test_a_new_story_has_a_copy_of_its_own_until_it_is_saved(editor_client):
    new_url = reverse("admin:articles_article_autosave_new")
    editor_client.post(new_url, {"headline": "Not saved yet"})
    page = editor_client.get(reverse("admin:articles_article_add")).content.decode()
    assert autosave_config(page)["offer"]["fields"]["headline"] == ["Not saved yet"]

    data = story_post_data(SectionFactory(), headline="Not saved yet")
    assert editor_client.post(reverse("admin:articles_article_add"), data).status_code == 302
    assert not StoryAutosave.objects.exists()


def test_discarding_throws_the_copy_away(editor_client):
    article = ArticleFactory()
    editor_client.post(autosave_url(article), {"headline": "Never mind"})
    assert editor_client.post(autosave_url(article), {"discard": "1"}).json() == {"discarded": True}
    assert not StoryAutosave.objects.exists()


def test_copies_are_per_person(editor_client, writer_client, writer):
    article = ArticleFactory(created_by=writer)
    editor_client.post(autosave_url(article), {"headline": "Editor's"})
    writer_client.post(autosave_url(article), {"headline": "Writer's"})
    assert StoryAutosave.objects.count() == 2
    offer = autosave_config(writer_client.get(change_url(article)).content.decode())["offer"]
    assert offer["fields"]["headline"] == ["Writer's"]


def test_a_writer_cannot_autosave_someone_elses_story(writer_client):
    article = ArticleFactory(created_by=UserFactory(groups=[WRITERS]))
    response = writer_client.post(autosave_url(article), {"headline": "Sneaky"})
    assert response.status_code == 403
    assert not StoryAutosave.objects.exists()


def test_a_moderator_cannot_autosave(moderator_client):
    article = ArticleFactory()
    assert moderator_client.post(autosave_url(article), {"headline": "x"}).status_code == 403
    assert not StoryAutosave.objects.exists()


def test_autosave_takes_only_post(editor_client):
    article = ArticleFactory()
    assert editor_client.get(autosave_url(article)).status_code == 405


def test_signed_out_visitors_are_sent_to_sign_in(client):
    article = ArticleFactory()
    response = client.post(autosave_url(article), {"headline": "x"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not StoryAutosave.objects.exists()


def test_a_refused_save_does_not_offer_an_older_copy_over_what_was_just_typed(editor_client):
    article = ArticleFactory()
    editor_client.post(autosave_url(article), {"headline": "Older copy"})
    data = story_post_data(article.section, article, headline="")  # refused: no headline
    page = editor_client.post(change_url(article), data).content.decode()
    assert autosave_config(page)["offer"] is None
    assert StoryAutosave.objects.exists()  # kept until the story is saved
