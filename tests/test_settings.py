"""Configuration: production passes Django's deployment checks, misconfiguration stops start-up."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "NEWSROOM_DEBUG": "0",
    "NEWSROOM_SECRET_KEY": "k" * 20 + "-production-secret-for-the-deploy-check-0123456789",
    "NEWSROOM_ALLOWED_HOSTS": "news.example.org",
    "NEWSROOM_SITE_URL": "https://news.example.org",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # Only what a production host would have: no test-only variables (the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE, which --deploy rightly reports).
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("NEWSROOM_") and k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_check_refuses_a_site_url_left_at_its_default():
    env = {k: v for k, v in PRODUCTION.items() if k != "NEWSROOM_SITE_URL"}
    result = manage("check", "--deploy", env=env)
    assert result.returncode == 1
    assert "NEWSROOM_SITE_URL is not set" in result.stderr
    assert "newsroom.E001" in result.stderr


def test_the_deployment_check_warns_of_a_site_url_without_https():
    env = {**PRODUCTION, "NEWSROOM_SITE_URL": "http://news.example.org"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 1
    assert "newsroom.W001" in result.stderr


def test_the_test_routes_switch_picks_the_loopback_urlconf_and_only_it():
    code = "from django.conf import settings; print(settings.ROOT_URLCONF)"
    default = manage("shell", "--no-imports", "-c", code, env=PRODUCTION)
    switched = manage(
        "shell", "--no-imports", "-c", code, env={**PRODUCTION, "NEWSROOM_TEST_ROUTES": "1"}
    )
    assert default.stdout.strip() == "newsroom.urls", default.stderr
    assert switched.stdout.strip() == "loopback.urls", switched.stderr


def test_the_deployment_check_refuses_the_test_routes():
    result = manage("check", "--deploy", env={**PRODUCTION, "NEWSROOM_TEST_ROUTES": "1"})
    assert result.returncode == 1
    assert "newsroom.E002" in result.stderr
    assert "NEWSROOM_TEST_ROUTES" in result.stderr


def test_the_test_routes_pass_the_checks_the_loopback_sites_run():
    # migrate and collectstatic run the ordinary checks; only --deploy adds E002.
    result = manage("check", env={**PRODUCTION, "NEWSROOM_TEST_ROUTES": "1"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_absolute_links_follow_the_port_make_run_serves_on():
    code = "from django.conf import settings; print(settings.SITE_URL)"
    result = manage(
        "shell", "--no-imports", "-c", code, env={"NEWSROOM_DEBUG": "1", "PORT": "8101"}
    )
    assert result.stdout.strip() == "http://127.0.0.1:8101", result.stderr


# Signs in through the real admin login over HTTPS with production settings and reports the
# attributes of the cookies the site sets.
_COOKIE_PROBE = """
import json
from django.contrib.auth import get_user_model
from django.conf import settings
from django.test import Client, override_settings
# No collectstatic on a test machine: plain static names instead of the manifest's.
override_settings(STORAGES={
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}).enable()
get_user_model().objects.create_user("probe", password="a long probe password 1", is_staff=True)
client = Client(HTTP_HOST="news.example.org")
login = client.get("/admin/login/", secure=True)
client.post(
    "/admin/login/",
    {"username": "probe", "password": "a long probe password 1",
     "csrfmiddlewaretoken": login.cookies["csrftoken"].value},
    secure=True,
)
print(json.dumps({
    name: {key: str(cookie[key]) for key in ("secure", "httponly", "samesite")}
    for name, cookie in client.cookies.items()
}))
"""


def test_production_cookies_are_secure_http_only_and_same_site(tmp_path):
    import json

    env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path / 'cookies.sqlite3'}"}
    migrated = manage("migrate", "--noinput", env=env)
    assert migrated.returncode == 0, migrated.stderr
    result = manage("shell", "-c", _COOKIE_PROBE, env=env)
    assert result.returncode == 0, result.stderr
    cookies = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(cookies) == {"sessionid", "csrftoken"}, cookies
    assert cookies["sessionid"] == {"secure": "True", "httponly": "True", "samesite": "Lax"}
    # The CSRF cookie is read by no script of ours (comments.js fetches a token), but Django's
    # default leaves it readable; what matters is that it never travels over plain HTTP.
    assert cookies["csrftoken"]["secure"] == "True"
    assert cookies["csrftoken"]["samesite"] == "Lax"


def test_a_missing_secret_outside_debug_stops_start_up_naming_the_variable():
    env = {k: v for k, v in PRODUCTION.items() if k != "NEWSROOM_SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "NEWSROOM_SECRET_KEY is not set" in result.stderr


def test_missing_hosts_outside_debug_stop_start_up():
    env = {k: v for k, v in PRODUCTION.items() if k != "NEWSROOM_ALLOWED_HOSTS"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "NEWSROOM_ALLOWED_HOSTS" in result.stderr


def test_a_typo_in_a_boolean_stops_start_up_naming_the_variable():
    result = manage("check", env={**PRODUCTION, "NEWSROOM_DEBUG": "ture"})
    assert result.returncode != 0
    assert "NEWSROOM_DEBUG must be one of" in result.stderr


def test_a_database_url_with_an_unknown_scheme_is_refused():
    result = manage("check", env={**PRODUCTION, "DATABASE_URL": "mysql://db/newsroom"})
    assert result.returncode != 0
    assert "DATABASE_URL must start with" in result.stderr


@pytest.mark.django_db
def test_database_connections_are_configured_for_concurrent_use():
    from django.conf import settings
    from django.db import connection

    config = settings.DATABASES["default"]
    assert config["CONN_HEALTH_CHECKS"] is True
    assert config["CONN_MAX_AGE"] > 0
    if connection.vendor == "sqlite":
        assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone()[0] == 1  # NORMAL
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 20000
    else:
        assert connection.vendor == "postgresql"


def test_the_file_database_uses_write_ahead_logging(tmp_path):
    db = tmp_path / "wal.sqlite3"
    result = manage(
        "shell",
        "-c",
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])",
        env={**PRODUCTION, "DATABASE_URL": f"sqlite:///{db}"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "wal"


@pytest.mark.django_db
def test_the_health_check_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "storage": "ok"}
