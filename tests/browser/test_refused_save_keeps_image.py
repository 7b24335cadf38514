"""An image uploaded with a story survives a save refused for missing alt text."""

import pytest
from PIL import Image

from articles.models import Article
from newsroom.roles import EDITORS
from tests.factories import SectionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct horse battery")
    page.click("input[type=submit]")


def test_an_image_survives_a_save_refused_for_missing_alt_text(page_at, live_server, tmp_path):
    UserFactory(username="desk-editor", groups=[EDITORS])
    section = SectionFactory(name="Harbour", slug="harbour")
    photo = tmp_path / "nets.jpg"
    Image.new("RGB", (1300, 866), "#7a4e2d").save(photo, "JPEG")
    page = page_at(1280)
    sign_in(page, live_server, "desk-editor")
    page.goto(f"{live_server.url}/admin/articles/article/add/")

    page.fill("#id_headline", "Net makers keep an old trade going")
    page.click("#id_section + .select2")
    page.keyboard.type("Harb")
    page.click(".select2-results__option:has-text('Harbour')")
    page.set_input_files("#id_lead_image_upload", str(photo))
    page.fill("#id_lead_image_caption", "Mending nets on the slipway.")
    # The refused form comes back after the upload is cleaned and kept: on a busy machine that
    # takes longer than a locator's default wait.
    with page.expect_navigation(timeout=60_000):
        page.click("input[name=_continue]")

    assert "Describe the image" in page.locator(".errorlist").first.inner_text()
    kept = page.locator(".pending-upload img")
    assert kept.is_visible()
    assert kept.evaluate("img => img.naturalWidth") == 1300
    assert page.input_value("#id_lead_image_caption") == "Mending nets on the slipway."
    assert page.input_value("#id_headline") == "Net makers keep an old trade going"
    assert page.input_value("#id_section") == str(section.pk)
    assert not Article.objects.exists()

    page.fill("#id_lead_image_alt", "Two people mending a green fishing net.")
    with page.expect_navigation(timeout=60_000):
        page.click("input[name=_continue]")

    page.wait_for_selector(".messagelist")
    article = Article.objects.get()
    assert article.lead_image
    assert article.lead_image.width == 1300
    assert article.lead_image_caption == "Mending nets on the slipway."
    assert page.locator(".pending-upload").count() == 0
