"""The media library: pictures cleaned like every upload, cut around their focal point, chosen
or uploaded from the story form, searched in the admin, and today's lead images moved in."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image as Picture

from articles import images
from articles.models import Article, Image
from loopback.photos import jpeg_with_gps
from tests.admin_forms import story_post_data
from tests.factories import ArticleFactory, FigureFactory, SectionFactory, add_lead_image
from tests.test_images import black_and_white_png, encode

pytestmark = pytest.mark.django_db

LIBRARY = reverse("admin:articles_image_changelist")
ADD_IMAGE = reverse("admin:articles_image_add")
ADD_STORY = reverse("admin:articles_article_add")


def library_image(size=(1600, 900), **words) -> Image:
    cleaned = images.clean_upload(SimpleUploadedFile("p.png", encode("PNG", size=size)))
    return Image.objects.create(file=cleaned, alt_text=words.pop("alt_text", "A quay"), **words)


# --- Cutting around the focal point -------------------------------------------------------


@pytest.mark.parametrize(
    ("focal", "box"),
    [
        ((0.5, 0.5), (200, 0, 1000, 800)),  # the centre
        ((0.0, 0.5), (0, 0, 800, 800)),  # the left edge keeps the box inside the picture
        ((0.9, 0.1), (400, 0, 1200, 800)),  # the right edge
    ],
)
def test_a_square_crop_follows_the_focal_point_inside_the_picture(focal, box):
    assert images.crop_box((1200, 800), (1, 1), focal) == box


def test_a_wide_crop_of_a_tall_picture_moves_up_and_down():
    assert images.crop_box((900, 1600), (16, 9), (0.5, 0.1)) == (0, 0, 900, 506)
    assert images.crop_box((900, 1600), (16, 9), (0.5, 0.9)) == (0, 1094, 900, 1600)


def test_a_new_picture_gets_three_shapes_of_the_right_proportions(settings):
    image = library_image(size=(2000, 1500))
    assert set(image.crops) == {"16x9", "4x3", "1x1"}
    for key, (across, down) in images.CROP_RATIOS.items():
        widest = max(image.crops[key], key=lambda r: r["width"])
        assert abs(widest["width"] / widest["height"] - across / down) < 0.01
        with Picture.open(Path(settings.MEDIA_ROOT) / widest["jpeg"]) as copy:
            assert copy.size == (widest["width"], widest["height"])
    assert max(r["width"] for r in image.crops["1x1"]) <= 1200  # never upscaled


def test_moving_the_focal_point_recuts_the_shapes_and_removes_the_old_ones(
    settings, django_capture_on_commit_callbacks
):
    image = library_image()
    old = [r["jpeg"] for r in image.crops["1x1"]]
    renditions = image.renditions
    with django_capture_on_commit_callbacks(execute=True):
        image.focal_x = 0.1
        image.save()
    image.refresh_from_db()
    assert image.renditions == renditions  # the whole picture is not made again
    assert [r["jpeg"] for r in image.crops["1x1"]] != old
    assert not any((Path(settings.MEDIA_ROOT) / name).exists() for name in old)


def test_a_focal_point_outside_the_picture_is_refused():
    image = library_image()
    image.focal_x = 1.5
    with pytest.raises(Exception, match="focal point"):
        image.full_clean()


# --- The library in the admin -----------------------------------------------------------


def test_a_picture_uploaded_to_the_library_is_cleaned_of_its_location(editor_client, settings):
    upload = SimpleUploadedFile("gps.jpg", jpeg_with_gps(size=(1200, 800)), "image/jpeg")
    response = editor_client.post(
        ADD_IMAGE,
        {
            "file": upload,
            "alt_text": "Gulls over the breakwater",
            "caption": "The breakwater at noon.",
            "credit": "Photo: Ines Moreau",
            "source": "Staff",
            "licence": "Own work",
            "focal_x": "0.5",
            "focal_y": "0.5",
        },
    )
    assert response.status_code == 302
    image = Image.objects.get()
    with Picture.open(Path(settings.MEDIA_ROOT) / image.file.name) as stored:
        assert not stored.getexif()
    assert "gps" not in image.file.name
    assert image.uploaded_by.username == "eddie-editor"
    assert image.renditions and image.crops


def test_a_bomb_uploaded_to_the_library_is_a_form_error(editor_client):
    upload = SimpleUploadedFile("big.png", black_and_white_png(20000, 20000), "image/png")
    response = editor_client.post(
        ADD_IMAGE, {"file": upload, "alt_text": "x", "focal_x": "0.5", "focal_y": "0.5"}
    )
    assert response.status_code == 200
    assert "megapixels" in response.content.decode()
    assert not Image.objects.exists()


def test_the_library_is_searched_by_its_words(editor_client):
    library_image(alt_text="Lifeboat launch", credit="Photo: Ana Lee")
    library_image(alt_text="Market stalls")
    page = editor_client.get(LIBRARY, {"q": "lifeboat"}).content.decode()
    assert "Lifeboat launch" in page
    assert "Market stalls" not in page
    page = editor_client.get(LIBRARY, {"q": "Ana Lee"}).content.decode()
    assert "Lifeboat launch" in page


def test_the_library_filters_pictures_no_story_uses(editor_client):
    used = library_image(alt_text="Used picture")
    library_image(alt_text="Spare picture")
    ArticleFactory(lead_image=used, lead_image_alt="Used picture")
    page = editor_client.get(LIBRARY, {"use": "unused"}).content.decode()
    assert "Spare picture" in page
    assert "Used picture" not in page


def test_the_library_list_of_50_pictures_runs_a_fixed_number_of_queries(editor_client):
    for number in range(50):
        image = library_image(size=(400, 300), alt_text=f"Picture {number}")
        if number % 2:
            ArticleFactory(lead_image=image, lead_image_alt="x")
    editor_client.get(LIBRARY)  # sessions, permissions and content types warmed up
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(LIBRARY)
    assert response.status_code == 200
    assert response.content.decode().count('class="library-thumbnail"') == 50
    assert len(queries) <= 12, "\n".join(q["sql"] for q in queries)


def test_a_writer_may_add_pictures_but_not_delete_them(writer_client):
    image = library_image()
    assert writer_client.get(LIBRARY).status_code == 200
    delete = reverse("admin:articles_image_delete", args=[image.pk])
    assert writer_client.post(delete, {"post": "yes"}).status_code == 403
    assert Image.objects.filter(pk=image.pk).exists()


def test_a_picture_a_story_leads_with_cannot_be_deleted(editor_client):
    image = library_image()
    ArticleFactory(lead_image=image, lead_image_alt="x")
    delete = reverse("admin:articles_image_delete", args=[image.pk])
    page = editor_client.post(delete, {"post": "yes"}).content.decode()
    assert "protected" in page.lower()
    assert Image.objects.filter(pk=image.pk).exists()


def test_the_figure_endpoint_gives_the_body_figure(editor_client, moderator_client):
    image = library_image(alt_text="Nets", caption="Mending nets.", credit="Photo: T. Reyes")
    url = reverse("admin:articles_image_figure", args=[image.pk])
    data = editor_client.get(url).json()
    assert "<figcaption>Mending nets. Photo: T. Reyes</figcaption>" in data["html"]
    assert 'alt="Nets"' in data["html"]
    assert editor_client.get(reverse("admin:articles_image_figure", args=[999])).status_code == 404


# --- The story form ---------------------------------------------------------------------


def test_a_story_chooses_its_lead_image_from_the_library_and_takes_its_words(editor_client):
    image = library_image(alt_text="The lighthouse", caption="At dusk.", credit="Photo: K. Obi")
    data = story_post_data(SectionFactory(), lead_image=image.pk)
    assert editor_client.post(ADD_STORY, data).status_code == 302
    article = Article.objects.get()
    assert article.lead_image == image
    assert (article.lead_image_alt, article.lead_image_caption, article.lead_image_credit) == (
        "The lighthouse",
        "At dusk.",
        "Photo: K. Obi",
    )


def test_a_story_may_word_a_library_picture_for_itself(editor_client):
    image = library_image(alt_text="The lighthouse", caption="At dusk.")
    data = story_post_data(
        SectionFactory(), lead_image=image.pk, lead_image_caption="Its last night."
    )
    editor_client.post(ADD_STORY, data)
    assert Article.objects.get().lead_image_caption == "Its last night."
    image.refresh_from_db()
    assert image.caption == "At dusk."  # the library keeps its own words


def test_an_image_uploaded_with_a_story_goes_into_the_library(editor_client):
    upload = SimpleUploadedFile("p.jpg", jpeg_with_gps(size=(900, 600)), "image/jpeg")
    data = story_post_data(
        SectionFactory(),
        lead_image_upload=upload,
        lead_image_alt="A tug in the harbour",
        lead_image_credit="Photo: M. Dias",
    )
    assert editor_client.post(ADD_STORY, data).status_code == 302
    image = Image.objects.get()
    assert (image.alt_text, image.credit) == ("A tug in the harbour", "Photo: M. Dias")
    assert Article.objects.get().lead_image == image
    assert image.uploaded_by.username == "eddie-editor"


def test_a_body_figure_from_the_library_survives_cleaning_and_an_outside_image_does_not(
    editor_client,
):
    image = library_image(caption="The slipway.", credit="Photo: Harbour Gazette")
    body = image.figure_html() + '<p>Text <img src="https://tracker.example/pixel.gif"></p>'
    editor_client.post(ADD_STORY, story_post_data(SectionFactory(), body=body))
    stored = Article.objects.get().body
    assert "<figcaption>The slipway. Photo: Harbour Gazette</figcaption>" in stored
    assert image.cut().url.rsplit("-", 1)[0] in stored
    assert "tracker.example" not in stored


def test_the_story_form_with_50_images_and_50_figures_runs_a_fixed_number_of_queries(
    editor_client,
):
    article = ArticleFactory()
    for number in range(50):
        library_image(size=(300, 200), alt_text=f"Picture {number}")
        FigureFactory(article=article, text=f"{number} boats", value=number)
    add_lead_image(article)
    url = reverse("admin:articles_article_change", args=[article.pk])
    editor_client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('name="figures-') > 50
    # One query per inline and per box, whatever the number of rows (was 120 with 50 figures),
    # plus the sourcing report's figures and quotes and the editorial notes.
    assert len(queries) <= 25, "\n".join(q["sql"] for q in queries)


# --- Reader pages -----------------------------------------------------------------------


def test_json_ld_lists_the_16_9_4_3_and_square_copies(client):
    from tests.factories import published_article

    story = add_lead_image(published_article())
    html = client.get(story.get_absolute_url()).content.decode()
    for ratio in ("16x9", "4x3", "1x1"):
        widest = max(story.lead_image.crops[ratio], key=lambda r: r["width"])
        assert widest["jpeg"] in html


def test_story_cards_use_the_16_9_copy_and_the_front_page_lead_the_4_3(client):
    from tests.factories import published_article

    lead = add_lead_image(published_article(featured_position=1))
    card = add_lead_image(published_article(featured_position=2))
    html = client.get("/").content.decode()
    assert max(lead.lead_image.crops["4x3"], key=lambda r: r["width"])["jpeg"] in html
    assert max(card.lead_image.crops["16x9"], key=lambda r: r["width"])["jpeg"] in html
    assert card.lead_image.renditions[-1]["jpeg"] not in html  # not the whole picture


# --- Moving today's lead images in ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_moves_lead_images_into_the_library(settings):
    executor = MigrationExecutor(connection)
    before = [("articles", "0014_image_library")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    OldArticle = old_apps.get_model("articles", "Article")
    Section = old_apps.get_model("articles", "Section")
    cleaned = images.clean_upload(SimpleUploadedFile("p.png", encode("PNG", size=(1000, 600))))
    stored = Path(settings.MEDIA_ROOT) / "lead/2026/01" / cleaned.name
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_bytes(cleaned.read())
    name = f"lead/2026/01/{cleaned.name}"
    renditions = images.make_renditions(name, Image._meta.get_field("file").storage)
    section = Section.objects.create(name="Coast", slug="coast")
    OldArticle.objects.create(
        headline="Old story",
        slug="old-story",
        section=section,
        lead_image=name,
        lead_image_width=1000,
        lead_image_height=600,
        lead_image_renditions=renditions,
        lead_image_alt="Cliffs",
        lead_image_caption="The cliffs.",
        lead_image_credit="Photo: R. Vance",
    )
    OldArticle.objects.create(headline="No picture", slug="no-picture", section=section)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    story = Article.objects.get(slug="old-story")
    assert story.lead_image.file.name == name
    assert (story.lead_image.alt_text, story.lead_image.caption) == ("Cliffs", "The cliffs.")
    assert story.lead_image.renditions == renditions
    assert set(story.lead_image.crops) == {"16x9", "4x3", "1x1"}
    assert story.lead_image_credit == "Photo: R. Vance"
    assert Article.objects.get(slug="no-picture").lead_image is None
    assert Image.objects.count() == 1
