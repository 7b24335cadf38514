"""The site starts, migrates and serves with the base install alone.

`make run` installs `pip install -e .`, without the optional extras (postgres, redis, s3,
sentry) that `make test` brings in; an unconditional import of one of them breaks the README's
first command while every test here still passes. This runs the app in a fresh interpreter
where those packages cannot be imported, as on a machine that never installed them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Top-level packages of pyproject.toml's optional extras (and what they pull in).
EXTRAS = (
    "psycopg",
    "psycopg_pool",
    "redis",
    "django_redis",
    "storages",
    "boto3",
    "botocore",
    "sentry_sdk",
)

SCRIPT = textwrap.dedent(
    """
    import sys
    for name in {extras!r}:
        sys.modules[name] = None  # `import name` now raises ImportError, as if not installed
    import django
    from django.core.management import call_command
    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("check", fail_level="ERROR")
    from django.test import Client
    client = Client()
    for path in ("/", "/healthz", "/robots.txt", "/newsletter/"):
        response = client.get(path, HTTP_HOST="127.0.0.1")
        print(path, response.status_code)
    """
)


def test_the_site_migrates_and_serves_without_the_optional_extras(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "NEWSROOM_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "",
        "NEWSROOM_S3_BUCKET": "",
        "SENTRY_DSN": "",
        "NEWSROOM_CACHE_DIR": str(tmp_path / "cache"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(extras=EXTRAS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    lines = dict(line.split() for line in result.stdout.splitlines() if line.startswith("/"))
    assert lines == {"/": "200", "/healthz": "200", "/robots.txt": "200", "/newsletter/": "200"}
