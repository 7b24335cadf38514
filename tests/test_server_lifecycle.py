"""The loopback servers the live tests, the battery and the benchmark start are stopped on
every path: a fixture whose second program fails must not leave its first one running."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from loopback.servers import ServerError, Site

pytestmark = pytest.mark.live


def processes_with(variable: str) -> list[int]:
    """Processes whose environment holds `variable` (NAME=value), read from /proc."""
    found = []
    needle = variable.encode()
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if needle in environ.read_bytes().split(b"\0"):
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found


def accepts_connections(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_a_site_whose_nginx_cannot_start_stops_its_gunicorn(tmp_path):
    site = Site(tmp_path / "site", nginx=str(tmp_path / "missing" / "nginx"))
    site.prepare(demo=False)
    marker = f"NEWSROOM_CONTROL_SOCKET={site.workdir / 'gunicorn.ctl'}"

    with pytest.raises(ServerError, match="nginx is not installed"):
        site.start()

    # nginx is only tried once gunicorn has answered its health check, so gunicorn was up; now
    # its master and both workers are gone, and nothing answers on its port.
    assert processes_with(marker) == []
    assert not accepts_connections(site.gunicorn_port)


def test_a_site_whose_gunicorn_cannot_start_reports_its_log(tmp_path):
    site = Site(tmp_path / "site", extra_env={"NEWSROOM_DEBUG": "ture"})
    marker = f"NEWSROOM_CONTROL_SOCKET={site.workdir / 'gunicorn.ctl'}"

    with pytest.raises(ServerError, match="NEWSROOM_DEBUG must be one of"):
        site.start(gunicorn_timeout=20)

    assert processes_with(marker) == []
    assert not accepts_connections(site.gunicorn_port)
