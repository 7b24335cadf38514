"""Shared fixtures: isolated media and cache, and one signed-in client per role.

NEWSROOM_TEST_CACHE=redis runs the tests on a real redis-server (Debian's, started here on
NEWSROOM_TEST_REDIS_PORT, 56379 by default) instead of local memory: CI runs the cache, page
cache and comment-thread tests so (.ci/run); tests/test_redis_cache.py always does.
"""

from __future__ import annotations

import os

import pytest
from django.dispatch import receiver
from django.test import Client
from django.test.signals import setting_changed

from newsroom.roles import EDITORS, MODERATORS, ROLE_PERMISSIONS, WRITERS, grant
from tests.factories import AuthorFactory, UserFactory

# Stripe's fakes and the gift tests' fixtures (`stripe_on`, `stripe_api`) are in one module.
pytest_plugins = ["tests.stripe_fakes"]


@receiver(setting_changed)
def _storage_changed(*, setting: str, **kwargs) -> None:
    """The Content-Security-Policy names the media origin, worked out once per process as
    production's settings never change; a test that moves media to S3 and back changes it."""
    if setting == "STORAGES":
        from newsroom import security_headers

        security_headers.reader_policy.cache_clear()
        security_headers.admin_policy.cache_clear()


def pytest_configure(config: pytest.Config) -> None:
    """Compile the translation catalogues first (newsroom/catalogues.py): a fresh clone has
    only the .po files, and the tests in Spanish and Arabic read the .mo files."""
    from newsroom.catalogues import compile_stale

    compile_stale()


# The two-host run shares one PostgreSQL server between its hosts: on SQLite there is none.
collect_ignore = (
    [] if os.environ.get("DATABASE_URL", "").startswith("postgres") else ["test_two_hosts.py"]
)

TEST_CACHE = os.environ.get("NEWSROOM_TEST_CACHE", "locmem")
if TEST_CACHE not in {"locmem", "redis"}:
    raise pytest.UsageError(f"NEWSROOM_TEST_CACHE must be locmem or redis; got {TEST_CACHE!r}.")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    from loopback.backing import RedisServer

    port = int(os.environ.get("NEWSROOM_TEST_REDIS_PORT", "56379"))
    with RedisServer(tmp_path_factory.mktemp("redis"), port=port) as server:
        yield server


def use_redis(settings, server) -> None:
    """Point the default cache at `server`, empty, with no outage remembered."""
    from django.core.cache import cache

    from newsroom.resilient_cache import outage_of
    from newsroom.settings import redis_cache

    settings.CACHES = {"default": redis_cache(server.url)}
    settings.NEWSROOM_CACHE_RETRY_SECONDS = 0
    outage_of(server.url).reset()
    cache.clear()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """moto's S3-compatible server (loopback/backing.py) on NEWSROOM_TEST_S3_PORT (59000)."""
    from loopback.backing import S3Server

    port = int(os.environ.get("NEWSROOM_TEST_S3_PORT", "59000"))
    with S3Server(tmp_path_factory.mktemp("s3"), port=port) as server:
        yield server


_buckets = iter(range(1, 10_000))


def use_s3(settings, server, monkeypatch) -> str:
    """Store media in a fresh public bucket on `server`, configured as settings.py does it."""
    from newsroom.settings import s3_media_storage

    bucket = server.public_bucket(f"newsroom-media-{next(_buckets)}")
    for name, value in server.env.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_media_storage(bucket, endpoint_url=server.url, region=server.region),
    }
    return bucket


@pytest.fixture(autouse=True)
def _isolated_settings(request, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    if TEST_CACHE == "redis":
        use_redis(settings, request.getfixturevalue("redis_server"))
    else:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": str(tmp_path),
            }
        }
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _roles_survive_flushes(request):
    """Transactional tests (the browser ones) empty every table afterwards, including the
    groups a data migration made; put the roles back for the next one."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        from django.apps import apps

        for app_label, table in ROLE_PERMISSIONS.items():
            grant(apps, app_label, table)
        # The outlet's one row, made by its migration like the roles.
        from articles.models import Outlet

        Outlet.objects.get_or_create(pk=1)


@pytest.fixture
def writer(db):
    user = UserFactory(username="wendy-writer", groups=[WRITERS])
    AuthorFactory(name="Wendy Writer", slug="wendy-writer", user=user)
    return user


@pytest.fixture
def editor(db):
    return UserFactory(
        username="eddie-editor", first_name="Eddie", last_name="Editor", groups=[EDITORS]
    )


@pytest.fixture
def moderator(db):
    return UserFactory(username="mo-moderator", groups=[MODERATORS])


@pytest.fixture
def nobody(db):
    """A staff account in no group: it may sign in but do nothing."""
    return UserFactory(username="no-group")


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def writer_client(writer) -> Client:
    return _client_for(writer)


@pytest.fixture
def editor_client(editor) -> Client:
    return _client_for(editor)


@pytest.fixture
def moderator_client(moderator) -> Client:
    return _client_for(moderator)


@pytest.fixture
def nobody_client(nobody) -> Client:
    return _client_for(nobody)


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    """Newsroom as production runs it, on loopback: gunicorn from gunicorn.conf.py behind the
    shipped nginx config, with the demo content (loopback/servers.py). Started once, only
    for the tests that ask for it; SQLite, or a fresh database on the PostgreSQL server named
    by DATABASE_URL when the suite runs on PostgreSQL."""
    import os

    from loopback.servers import Site, fresh_database

    url = os.environ.get("DATABASE_URL", "")
    database = fresh_database(url, "live") if url.startswith("postgres") else ""
    site = Site(tmp_path_factory.mktemp("live-site"), database_url=database)
    try:
        site.prepare(demo=True)
        site.start()
        yield site
    finally:
        site.stop()
