"""PostgreSQL's connection pool (psycopg's, `?pool=true` in DATABASE_URL): configured without
persistent connections, which Django refuses beside it, and serving requests for real."""

from __future__ import annotations

import os
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from newsroom.settings import database_from_url
from tests.test_settings import PRODUCTION, manage

SUITE_ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")


def test_pool_true_turns_persistent_connections_off():
    config = database_from_url("postgres://newsroom@db.internal:5432/newsroom?pool=true")
    assert config["OPTIONS"] == {"pool": True}
    assert config["CONN_MAX_AGE"] == 0
    assert config["CONN_HEALTH_CHECKS"] is False


def test_without_the_pool_connections_persist():
    config = database_from_url("postgres://newsroom@db.internal/newsroom?sslmode=require")
    assert config["OPTIONS"] == {"sslmode": "require"}
    assert config["CONN_MAX_AGE"] == 60


def test_pool_false_is_no_pool():
    config = database_from_url("postgres://newsroom@db.internal/newsroom?pool=off")
    assert config["OPTIONS"] == {"pool": False}
    assert config["CONN_MAX_AGE"] == 60


def test_a_pool_value_that_is_not_a_boolean_stops_start_up():
    with pytest.raises(ImproperlyConfigured, match=r"\?pool= must be true or false; got 'yse'"):
        database_from_url("postgres://newsroom@db.internal/newsroom?pool=yse")


def test_a_production_start_with_the_pool_passes_the_checks():
    result = manage(
        "check",
        env={**PRODUCTION, "DATABASE_URL": "postgres://newsroom@127.0.0.1:9/newsroom?pool=true"},
    )
    assert result.returncode == 0, result.stderr


# The PostgreSQL run of the suite (CI's second `make test`) also opens pooled connections for
# real; on SQLite there is no server to pool connections to.
if SUITE_ON_POSTGRESQL:

    @pytest.mark.django_db(transaction=True)
    def test_pooled_connections_serve_threads_on_postgresql(settings):
        from django.db import connections
        from django.test import Client

        from tests.factories import published_article

        url = os.environ["DATABASE_URL"]
        parsed = database_from_url(url + ("&" if "?" in url else "?") + "pool=true")
        # The test database, with what ?pool=true changes.
        pooled = {
            **connection.settings_dict,
            **{key: parsed[key] for key in ("OPTIONS", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS")},
        }
        published_article(headline="Pooled connections on the ferry")
        connections["default"].close()
        original = connections.settings["default"]
        connections.settings["default"] = pooled
        try:
            del connections["default"]
            statuses: list[int] = []
            backends: set[int] = set()

            def read() -> None:
                for _ in range(5):
                    statuses.append(Client().get("/").status_code)
                    with connections["default"].cursor() as cursor:
                        cursor.execute("SELECT pg_backend_pid()")
                        backends.add(cursor.fetchone()[0])
                connections["default"].close()  # back to the pool

            threads = [threading.Thread(target=read) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert connections["default"].pool is not None
        finally:
            connections["default"].close_pool()
            connections.settings["default"] = original
            del connections["default"]
        assert statuses == [200] * 20
        # Twenty requests on four threads reused a handful of pooled backends.
        assert 1 <= len(backends) <= 4
