"""Editing stories in the admin: images, concurrent edits, history and the list's queries."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from articles.models import Article, ArticleAuthor
from loopback.photos import jpeg_with_gps
from tests.admin_forms import story_post_data
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from tests.test_images import black_and_white_png

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")
LIST_URL = reverse("admin:articles_article_changelist")


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def test_an_uploaded_lead_image_is_cleaned_and_gets_renditions(editor_client, settings):
    upload = SimpleUploadedFile(
        "harbour.jpg", jpeg_with_gps(size=(1200, 800)), content_type="image/jpeg"
    )
    data = story_post_data(
        SectionFactory(), lead_image_upload=upload, lead_image_alt="Boats in the harbour"
    )
    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 302
    article = Article.objects.get()
    stored = Path(settings.MEDIA_ROOT) / article.lead_image.file.name
    assert "harbour" not in article.lead_image.file.name  # uploaded names are never reused
    with Image.open(stored) as image:
        assert not image.getexif()
    assert (article.lead_image.width, article.lead_image.height) == (1200, 800)
    assert [r["width"] for r in article.lead_image.renditions] == [480, 960, 1200]
    assert article.lead_image.alt_text == "Boats in the harbour"  # in the library now
    for rendition in article.lead_image.renditions:
        assert (Path(settings.MEDIA_ROOT) / rendition["webp"]).exists()
        assert (Path(settings.MEDIA_ROOT) / rendition["jpeg"]).exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("photo.jpg", b"<html><script>alert(1)</script></html>"),
        ("empty.png", b""),
    ],
)
def test_a_file_that_is_not_an_image_gets_a_form_error(editor_client, name, content):
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    data = story_post_data(SectionFactory(), lead_image_upload=upload, lead_image_alt="Anything")
    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert not Article.objects.exists()


def test_a_400_megapixel_png_bomb_gets_a_clear_form_error(editor_client):
    upload = SimpleUploadedFile("bomb.png", black_and_white_png(20_000, 20_000))
    data = story_post_data(SectionFactory(), lead_image_upload=upload, lead_image_alt="Anything")
    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "400 megapixels" in response.content.decode()
    assert not Article.objects.exists()


def test_an_image_needs_alt_text(editor_client):
    upload = SimpleUploadedFile(
        "harbour.jpg", jpeg_with_gps(size=(1200, 800)), content_type="image/jpeg"
    )
    response = editor_client.post(
        ADD_URL, story_post_data(SectionFactory(), lead_image_upload=upload)
    )
    assert response.status_code == 200
    assert "Describe the image" in response.content.decode()
    assert not Article.objects.exists()


def test_a_second_editor_saving_a_stale_copy_is_refused(editor_client, editor):
    article = ArticleFactory(headline="Original headline")
    stale = story_post_data(article.section, article)
    # A colleague saves first, through the admin.
    first = story_post_data(article.section, article, headline="Colleague's headline")
    assert editor_client.post(change_url(article), first).status_code == 302

    stale["headline"] = "My stale headline"
    response = editor_client.post(change_url(article), stale)

    assert response.status_code == 200
    page = response.content.decode()
    assert "This story was changed by Eddie Editor" in page
    assert "reload the page" in page
    article.refresh_from_db()
    assert article.headline == "Colleague's headline"


def test_saving_an_up_to_date_copy_works_twice_in_a_row(editor_client):
    article = ArticleFactory()
    for headline in ("First edit", "Second edit"):
        article.refresh_from_db()
        data = story_post_data(article.section, article, headline=headline)
        assert editor_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Second edit"


def test_history_shows_who_changed_what_and_can_revert(editor_client):
    article = ArticleFactory(headline="Headline as first written")
    article.refresh_from_db()
    data = story_post_data(article.section, article, headline="Headline after a rewrite")
    editor_client.post(change_url(article), data)

    history_url = reverse("admin:articles_article_history", args=[article.pk])
    page = editor_client.get(history_url).content.decode()
    assert "Headline as first written" in page
    assert "Headline after a rewrite" in page
    assert "eddie-editor" in page or "Eddie" in page

    first_version = article.history.order_by("history_date").first()
    revert_url = reverse(
        "admin:articles_article_simple_history", args=[article.pk, first_version.history_id]
    )
    form_page = editor_client.get(revert_url)
    assert form_page.status_code == 200
    article.refresh_from_db()
    data = story_post_data(
        article.section,
        article,
        headline="Headline as first written",
        loaded_version=article.version,
    )
    response = editor_client.post(revert_url, data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Headline as first written"


def test_the_story_list_runs_a_constant_number_of_queries(editor_client):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(LIST_URL, {"all": ""}).status_code == 200
        return len(queries)

    section = SectionFactory()
    authors = AuthorFactory.create_batch(2)
    ArticleFactory(section=section, authors=authors)
    few = count_queries()
    batch = Article.objects.bulk_create(ArticleFactory.build_batch(999, section=section))
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=article, author=author, position=position)
        for article in batch
        for position, author in enumerate(authors)
    )
    assert Article.objects.count() == 1000
    many = count_queries()
    assert many == few, f"{few} queries for 1 story, {many} for 1,000"


def test_tag_suggestions_offer_existing_tags_to_staff(editor_client, client):
    ArticleFactory().tags.add("harbour", "harvest festival", "ferries")
    url = reverse("admin:articles_article_tag_suggestions")

    response = editor_client.get(url, {"q": "har"})
    assert response.json() == {"tags": ["harbour", "harvest festival"]}
    assert editor_client.get(url, {"q": ""}).json() == {"tags": []}
    assert client.get(url, {"q": "har"}).status_code == 302  # anonymous: sign in first


def test_the_tag_box_is_wired_to_the_suggestions(editor_client):
    page = editor_client.get(ADD_URL).content.decode()
    assert 'data-suggest-url="/admin/articles/article/tag-suggestions/"' in page
    assert '<datalist id="id_tags-suggestions">' in page
    assert "js/tag-suggest.js" in page
