"""Vulnerability scanners against the site behind nginx: wapiti over the
whole site and sqlmap on search and the comment form, each proven to work by also finding the
planted pages of loopback/views.py.

The scanners live in their own virtualenv (`make scanners`: .venv-scanners, pinned in
reliability/scanners-requirements.txt) so they do not weigh on the dev extra. They must run
without the internet: every scanner process is given a proxy that refuses at once (loopback
excepted), so an update check or bug report fails fast instead of hanging.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from loopback.clients import Commenter
from loopback.servers import ROOT, Site, free_port

SCANNERS_BIN = Path(os.environ.get("NEWSROOM_SCANNERS_BIN", ROOT / ".venv-scanners" / "bin"))
# The vulnerabilities wapiti may report on the real site: none. Header and cookie modules
# (csp, http_headers, cookieflags, ssl) are left out: security headers are checked by their
# own tests (another part of the battery), and the CSRF cookie is readable by script by design.
WAPITI_MODULES = "xss,permanentxss,sql,exec,file,redirect,crlf"
PLANTED = "/__battery__/"


def _offline_env() -> dict[str, str]:
    dead_proxy = f"http://127.0.0.1:{free_port()}"  # nothing listens: refused at once
    env = dict(os.environ)
    env.update(
        http_proxy=dead_proxy,
        https_proxy=dead_proxy,
        HTTP_PROXY=dead_proxy,
        HTTPS_PROXY=dead_proxy,
        no_proxy="localhost,127.0.0.1",
        NO_PROXY="localhost,127.0.0.1",
    )
    return env


@dataclass
class WapitiReport:
    seconds: float = 0.0
    crawled: int = 0
    findings: list[tuple[str, str, str]] = field(default_factory=list)  # kind, path, param
    server_errors: list[str] = field(default_factory=list)
    output: str = ""

    @property
    def real(self) -> list[tuple[str, str, str]]:
        return [f for f in self.findings if not f[1].startswith(PLANTED)]

    @property
    def planted_kinds(self) -> set[str]:
        return {f[0] for f in self.findings if f[1].startswith(PLANTED)}


def run_wapiti(site: Site, *, max_scan_seconds: int = 400) -> WapitiReport:
    report_file = site.workdir / "wapiti.json"
    started = time.monotonic()
    result = subprocess.run(
        [
            str(SCANNERS_BIN / "wapiti"), "-u", site.nginx_url + "/",
            "-s", site.nginx_url + PLANTED,
            "-m", WAPITI_MODULES, "--flush-session", "--no-bugreport",
            "--max-scan-time", str(max_scan_seconds), "--max-attack-time", "60",
            "-d", "3", "--max-links-per-page", "40", "--tasks", "8", "--verify-ssl", "0",
            "-f", "json", "-o", str(report_file),
        ],
        capture_output=True,
        text=True,
        timeout=max_scan_seconds + 300,
        env=_offline_env(),
        check=False,
    )  # fmt: skip
    report = WapitiReport(seconds=time.monotonic() - started, output=result.stdout[-3000:])
    if not report_file.exists():
        report.output += result.stderr[-3000:]
        return report
    data = json.loads(report_file.read_text())
    report.crawled = int(data.get("infos", {}).get("crawled_pages_nbr") or 0)
    for kind, items in data.get("vulnerabilities", {}).items():
        report.findings += [(kind, i.get("path", ""), i.get("parameter", "")) for i in items]
    for kind, items in data.get("anomalies", {}).items():
        report.server_errors += [f"{kind}: {i.get('method')} {i.get('path')}" for i in items]
    return report


@dataclass
class SqlmapReport:
    target: str
    injectable: bool
    tested: int  # payload families tried
    server_errors: list[str]
    seconds: float
    output: str


def run_sqlmap(
    site: Site, path: str, *, data: str = "", extra: list[str] | None = None
) -> SqlmapReport:
    started = time.monotonic()
    args = [
        str(SCANNERS_BIN / "sqlmap"), "-u", site.nginx_url + path, "--batch",
        "--disable-coloring", "--flush-session", "--time-sec", "2",
        "--output-dir", str(site.workdir / "sqlmap"),
    ]  # fmt: skip
    if data:
        args += ["--data", data]
    result = subprocess.run(
        args + (extra or []),
        capture_output=True,
        text=True,
        timeout=900,
        env=_offline_env(),
        check=False,
    )
    output = result.stdout + result.stderr
    codes = re.findall(r"^(\d{3}) \([^)]*\) - \d+ times", output, re.M)
    return SqlmapReport(
        target=path,
        injectable="identified the following injection point" in output,
        tested=len(re.findall(r"\[INFO\] testing '", output)),
        server_errors=[c for c in codes if c.startswith("5")],
        seconds=time.monotonic() - started,
        output=output[-3000:],
    )


def sqlmap_comment_form(site: Site) -> SqlmapReport:
    """The comment form as a reader's browser posts it: a real CSRF token and form stamp, so
    each request reaches the form and the rules; sqlmap varies what a reader types."""
    article_id = next(iter(site.story_ids().values()))
    from loopback.clients import Browser

    commenter = Commenter(Browser(site.nginx_url))
    commenter.fetch_stamp(article_id)
    stamp = commenter.stamps[0][0]
    time.sleep(3.5)  # past the too-fast rule
    data = (
        "name=Ada+Penrose&email=ada%40example.test&body=Calm+seas+at+the+quay+today"
        f"&notify_replies=&website=&parent=1&stamp={stamp}"
        f"&csrfmiddlewaretoken={commenter.csrf_token}"
    )
    return run_sqlmap(
        site,
        f"/comments/post/{article_id}/",
        data=data,
        extra=[
            "--cookie", f"csrftoken={commenter.browser.cookies['csrftoken']}",
            "--headers", f"Origin: {site.nginx_url}",
            "--referer", f"{site.nginx_url}/comments/post/{article_id}/",
            "-p", "name,email,body,parent",
        ],
    )  # fmt: skip


def nginx_server_errors(site: Site) -> int:
    """5xx answers in nginx's access log so far (the status is the ninth field)."""
    log = site.workdir / "nginx" / "access.log"
    if not log.exists():
        return 0
    count = 0
    for line in log.read_text(errors="replace").splitlines():
        match = re.search(r'" (\d{3}) ', line)
        if match and match.group(1).startswith("5"):
            count += 1
    return count
