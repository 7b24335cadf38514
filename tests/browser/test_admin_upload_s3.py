"""An editor uploads a lead image in the browser with media on S3 (moto's server), and a reader's
browser then loads the picture straight from the bucket."""

import pytest
from PIL import Image

from articles.models import Article
from newsroom.roles import EDITORS
from tests.conftest import use_s3
from tests.factories import SectionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_image_uploaded_in_the_admin_is_shown_from_the_bucket(
    page_at, live_server, tmp_path, settings, s3_server, monkeypatch
):
    bucket = use_s3(settings, s3_server, monkeypatch)
    UserFactory(username="desk-editor", groups=[EDITORS])
    SectionFactory(name="Local", slug="local")
    photo = tmp_path / "slipway.jpg"
    Image.new("RGB", (1300, 800), "#7a9e7e").save(photo, "JPEG")
    page = page_at(1280)
    page.set_default_timeout(15_000)

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "desk-editor")
    page.fill("#id_password", "correct horse battery")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.fill("#id_headline", "Slipway reopens after repairs")
    page.fill("#id_standfirst", "Boats can be launched again from Monday.")
    editor = page.locator(".ProseMirror >> visible=true").first
    editor.click()
    editor.type("The slipway at the north quay is open again.")
    page.click("#id_section + .select2")
    page.keyboard.type("Loc")
    page.click(".select2-results__option:has-text('Local')")
    page.set_input_files("#id_lead_image_upload", str(photo))
    page.fill("#id_lead_image_alt", "A concrete slipway running into calm water.")
    page.click("input[name=_publish]")
    page.wait_for_selector(".messagelist")
    assert "is live" in page.locator(".messagelist").inner_text()

    article = Article.objects.get(headline="Slipway reopens after repairs")
    keys = {o["Key"] for o in s3_server.client().list_objects_v2(Bucket=bucket)["Contents"]}
    assert article.lead_image.file.name in keys

    reader = page_at(375)
    reader.goto(f"{live_server.url}{article.get_absolute_url()}")
    selector = "img[alt='A concrete slipway running into calm water.']"
    # Decoded pixels: the browser fetched the picture from the bucket (a 403 would leave none).
    reader.wait_for_function(
        "sel => { const i = document.querySelector(sel); return i && i.complete"
        " && i.naturalWidth > 0 }",
        arg=selector,
    )
    source = reader.locator(selector).evaluate("img => img.currentSrc")
    assert source.startswith(f"{s3_server.url}/{bucket}/renditions/")
