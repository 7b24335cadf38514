"""The reliability battery (issue #7: load, faults, attacks): one line per item, PASS or FAIL.

    python -m reliability.run --tier fast            # SQLite, a few minutes
    python -m reliability.run --tier full --database-url postgres://postgres@127.0.0.1:5432/x

A PostgreSQL URL names a server and a database name to derive from: the battery drops and
creates `<name>_load` (and `<name>_scan` for the scanners) itself, so it can run again.
The exit status is non-zero when any item fails.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reliability import load
from reliability.servers import Site, fresh_database


@dataclass(frozen=True)
class Tier:
    name: str
    load_seconds: float
    kills: int
    slowloris: bool
    uploads: bool
    scanners: bool


TIERS = {
    "fast": Tier("fast", load_seconds=15, kills=3, slowloris=False, uploads=False, scanners=False),
    "full": Tier("full", load_seconds=60, kills=9, slowloris=True, uploads=True, scanners=True),
}


class Battery:
    def __init__(self) -> None:
        self.failed: list[str] = []
        self.started = time.monotonic()

    def line(self, item: str, passed: bool, figure: str) -> None:
        verdict = "PASS" if passed else "FAIL"
        if not passed:
            self.failed.append(item)
        print(f"{verdict}  {item:<28} {figure}", flush=True)

    def guard(self, item: str, check: Callable[[], None]) -> None:
        """Run one item; an exception in the battery itself is that item's failure."""
        try:
            check()
        except Exception as error:  # report and go on: the other items still tell something
            self.line(item, False, f"battery error: {error.__class__.__name__}: {error}")


def judge_comments(
    battery: Battery,
    item: str,
    site: Site,
    report: load.CommentLoadReport,
    tag: str,
    *,
    allow_connection_failures: bool,
) -> None:
    stored = load.check_stored(site, report, tag)
    integrity = load.integrity(site)
    locked = report.locked_in_bodies
    statuses = dict(sorted(report.statuses.items()))
    failed_connections = statuses.get(0, 0)
    passed = (
        report.server_errors == 0
        and locked == 0
        and not stored.missing
        and not stored.duplicates
        and not stored.wrong_id
        and integrity == "ok"
        and stored.acknowledged > 0
        and (allow_connection_failures or failed_connections == 0)
    )
    battery.line(
        item,
        passed,
        f"{len(report.results)} posts in {report.seconds:.0f} s, {stored.acknowledged} "
        f"acknowledged ({stored.acknowledged / report.seconds:.1f}/s), statuses {statuses}, "
        f"resent after a dropped connection {report.retried}, "
        f"5xx {report.server_errors}, locked {locked}, missing {len(stored.missing)}, "
        f"duplicates {len(stored.duplicates)}, integrity {integrity}",
    )


def comments_and_readers(battery: Battery, site: Site, tier: Tier) -> None:
    """Items 1 and 4 together: 16 commenters on gunicorn, 32 readers on nginx."""
    readers, _ = load.start_readers(site, seconds=tier.load_seconds)
    report = load.post_comments(site, seconds=tier.load_seconds, tag="A")
    reads = load.finish_readers(readers)
    judge_comments(
        battery, "1 concurrent posting", site, report, "A", allow_connection_failures=False
    )
    locked = load.locked_in_log(site)
    battery.line("1 'database is locked' in log", locked == 0, f"{locked} lines")
    battery.line(
        "4 reading under writing",
        reads.non_2xx == 0 and reads.socket_errors == 0 and reads.total > 0,
        f"{reads.total} reads through nginx ({reads.bypassed} past its cache), non-2xx "
        f"{reads.non_2xx}, socket errors {reads.socket_errors}, p99 {reads.p99_ms:.0f} ms"
        + ("" if reads.non_2xx >= 0 else f" [{reads.output[-300:]}]"),
    )


def crash(battery: Battery, site: Site, tier: Tier) -> None:
    """Item 2: the same load while a worker is SIGKILLed every 3 s."""
    seconds = tier.kills * 3 + 4
    result: dict[str, load.CommentLoadReport] = {}
    poster = threading.Thread(
        target=lambda: result.update(report=load.post_comments(site, seconds=seconds, tag="B"))
    )
    poster.start()
    crashes = load.kill_workers(site, kills=tier.kills)
    poster.join()
    judge_comments(
        battery, "2 crash: comments", site, result["report"], "B", allow_connection_failures=True
    )
    worst = max(crashes.recoveries, default=float("inf"))
    battery.line(
        "2 crash: recovery",
        not crashes.failures and crashes.kills == tier.kills,
        f"{crashes.kills} SIGKILLs, worst /healthz recovery {worst:.2f} s, worst respawn "
        f"{max(crashes.respawns, default=float('inf')):.2f} s"
        + (f"; {'; '.join(crashes.failures)}" if crashes.failures else ""),
    )


def slow_clients(battery: Battery, site: Site) -> None:
    report = load.slowloris(site)
    battery.line(
        "3 slowloris (200 conns)",
        report.share >= 0.99 and report.probes >= 60 and report.open_connections_seen >= 100,
        f"{report.fast_ok}/{report.probes} probes 200 in < 1 s ({report.share:.1%}), slowest "
        f"{report.slowest:.2f} s, up to {report.open_connections_seen} connections open",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tier", choices=sorted(TIERS), default="fast")
    parser.add_argument("--database-url", default="", help="PostgreSQL server; SQLite if empty")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args(argv)
    tier = TIERS[args.tier]
    battery = Battery()
    workdir = Path(tempfile.mkdtemp(prefix=f"newsroom-battery-{tier.name}-"))
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(f"Reliability battery, {tier.name} tier, on {engine}, in {workdir}", flush=True)
    try:
        database = fresh_database(args.database_url, "load") if args.database_url else ""
        with Site(workdir / "site", database_url=database) as site:
            site.prepare(demo=True)
            load.allow_load(site)
            site.start()
            battery.guard(
                "1+4 posting and reading", lambda: comments_and_readers(battery, site, tier)
            )
            battery.guard("2 crash", lambda: crash(battery, site, tier))
            if tier.slowloris:
                battery.guard("3 slowloris", lambda: slow_clients(battery, site))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    took = time.monotonic() - battery.started
    print(
        f"{'FAILED: ' + ', '.join(battery.failed) if battery.failed else 'All items passed'}"
        f" ({tier.name} tier, {engine}, {took:.0f} s)",
        flush=True,
    )
    return 1 if battery.failed else 0


if __name__ == "__main__":
    sys.exit(main())
