"""The battery's load, fault and slow-client items: concurrent commenting, workers killed under
that load, readers through nginx while it runs, and slowloris connections against nginx.

Each function drives a running `Site` and returns plain figures; reliability/run.py judges them.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import ssl
import subprocess
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from loopback.clients import Browser, Commenter, PostResult
from loopback.servers import HOST, Site, fetch, insecure_tls_context

LOCKED = "database is locked"


# --- Item 1: concurrent commenting --------------------------------------------------------


@dataclass
class CommentLoadReport:
    seconds: float
    results: list[PostResult] = field(default_factory=list)
    stamp_failures: int = 0
    locked_in_bodies: int = 0

    @property
    def statuses(self) -> Counter:
        return Counter(r.status for r in self.results)

    @property
    def acknowledged(self) -> dict[str, int]:
        """Marker → comment id, for every post the server answered with a stored comment."""
        return {r.marker: r.comment_id for r in self.results if r.comment_id is not None}

    @property
    def retried(self) -> int:
        """Posts whose connection broke and that were sent again with the same stamp."""
        return sum(1 for r in self.results if r.attempts > 1)

    @property
    def server_errors(self) -> int:
        return sum(1 for r in self.results if r.status >= 500)


def allow_load(site: Site) -> None:
    """Let each load client post as often as it can: the moderators' limits, raised through
    their admin model. The flood rule itself is tested in tests/test_moderation_rules.py."""
    site.set_moderation_limits(flood_burst_seconds=0, flood_per_hour=32000)


def post_comments(
    site: Site,
    *,
    clients: int = 16,
    seconds: float = 60,
    base_url: str = "",
    min_age: float = 3.3,
    tag: str = "A",
) -> CommentLoadReport:
    """`clients` readers, each from its own loopback address (127.0.1.N), post comments for
        `seconds`. Each keeps a queue of form stamps and posts one only once it is `min_age` old,
        so the too-fast rule (3 s) passes and every request reaches the write path. Each post's text
    carries a unique marker (`tag` tells runs apart) to find it in the database afterwards."""
    story_ids = list(site.story_ids().values())
    base_url = base_url or site.gunicorn_url
    report = CommentLoadReport(seconds=seconds)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def reader(n: int) -> None:
        commenter = Commenter(
            Browser(base_url, source_address=f"127.0.1.{n + 1}"),
            name=f"Load Reader {n}",
            email=f"reader{n}@example.test",
        )
        count = 0
        while time.monotonic() < deadline:
            try:
                commenter.fetch_stamp(story_ids[(n + count) % len(story_ids)])
            except Exception:  # a killed worker, a reset connection: counted, then go on
                with lock:
                    report.stamp_failures += 1
                time.sleep(0.05)
                continue
            while commenter.stamps and commenter.oldest_stamp_age() >= min_age:
                count += 1
                result = commenter.post(f"L{tag}{n:02d}x{count:05d}z")
                with lock:
                    report.results.append(result)
                    if LOCKED.encode() in result.body:
                        report.locked_in_bodies += 1
            # Pace the stamps so the queue holds about min_age seconds of posts.
            time.sleep(0.02)
        commenter.browser.close()

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return report


@dataclass
class StoredCheck:
    acknowledged: int
    missing: list[str]
    duplicates: list[str]
    wrong_id: list[str]
    stored_markers: int


MARKER = re.compile(r"Harbour note (L[A-Z]\d+x\d+z):")


def check_stored(site: Site, report: CommentLoadReport, tag: str = "A") -> StoredCheck:
    """Compare what the server acknowledged with what the database holds."""
    out = site.shell(
        "import json\n"
        "from comments.models import Comment\n"
        f"print(json.dumps(list(Comment.objects.filter(body__startswith='Harbour note L{tag}')"
        ".values_list('pk', 'body'))))"
    )
    rows = json.loads(out.strip().splitlines()[-1])
    ids_by_marker: dict[str, list[int]] = {}
    for pk, body in rows:
        match = MARKER.match(body)
        if match:
            ids_by_marker.setdefault(match.group(1), []).append(pk)
    acknowledged = report.acknowledged
    return StoredCheck(
        acknowledged=len(acknowledged),
        missing=[m for m in acknowledged if m not in ids_by_marker],
        duplicates=[m for m, ids in ids_by_marker.items() if len(ids) > 1],
        wrong_id=[m for m, pk in acknowledged.items() if pk not in ids_by_marker.get(m, [pk])],
        stored_markers=len(ids_by_marker),
    )


def integrity(site: Site) -> str:
    """ "ok", or what the database's own checker found: SQLite's PRAGMA integrity_check, or on
    PostgreSQL amcheck over every B-tree index of the comment tables (heap and index agree)."""
    if site.sqlite_path is not None:
        with sqlite3.connect(site.sqlite_path) as db:
            rows = db.execute("PRAGMA integrity_check").fetchall()
        return ", ".join(str(r[0]) for r in rows)
    out = site.shell(
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('CREATE EXTENSION IF NOT EXISTS amcheck')\n"
        '    c.execute("SELECT i.indexrelid::regclass::text FROM pg_index i '
        "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class x ON x.oid = i.indexrelid "
        "JOIN pg_am a ON a.oid = x.relam WHERE t.relname LIKE 'comments_%%' "
        "AND a.amname = 'btree'\")\n"
        "    names = [r[0] for r in c.fetchall()]\n"
        "    for name in names:\n"
        "        c.execute('SELECT bt_index_check(%s::regclass, true)', [name])\n"
        "print('ok', len(names))"
    )
    last = out.strip().splitlines()[-1] if out.strip() else ""
    return "ok" if last.startswith("ok ") and last != "ok 0" else f"amcheck: {out[-500:]}"


def locked_in_log(site: Site) -> int:
    return site.gunicorn_log().count(LOCKED)


# --- Item 2: workers killed under load ----------------------------------------------------


@dataclass
class CrashReport:
    kills: int = 0
    recoveries: list[float] = field(default_factory=list)  # kill → /healthz 200, seconds
    respawns: list[float] = field(default_factory=list)  # kill → full set of workers again
    failures: list[str] = field(default_factory=list)


def kill_workers(
    site: Site, *, every: float = 3.0, kills: int = 9, recover_within: float = 5.0
) -> CrashReport:
    """SIGKILL one gunicorn worker every `every` seconds, `kills` times, and time how long the
    site takes to answer /healthz again and the master to replace the worker."""
    report = CrashReport()
    for n in range(kills):
        time.sleep(every)
        workers = site.worker_pids()
        if not workers:
            report.failures.append(f"kill {n + 1}: no worker to kill")
            continue
        victim = workers[n % len(workers)]
        killed_at = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        report.kills += 1
        recovered = respawned = None
        while time.monotonic() - killed_at < 30 and (recovered is None or respawned is None):
            if recovered is None:
                try:
                    if fetch(site.gunicorn_url + "/healthz", timeout=5).status == 200:
                        recovered = time.monotonic() - killed_at
                except OSError:
                    pass
            if respawned is None:
                pids = site.worker_pids()
                if victim not in pids and len(pids) == site.workers:
                    respawned = time.monotonic() - killed_at
            time.sleep(0.05)
        report.recoveries.append(recovered if recovered is not None else float("inf"))
        report.respawns.append(respawned if respawned is not None else float("inf"))
        if recovered is None or recovered > recover_within:
            report.failures.append(f"kill {n + 1}: /healthz not 200 within {recover_within} s")
    return report


# --- Item 4: readers through nginx while comments are written -----------------------------

WRK_SCRIPT = """
-- Story pages in turn; every other request carries a csrftoken cookie, as a reader who has
-- commented does, so nginx bypasses its cache and Django renders the page under the writes.
local paths = {%(paths)s}
local threads = {}
local counter = 0
function setup(thread) table.insert(threads, thread) end
function init(args) total = 0; bad = 0; personal = 0 end
function request()
  counter = counter + 1
  local path = paths[(counter %% #paths) + 1]
  if counter %% 2 == 0 then
    personal = personal + 1
    return wrk.format("GET", path, {["Cookie"] = "csrftoken=battery%(token)s"})
  end
  return wrk.format("GET", path)
end
function response(status, headers, body)
  total = total + 1
  if status < 200 or status > 299 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local t, b, p = 0, 0, 0
  for _, thread in ipairs(threads) do
    t = t + thread:get("total"); b = b + thread:get("bad"); p = p + thread:get("personal")
  end
  io.write(string.format("BATTERY total=%%d non2xx=%%d bypass=%%d errors=%%d p99ms=%%.1f\\n",
    t, b, p, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, latency:percentile(99) / 1000))
end
"""


@dataclass
class ReadReport:
    total: int = 0
    non_2xx: int = 0
    bypassed: int = 0
    socket_errors: int = 0
    p99_ms: float = 0.0
    output: str = ""


def start_readers(
    site: Site, *, connections: int = 32, seconds: float = 60, threads: int = 4
) -> tuple[subprocess.Popen, Path]:
    """Start wrk reading story pages through nginx; `finish_readers` collects its figures."""
    paths = list(site.story_ids())
    script = Path(tempfile.mkdtemp(dir=site.workdir)) / "readers.lua"
    script.write_text(
        WRK_SCRIPT
        % {
            "paths": ", ".join(json.dumps(p) for p in paths),
            "token": "x" * 32,
        }
    )
    proc = subprocess.Popen(
        [
            "wrk", f"-t{threads}", f"-c{connections}", f"-d{int(seconds)}s", "--timeout", "10s",
            "-s", str(script), site.nginx_url + "/",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    return proc, script


def finish_readers(proc: subprocess.Popen) -> ReadReport:
    output, _ = proc.communicate(timeout=600)
    match = re.search(
        r"BATTERY total=(\d+) non2xx=(\d+) bypass=(\d+) errors=(\d+) p99ms=([\d.]+)", output
    )
    if not match:
        return ReadReport(output=output, non_2xx=-1)
    total, bad, bypass, errors = (int(match.group(i)) for i in range(1, 5))
    return ReadReport(total, bad, bypass, errors, float(match.group(5)), output)


# --- Item 3: slowloris against nginx ------------------------------------------------------


@dataclass
class SlowReport:
    probes: int = 0
    fast_ok: int = 0
    slowest: float = 0.0
    plain_open_max: int = 0  # slowhttptest's connections seen open on port 80
    tls_open_max: int = 0  # our TLS attack's connections seen open on port 443
    tls_cut_off: int = 0  # of those, closed by nginx before the attack ended
    output: str = ""

    @property
    def share(self) -> float:
        return self.fast_ok / self.probes if self.probes else 0.0


class _TlsSlowloris(threading.Thread):
    """Slow headers over TLS with the right SNI name, which slowhttptest 1.8 cannot do (it
    sends no SNI, and the shipped config refuses such handshakes): `connections` requests
    that each send one more header line every `interval` seconds and never finish."""

    def __init__(self, site: Site, connections: int, seconds: float, interval: float) -> None:
        super().__init__(daemon=True)
        self.site, self.connections, self.seconds, self.interval = (
            site,
            connections,
            seconds,
            interval,
        )
        self.open_now = 0
        self.open_max = 0
        self.cut_off = 0

    def run(self) -> None:
        context = insecure_tls_context()
        conns: list[ssl.SSLSocket] = []
        for _ in range(self.connections):
            try:
                raw = socket.create_connection(("127.0.0.1", self.site.https_port), timeout=5)
                conn = context.wrap_socket(raw, server_hostname=HOST)
                conn.sendall(f"GET / HTTP/1.1\r\nHost: {HOST}\r\n".encode())
                conns.append(conn)
            except OSError:
                continue
        deadline = time.monotonic() + self.seconds
        n = 0
        while time.monotonic() < deadline and conns:
            self.open_now = len(conns)
            self.open_max = max(self.open_max, len(conns))
            time.sleep(self.interval)
            n += 1
            for conn in list(conns):
                try:
                    conn.sendall(f"X-Slow-{n}: {n}\r\n".encode())
                except OSError:
                    conns.remove(conn)
                    self.cut_off += 1
                    conn.close()
        for conn in conns:
            conn.close()


def slowloris(
    site: Site, *, connections: int = 200, seconds: float = 40, probe_every: float = 0.5
) -> SlowReport:
    """slowhttptest's slow-headers attack (-H) with `connections` connections on nginx's
    port 80 and as many slow TLS requests on its port 443, while a reader fetches a story over
    HTTPS every `probe_every` seconds; a probe counts when it gets a 200 in under a second."""
    story = next(iter(site.story_ids()))
    proc = subprocess.Popen(
        [
            "slowhttptest", "-H", "-c", str(connections), "-r", str(connections),
            "-i", "5", "-l", str(int(seconds)), "-s", "8192", "-x", "24", "-p", "3",
            "-u", site.nginx_http_url + story,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    tls = _TlsSlowloris(site, connections, seconds, interval=5)
    tls.start()
    report = SlowReport()
    time.sleep(2)  # let the attacks open their connections first
    deadline = time.monotonic() + seconds - 3
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            ok = fetch(site.nginx_url + story, timeout=5).status == 200
        except OSError:
            ok = False
        took = time.monotonic() - started
        report.probes += 1
        report.slowest = max(report.slowest, took)
        if ok and took < 1.0:
            report.fast_ok += 1
        report.plain_open_max = max(report.plain_open_max, _established(site.http_port))
        time.sleep(max(0.0, probe_every - took))
    try:
        output, _ = proc.communicate(timeout=seconds + 30)
    except subprocess.TimeoutExpired:
        proc.kill()
        output, _ = proc.communicate()
    tls.join(timeout=seconds + 30)
    report.tls_open_max, report.tls_cut_off = tls.open_max, tls.cut_off
    report.output = output
    return report


def _established(port: int) -> int:
    """Connections currently established to this local port: proof the attack is on."""
    suffix = f":{port:04X}"
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts[1].endswith(suffix) and parts[3] == "01":
                count += 1
    return count
