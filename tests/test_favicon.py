"""Every browser asks for /favicon.ico, on the reader site and in the admin alike: it is the
outlet's square logo, never a 404."""

from __future__ import annotations

import io

import pytest
from PIL import Image


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["reader", "editor"])
def test_the_favicon_is_the_outlet_s_logo(role, client, editor_client):
    response = (editor_client if role == "editor" else client).get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    icon = Image.open(io.BytesIO(response.content))
    assert icon.format == "ICO"
    assert {(16, 16), (32, 32), (48, 48)} <= set(icon.info["sizes"])


@pytest.mark.django_db
def test_the_favicon_refuses_a_post(client):
    assert client.post("/favicon.ico").status_code == 405
