"""An editor puts a picture from the media library into a story's body, with its caption."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from articles import images
from articles.models import Article, Image
from newsroom.roles import EDITORS
from tests.browser.test_refused_save_keeps_image import sign_in
from tests.factories import SectionFactory, UserFactory
from tests.test_images import encode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_inserts_a_library_picture_with_its_caption_into_the_body(page_at, live_server):
    UserFactory(username="desk-editor", groups=[EDITORS])
    SectionFactory(name="Harbour", slug="harbour")
    picture = Image.objects.create(
        file=images.clean_upload(SimpleUploadedFile("p.png", encode("PNG", size=(1200, 800)))),
        alt_text="A crane lifting a boat out of the water",
        caption="The Mary Rose comes out for the winter.",
        credit="Photo: Lena Fischer",
    )
    page = page_at(1280)
    sign_in(page, live_server, "desk-editor")
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.fill("#id_headline", "Boats come out for winter")
    page.click("#id_section + .select2")
    page.keyboard.type("Harb")
    page.click(".select2-results__option:has-text('Harbour')")
    editor = page.locator(".ProseMirror >> visible=true").first
    editor.click()
    page.keyboard.type("The yard lifted twelve boats on Saturday.")

    page.click("#id_body_figure + .select2")
    page.keyboard.type("crane")
    page.click(".select2-results__option:has-text('A crane lifting a boat')")
    page.click(".library-figure__insert")

    figure = editor.locator("figure")
    figure.wait_for()
    assert figure.locator("img").get_attribute("alt") == picture.alt_text
    assert (
        figure.locator("figcaption").inner_text()
        == "The Mary Rose comes out for the winter. Photo: Lena Fischer"
    )
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")

    article = Article.objects.get()
    assert "<figcaption>The Mary Rose comes out for the winter. Photo: Lena Fischer" in article.body
    assert picture.cut().url.rsplit("-", 1)[0] in article.body
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    shown = page.locator(".story__body figure")
    assert "Photo: Lena Fischer" in shown.locator("figcaption").inner_text()
    assert shown.locator("img").evaluate("img => img.complete && img.naturalWidth") == 960
