"""Each gunicorn worker listens on a socket of its own (`reuse_port` in gunicorn.conf.py), so the
kernel spreads connections over the workers instead of the first to wake taking them all."""

from __future__ import annotations

import os
import socket
from collections import Counter
from pathlib import Path

import pytest

from loopback.servers import Site

pytestmark = pytest.mark.live


def tcp_sockets(port: int, state: str) -> set[int]:
    """Inodes of the IPv4 sockets on local `port` in `state` (/proc/net/tcp's hex code)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].rsplit(":", 1)[1], 16)
        if local_port == port and fields[3] == state:
            found.add(int(fields[9]))
    return found


def socket_inodes(pid: int) -> set[int]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue  # closed between listing and reading
        if target.startswith("socket:["):
            inodes.add(int(target[len("socket:[") : -1]))
    return inodes


LISTEN, ESTABLISHED = "0A", "01"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("sockets") / "site")
    site.prepare(demo=False)
    site.start_gunicorn()
    yield site
    site.stop()


def test_each_worker_listens_on_a_socket_of_its_own(site):
    listening = tcp_sockets(site.gunicorn_port, LISTEN)
    workers = site.worker_pids()

    assert len(workers) == site.workers == 2
    assert len(listening) == site.workers
    held = [socket_inodes(pid) & listening for pid in workers]
    assert all(len(inodes) == 1 for inodes in held)
    assert held[0] != held[1]


def test_keep_alive_connections_are_shared_between_the_workers(site):
    # Each connection stays open after its answer (HTTP/1.1 keep-alive), as wrk's and nginx's
    # upstream connections do. Hashed over two sockets, all 32 landing on one worker has a
    # chance of 2 in 2**32; on one shared socket runs saw 16 of 16 on one worker.
    connections = []
    try:
        for _ in range(32):
            sock = socket.create_connection(("127.0.0.1", site.gunicorn_port), timeout=10)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 200")
            connections.append(sock)
        established = tcp_sockets(site.gunicorn_port, ESTABLISHED)
        per_worker = Counter(
            {pid: len(socket_inodes(pid) & established) for pid in site.worker_pids()}
        )
        assert sum(per_worker.values()) == 32
        assert min(per_worker.values()) >= 1, per_worker
    finally:
        for sock in connections:
            sock.close()
