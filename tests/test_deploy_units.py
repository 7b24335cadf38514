"""The systemd units in deploy/: they pass `systemd-analyze verify`, every timer starts a
service that exists, and each service's command runs as written against a real database."""

from __future__ import annotations

import configparser
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.test_settings import PRODUCTION, manage

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
TIMERS = sorted(DEPLOY.glob("*.timer"))
JOBS = {"newsroom-digest", "newsroom-purge", "newsroom-backup", "newsroom-newsletter"}


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path)
    return parser


def test_the_digest_purge_backup_and_newsletter_each_have_a_timer():
    assert {path.stem for path in TIMERS} == JOBS
    for timer in TIMERS:
        section = unit(timer)["Timer"]
        assert section["Unit"] == f"{timer.stem}.service"
        assert (DEPLOY / section["Unit"]).exists()
        assert section["OnCalendar"]
        assert section["Persistent"] == "true"


def test_systemd_accepts_every_unit(tmp_path):
    # The units name /srv/newsroom; here the checkout stands in for it.
    for path in [*DEPLOY.glob("*.service"), *TIMERS]:
        (tmp_path / path.name).write_text(path.read_text().replace("/srv/newsroom", str(ROOT)))
    result = subprocess.run(
        ["systemd-analyze", "verify", *sorted(p.name for p in tmp_path.iterdir())],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize("job", sorted(JOBS))
def test_each_job_runs_its_command_as_written(job, tmp_path):
    command = shlex.split(unit(DEPLOY / f"{job}.service")["Service"]["ExecStart"])
    assert command[:2] == ["/srv/newsroom/.venv/bin/python", "manage.py"]
    arguments = [arg.replace("/var/backups/newsroom/", f"{tmp_path}/") for arg in command[2:]]
    env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}"}
    assert manage("migrate", "--noinput", env=env).returncode == 0

    result = manage(*arguments, env=env)
    assert result.returncode == 0, result.stderr
    if job == "newsroom-backup":
        copies = [p for p in tmp_path.iterdir() if not p.name.startswith("site.sqlite3")]
        assert len(copies) == 1 and copies[0].stat().st_size > 0
