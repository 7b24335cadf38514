"""An editor signs in, writes a story with an image in the real editor, and publishes it."""

import pytest
from PIL import Image

from articles.models import Article
from newsroom.roles import EDITORS
from tests.factories import SectionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editor_page(page_at, live_server):
    page = page_at(1280)
    page.set_default_timeout(15_000)
    return page


def test_an_editor_writes_and_publishes_a_story_with_an_image(editor_page, live_server, tmp_path):
    UserFactory(username="desk-editor", groups=[EDITORS])
    SectionFactory(name="Local", slug="local")
    photo = tmp_path / "quay.jpg"
    Image.new("RGB", (1400, 900), "#2a6f97").save(photo, "JPEG")
    page = editor_page

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "desk-editor")
    page.fill("#id_password", "correct horse battery")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/articles/article/add/")

    page.fill("#id_headline", "Quay lights switched on for winter")
    page.fill("#id_standfirst", "The harbour's new lamps use a third of the old power.")
    editor = page.locator(".ProseMirror >> visible=true").first
    editor.click()
    editor.type("The lamps along the east quay came on at dusk on Friday.")
    # The section box is the admin's autocomplete: type, then pick the match.
    page.click("#id_section + .select2")
    page.keyboard.type("Loc")
    page.click(".select2-results__option:has-text('Local')")
    page.fill("#id_tags", "harbour, lighting")
    page.set_input_files("#id_lead_image_upload", str(photo))
    page.fill("#id_lead_image_alt", "Lamps glowing along a stone quay at dusk.")
    page.fill("#id_lead_image_caption", "The east quay at dusk.")
    page.click("input[name=_publish]")

    # Publishing re-encodes the upload into every rendition (JPEG and WebP at three widths)
    # within the request: seconds on a busy shared machine, so this one step waits longer.
    page.wait_for_selector(".messagelist", timeout=60_000)
    assert "is live" in page.locator(".messagelist").inner_text()
    article = Article.objects.get(headline="Quay lights switched on for winter")
    assert article.is_live()
    assert "came on at dusk" in article.body
    assert article.lead_image.renditions

    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    assert page.locator("h1").inner_text() == "Quay lights switched on for winter"
    assert "The east quay at dusk." in page.locator("figcaption").inner_text()
    assert page.locator("img[alt='Lamps glowing along a stone quay at dusk.']").count() == 1
