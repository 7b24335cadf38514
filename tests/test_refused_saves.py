"""A refused save drops nothing: the uploaded lead image and every field come back, and the
corrected form saves them."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article
from loopback.photos import jpeg_with_gps
from tests.admin_forms import story_post_data
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")


def photo() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "quay.jpg", jpeg_with_gps(size=(1200, 800)), content_type="image/jpeg"
    )


def pending_token(page: str) -> str:
    match = re.search(r'name="pending_lead_image" value="([^"]+)"', page)
    assert match, "the refused form carries no pending upload"
    return match.group(1)


def test_an_image_refused_for_missing_alt_text_is_kept_shown_and_used(editor_client, settings):
    section = SectionFactory()
    data = story_post_data(
        section, lead_image_upload=photo(), lead_image_caption="The quay at dawn"
    )

    refused = editor_client.post(ADD_URL, data)

    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Describe the image" in page
    assert "The image you uploaded is kept" in page
    assert not Article.objects.exists()
    pending = list((Path(settings.MEDIA_ROOT) / "pending").iterdir())
    assert len(pending) == 1

    corrected = story_post_data(
        section,
        lead_image_alt="Fishing boats tied up at a stone quay",
        lead_image_caption="The quay at dawn",
        pending_lead_image=pending_token(page),
    )
    assert editor_client.post(ADD_URL, corrected).status_code == 302

    article = Article.objects.get()
    assert article.lead_image
    assert (article.lead_image.width, article.lead_image.height) == (1200, 800)
    assert [r["width"] for r in article.lead_image.renditions] == [480, 960, 1200]
    assert article.lead_image.caption == "The quay at dawn"
    assert not list((Path(settings.MEDIA_ROOT) / "pending").iterdir())


def test_every_field_comes_back_after_a_refused_save(editor_client):
    section = SectionFactory()
    author = AuthorFactory(name="Mira Okafor")
    data = story_post_data(
        section,
        headline="Ferry timetable changes from Monday",
        standfirst="Two early sailings are dropped.",
        body="<p>The 06:10 and 06:40 sailings end.</p>",
        tags="ferries, transport",
        lead_image_upload=photo(),
        lead_image_credit="Photo: Tomas Reyes",
        **{
            "byline_set-TOTAL_FORMS": "1",
            "byline_set-0-author": author.pk,
            "byline_set-0-position": "0",
        },
    )

    page = editor_client.post(ADD_URL, data).content.decode()

    for value in (
        "Ferry timetable changes from Monday",
        "Two early sailings are dropped.",
        "The 06:10 and 06:40 sailings end.",
        "ferries, transport",
        "Photo: Tomas Reyes",
        "Mira Okafor",
    ):
        assert value in page


def test_a_pending_upload_belongs_to_the_person_who_made_it(editor_client, writer_client):
    section = SectionFactory()
    page = editor_client.post(ADD_URL, story_post_data(section, lead_image_upload=photo())).content
    token = pending_token(page.decode())

    data = story_post_data(section, lead_image_alt="Boats", pending_lead_image=token)
    assert writer_client.post(ADD_URL, data).status_code == 302

    assert not Article.objects.get().lead_image


def test_a_forged_token_is_ignored(editor_client):
    data = story_post_data(SectionFactory(), pending_lead_image="pending/../../settings.py")
    assert editor_client.post(ADD_URL, data).status_code == 302
    assert not Article.objects.get().lead_image


def test_clearing_drops_the_pending_upload(editor_client):
    article = ArticleFactory()
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = editor_client.post(
        url, story_post_data(article.section, article, lead_image_upload=photo())
    )
    token = pending_token(page.content.decode())

    data = story_post_data(
        article.section, article, pending_lead_image=token, **{"pending_lead_image_drop": "on"}
    )
    assert editor_client.post(url, data).status_code == 302

    article.refresh_from_db()
    assert not article.lead_image
