"""What operations read: JSON log lines with time and level, server errors mailed to ADMINS,
Sentry only when asked for, and the version the site runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client

from tests.test_settings import PRODUCTION, manage

LOG_A_WARNING = (
    "import logging; logging.getLogger('newsroom.test').warning('tide %s', 'turning'); "
    "from django.conf import settings; print(settings.ADMINS)"
)


def test_production_logs_one_json_object_a_line_with_time_and_level():
    result = manage("shell", "--no-imports", "-c", LOG_A_WARNING, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["level"] == "WARNING"
    assert line["logger"] == "newsroom.test"
    assert line["message"] == "tide turning"
    assert line["time"][:2] == "20" and "T" in line["time"]


def test_text_logs_when_asked_for():
    result = manage(
        "shell", "--no-imports", "-c", LOG_A_WARNING,
        env={**PRODUCTION, "NEWSROOM_LOG_FORMAT": "text"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "WARNING newsroom.test: tide turning" in result.stderr


def test_a_log_format_typo_stops_start_up():
    result = manage("check", env={**PRODUCTION, "NEWSROOM_LOG_FORMAT": "jsno"})
    assert result.returncode != 0
    assert "NEWSROOM_LOG_FORMAT must be json or text; got 'jsno'" in result.stderr


def test_admins_come_from_the_environment():
    result = manage(
        "shell", "--no-imports", "-c", LOG_A_WARNING,
        env={**PRODUCTION, "NEWSROOM_ADMINS": "Ada Quay <ada@example.test>, ops@example.test"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[('Ada Quay', 'ada@example.test'), ('', 'ops@example.test')]"


def test_an_admin_without_an_address_stops_start_up():
    result = manage("check", env={**PRODUCTION, "NEWSROOM_ADMINS": "Ada Quay"})
    assert result.returncode != 0
    assert "NEWSROOM_ADMINS must list e-mail addresses" in result.stderr


def test_sentry_without_its_package_stops_start_up_naming_it():
    result = manage("check", env={**PRODUCTION, "SENTRY_DSN": "https://key@errors.example.test/1"})
    assert result.returncode != 0
    assert "pip install 'newsroom[sentry]'" in result.stderr


@pytest.mark.django_db
def test_a_server_error_is_mailed_to_the_admins(settings):
    settings.ROOT_URLCONF = "tests.error_urls"
    settings.ADMINS = [("Ada Quay", "ada@example.test")]
    response = Client(raise_request_exception=False).get("/deliberate-failure/")

    assert response.status_code == 500
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.test"]
    assert "a deliberate failure for the 500 page test" in mail.outbox[0].body


def test_the_site_knows_its_version(settings):
    from importlib import metadata

    assert metadata.version("newsroom") == settings.NEWSROOM_VERSION
    assert settings.NEWSROOM_VERSION != "unknown"


def test_env_example_lists_every_variable_the_settings_read():
    root = Path(__file__).resolve().parent.parent
    read = set()
    for source in ("newsroom/settings.py", "gunicorn.conf.py"):
        text = (root / source).read_text()
        read |= set(re.findall(r"""env(?:_bool|_int|_list)?\(\s*["']([A-Z][A-Z0-9_]+)["']""", text))
        read |= set(re.findall(r"""environ(?:\.get\(|\[)\s*["']([A-Z][A-Z0-9_]+)["']""", text))
    listed = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (root / ".env.example").read_text(), re.M))
    assert len(read) > 40
    assert read - listed == set()
