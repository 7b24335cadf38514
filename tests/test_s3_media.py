"""Media on a real S3-compatible server (moto's server mode, loopback/backing.py), configured as
settings.py does with NEWSROOM_S3_BUCKET: uploads land in the bucket with Cache-Control,
readers fetch them at public unsigned URLs, a library picture replaced or deleted leaves nothing
behind, and a feed renders without a storage request per story."""

from __future__ import annotations

import io
import re
import urllib.request

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse
from PIL import Image

from articles import images
from articles.models import Article
from articles.models import Image as LibraryImage
from loopback.backing import public_read_policy
from tests.admin_forms import story_post_data
from tests.conftest import use_s3
from tests.factories import SectionFactory, add_lead_image, published_article

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")


@pytest.fixture
def bucket(settings, s3_server, monkeypatch) -> str:
    return use_s3(settings, s3_server, monkeypatch)


@pytest.fixture
def objects(s3_server, bucket):
    s3 = s3_server.client()

    def keys() -> set[str]:
        listing = s3.list_objects_v2(Bucket=bucket)
        return {item["Key"] for item in listing.get("Contents", [])}

    return keys


def photo(colour: str, size: tuple[int, int] = (1100, 700)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return SimpleUploadedFile("quay.jpg", buffer.getvalue(), content_type="image/jpeg")


def upload_story(client: Client, colour: str = "#2a6f97") -> Article:
    data = story_post_data(
        SectionFactory(), lead_image_upload=photo(colour), lead_image_alt="Boats along the quay"
    )
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Article.objects.get()


def public_get(url: str) -> tuple[int, str, str, bytes]:
    """A reader's GET: no credentials, no signature."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return (
            response.status,
            response.headers["Content-Type"],
            response.headers["Cache-Control"] or "",
            response.read(),
        )


def files_of(picture: LibraryImage) -> set[str]:
    """The original, every rendition and every crop of a library picture."""
    copies = [*picture.renditions, *(r for cut in picture.crops.values() for r in cut)]
    return {picture.file.name} | {r[kind] for r in copies for kind in ("jpeg", "webp")}


def test_an_admin_upload_lands_in_the_bucket_with_cache_control(
    editor_client, objects, s3_server, bucket
):
    article = upload_story(editor_client)

    names = files_of(article.lead_image)
    assert names <= objects()
    s3 = s3_server.client()
    for name in names:
        head = s3.head_object(Bucket=bucket, Key=name)
        assert head["CacheControl"] == "public, max-age=31536000, immutable"
        assert head["ContentType"] in {"image/jpeg", "image/webp"}


def test_readers_fetch_the_images_a_page_shows_at_public_unsigned_urls(
    editor_client, bucket, s3_server
):
    article = upload_story(editor_client)
    article.publish(by=None)
    page = Client().get(article.get_absolute_url()).content.decode()

    urls = re.findall(rf'"({re.escape(s3_server.url)}/[^" ]+\.(?:jpg|webp))', page)
    assert urls, "the story page shows no image from the bucket"
    for url in urls:
        assert "Signature" not in url and "X-Amz" not in url
        status, content_type, cache_control, body = public_get(url)
        assert status == 200
        assert content_type in {"image/jpeg", "image/webp"}
        assert "immutable" in cache_control
        assert body[:3] == b"\xff\xd8\xff" or body[8:12] == b"WEBP"


def test_the_bucket_lets_anyone_read_objects_and_nothing_more(s3_server, bucket):
    import json

    policy = json.loads(s3_server.client().get_bucket_policy(Bucket=bucket)["Policy"])
    assert policy == public_read_policy(bucket)
    (statement,) = policy["Statement"]
    assert statement["Action"] == "s3:GetObject"
    assert statement["Resource"] == f"arn:aws:s3:::{bucket}/*"


def test_replacing_a_library_pictures_file_deletes_the_old_original_and_copies(
    editor_client, objects, django_capture_on_commit_callbacks
):
    picture = upload_story(editor_client, "#2a6f97").lead_image
    old = files_of(picture)
    with django_capture_on_commit_callbacks(execute=True):
        picture.file = images.clean_upload(photo("#b5651d"))
        picture.save()

    picture.refresh_from_db()
    assert picture.file.name not in old
    stored = objects()
    assert not old & stored
    assert stored == files_of(picture)


def test_a_picture_taken_out_of_the_library_takes_its_files(
    objects, bucket, django_capture_on_commit_callbacks
):
    picture = LibraryImage.objects.create(
        file=images.clean_upload(photo("#2a6f97")), alt_text="Nets drying on the quay"
    )
    names = files_of(picture)
    assert names <= objects()
    with django_capture_on_commit_callbacks(execute=True):
        picture.delete()
    assert not names & objects()


def test_a_picture_a_story_leads_with_stays_with_its_files(
    editor_client, objects, django_capture_on_commit_callbacks
):
    picture = upload_story(editor_client).lead_image
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ProtectedError):
        picture.delete()
    assert LibraryImage.objects.filter(pk=picture.pk).exists()
    assert files_of(picture) <= objects()


def test_a_feed_renders_without_asking_storage_for_sizes(bucket, s3_server):
    stories = [add_lead_image(published_article(headline=f"Quay story {n}")) for n in range(3)]
    before = s3_server.requests()
    response = Client().get("/feed/")
    asked = s3_server.requests()[len(before) :]

    assert response.status_code == 200
    feed = response.content.decode()
    for story in stories:
        widest = max(story.lead_image.renditions, key=lambda r: r["width"])
        assert f'length="{widest["jpeg_bytes"]}"' in feed
        size = s3_server.client().head_object(Bucket=bucket, Key=widest["jpeg"])
        assert size["ContentLength"] == widest["jpeg_bytes"]
    assert asked == []
