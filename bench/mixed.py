"""The benchmark's real-traffic runs (bench/run.py calls them): readers spread over the front
page and the newest stories, the newest hottest, with and without moderators approving a
comment a second and an editor saving a story every ten seconds; and Django's hello world on
the same gunicorn settings, the floor the trivial view is compared with.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from loopback.servers import ROOT, Site, fetch, free_port

READER_STORIES = int(os.environ.get("BENCH_READER_STORIES", "300"))
APPROVALS_PER_SECOND = 1
SECONDS_PER_EDIT = 10

# Run inside the site before the mixed runs: the reader set (the front page and the newest
# READER_STORIES stories) and enough held comments on them for a run of approvals.
PREPARE = r"""
import json
from articles.models import Article
from comments.models import Comment

stories = list(Article.objects.published().order_by("-published_at", "-pk")[:{count}])
held = []
for n in range({held}):
    story = stories[(n * 7) % len(stories)]
    held.append(Comment(
        article=story, name=f"Waiting reader {{n}}", email=f"wait{{n}}@example.test",
        body=f"Held comment {{n}} about the ferry.", status="pending", nonce=f"held-{{n}}",
    ))
Comment.objects.bulk_create(held)  # held comments: no reader sees them, nothing to invalidate
print(json.dumps([s.get_absolute_url() for s in stories] + [[s.pk for s in stories]]))
"""

# The moderators and the editor: run as one `manage.py shell` process for the whole wrk run,
# so each write is a real verb or save through every signal, as in the admin.
WRITERS = r"""
import json, random, time
from articles.models import Article
from comments.models import Comment

ids = {ids}
rng = random.Random(11)
held = list(Comment.objects.filter(status="pending", nonce__startswith="held-").order_by("pk"))
print("ready", flush=True)
start = time.monotonic()
approvals = edits = tick = 0
while time.monotonic() - start < {seconds}:
    time.sleep(max(0.0, start + tick / {per_second} - time.monotonic()))
    if held:
        held.pop(0).approve(by=None, reason="benchmark")
        approvals += 1
    if tick % ({per_second} * {every}) == 0:
        story = Article.objects.get(pk=rng.choice(ids))
        story.standfirst = f"Updated at {{time.time():.0f}}: " + story.standfirst[:200]
        story.save()
        edits += 1
    tick += 1
print(json.dumps({{"approvals": approvals, "edits": edits}}), flush=True)
"""


def reader_urls(site: Site, rounds: int = 1) -> tuple[Path, list[int]]:
    """Write the reader set, hottest first (the front page, then the stories newest first),
    and hold enough comments for `rounds` runs of approvals."""
    held = 2 * int(os.environ.get("BENCH_DURATION", "8")) * 3 * rounds + 60
    out = site.manage("shell", "-c", PREPARE.format(count=READER_STORIES, held=held)).stdout
    *paths, ids = json.loads(out.strip().splitlines()[-1])
    file = site.workdir / "reader-urls.txt"
    file.write_text("\n".join(["/", *paths]) + "\n")
    return file, ids


def warm(site: Site, urls: Path) -> None:
    """Fetch each reader page once, eight at a time: the page cache starts holding them, as a
    day of readers would leave it. With the Host wrk sends (the address as given), since the
    host is part of a page's key."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(
            pool.map(
                lambda path: fetch(site.gunicorn_url + path, timeout=120),
                urls.read_text().split(),
            )
        )


def start_writers(site: Site, ids: list[int], seconds: int) -> subprocess.Popen[str]:
    code = WRITERS.format(
        ids=ids, seconds=seconds, per_second=APPROVALS_PER_SECOND, every=SECONDS_PER_EDIT
    )
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=site.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("ready"):
        process.kill()
        raise RuntimeError(f"the writers did not start: {line}{process.stderr.read()[-2000:]}")
    return process


def finish_writers(process: subprocess.Popen[str]) -> dict[str, int]:
    out, err = process.communicate(timeout=120)
    if process.returncode != 0:
        raise RuntimeError(f"the writers failed: {err[-2000:]}")
    return json.loads(out.strip().splitlines()[-1])


class HelloWorld:
    """Django's hello world under gunicorn from gunicorn.conf.py (loopback/hello.py)."""

    def __init__(self, site: Site) -> None:
        self.port = free_port()
        self.site = site
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> HelloWorld:
        env = {
            **self.site.env,
            "NEWSROOM_BIND": f"127.0.0.1:{self.port}",
            "NEWSROOM_CONTROL_SOCKET": str(self.site.workdir / "hello.ctl"),
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        log = (self.site.workdir / "hello.log").open("wb")
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "loopback.hello:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if fetch(self.url + "/bench/trivial/", timeout=2).status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("Django's hello world did not start; see hello.log")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
