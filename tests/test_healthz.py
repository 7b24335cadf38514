"""/healthz: each part's state as JSON, and 503 only when the site cannot serve."""

from __future__ import annotations

import json

import pytest

from newsroom import health
from tests.test_settings import PRODUCTION, manage

pytestmark = pytest.mark.django_db

ASK_HEALTHZ = (
    "from django.test import RequestFactory; from newsroom.views import healthz; "
    "r = healthz(RequestFactory().get('/healthz')); print(r.status_code, r.content.decode())"
)


@pytest.fixture(autouse=True)
def _fresh_storage_state():
    health.forget_storage_state()
    yield
    health.forget_storage_state()


def test_a_healthy_site_answers_ok_for_every_part(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "storage": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_without_its_database_the_site_answers_503():
    # A production start whose PostgreSQL is not there: nothing listens on port 9.
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        ASK_HEALTHZ,
        env={**PRODUCTION, "DATABASE_URL": "postgres://newsroom@127.0.0.1:9/newsroom"},
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert json.loads(body)["status"] == "error"
    assert json.loads(body)["database"] == "OperationalError"


def test_unreachable_storage_leaves_the_site_serving_but_degraded(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "newsroom-media",
                "endpoint_url": "http://127.0.0.1:9",
                "access_key": "nobody",
                "secret_key": "nothing",
            },
        },
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["storage"] == "EndpointConnectionError"
    assert response.json()["database"] == "ok"


def test_storage_is_asked_at_most_every_half_minute(client, settings):
    assert client.get("/healthz").json()["storage"] == "ok"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "b",
                "endpoint_url": "http://127.0.0.1:9",
                "access_key": "nobody",
                "secret_key": "nothing",
            },
        },
    }
    # The answer from a moment ago stands; the next check after the interval asks again.
    assert client.get("/healthz").json()["storage"] == "ok"
    health.forget_storage_state()
    assert client.get("/healthz").json()["storage"] != "ok"
