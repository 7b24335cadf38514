"""`manage.py backup_db` makes a consistent copy with SQLite's online backup."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, db: Path) -> subprocess.CompletedProcess:
    import os

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(NEWSROOM_DEBUG="1", DATABASE_URL=f"sqlite:///{db}")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture(scope="module")
def live_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("live") / "live.sqlite3"
    result = manage("migrate", "--noinput", db=db)
    assert result.returncode == 0, result.stderr
    return db


def test_it_backs_up_to_a_file_that_passes_an_integrity_check(live_db, tmp_path):
    target = tmp_path / "copy.sqlite3"
    result = manage("backup_db", str(target), db=live_db)

    assert result.returncode == 0, result.stderr
    assert "Backed up" in result.stdout
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        groups = {row[0] for row in copy.execute("SELECT name FROM auth_group")}
    assert groups == {"Writers", "Editors", "Moderators"}
    assert not list(tmp_path.glob("*.partial"))


def test_it_names_the_file_when_given_a_folder(live_db, tmp_path):
    result = manage("backup_db", str(tmp_path), db=live_db)
    assert result.returncode == 0, result.stderr
    assert len(list(tmp_path.glob("newsroom-*.sqlite3"))) == 1


def test_a_missing_folder_is_a_clear_error(live_db, tmp_path):
    result = manage("backup_db", str(tmp_path / "nowhere" / "x.sqlite3"), db=live_db)
    assert result.returncode == 1
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_refuses_to_overwrite_the_live_database(live_db):
    result = manage("backup_db", str(live_db), db=live_db)
    assert result.returncode == 1
    assert "cannot overwrite the live database" in result.stderr
