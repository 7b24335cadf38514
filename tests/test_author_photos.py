"""Author portraits go through the same checks and re-encoding as lead images: a phone photo
loses its GPS position and its file name, an image bomb or a disguised file is refused with a
clear message, and a replaced portrait is gone from storage."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import Author
from loopback.photos import CAMERA, CAPTION, jpeg_with_gps
from tests.factories import AuthorFactory
from tests.test_images import black_and_white_png

pytestmark = pytest.mark.django_db


def post_photo(client, author: Author, upload: SimpleUploadedFile):
    return client.post(
        reverse("admin:articles_author_change", args=[author.pk]),
        {"name": author.name, "slug": author.slug, "bio": author.bio, "photo": upload},
    )


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_phone_photo_is_stored_without_its_gps_position_or_file_name(editor_client):
    author = AuthorFactory(name="Mira Salcombe", slug="mira")
    upload = SimpleUploadedFile(
        "IMG_2041 whistleblower meeting.jpg", jpeg_with_gps(), content_type="image/jpeg"
    )

    response = post_photo(editor_client, author, upload)

    assert response.status_code == 302
    author.refresh_from_db()
    assert author.photo.name.startswith("authors/")
    assert "whistleblower" not in author.photo.name and "IMG_2041" not in author.photo.name
    stored = author.photo.read()
    for secret in (CAMERA.encode(), CAPTION.encode(), b"GPS"):
        assert secret not in stored
    assert Image.open(io.BytesIO(stored)).getexif() == {}


def test_a_144_megapixel_png_is_refused_and_the_old_portrait_kept(editor_client):
    author = AuthorFactory(name="Mira Salcombe", slug="mira")
    post_photo(editor_client, author, SimpleUploadedFile("portrait.png", png_bytes()))
    author.refresh_from_db()
    kept = author.photo.name

    bomb = SimpleUploadedFile("huge.png", black_and_white_png(12_000, 12_000))
    response = post_photo(editor_client, author, bomb)

    assert response.status_code == 200
    assert "This image is 144 megapixels; the limit is 40." in response.content.decode()
    author.refresh_from_db()
    assert author.photo.name == kept


def test_a_png_named_like_postscript_is_stored_as_the_png_it_is(editor_client):
    author = AuthorFactory(name="Mira Salcombe", slug="mira")

    post_photo(editor_client, author, SimpleUploadedFile("portrait.ps", png_bytes()))

    author.refresh_from_db()
    assert author.photo.name.endswith(".png")
    assert Image.open(author.photo).format == "PNG"


def test_a_text_file_is_refused_as_not_an_image(editor_client):
    author = AuthorFactory(name="Mira Salcombe", slug="mira")

    response = post_photo(
        editor_client, author, SimpleUploadedFile("portrait.jpg", b"<html>hello</html>")
    )

    assert response.status_code == 200
    assert not Author.objects.get(pk=author.pk).photo


def test_replacing_a_portrait_deletes_the_old_file(editor_client):
    author = AuthorFactory(name="Mira Salcombe", slug="mira")
    post_photo(editor_client, author, SimpleUploadedFile("one.png", png_bytes()))
    author.refresh_from_db()
    first = author.photo.name
    storage = author.photo.storage

    post_photo(editor_client, author, SimpleUploadedFile("two.jpg", jpeg_with_gps()))

    author.refresh_from_db()
    assert author.photo.name != first
    assert not storage.exists(first)
    assert storage.exists(author.photo.name)
