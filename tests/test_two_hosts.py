"""Past one machine: two app hosts (gunicorn each, separate working folders, nothing shared on
disk) behind the shipped nginx as an upstream pair, sharing PostgreSQL (pooled connections),
Redis and an S3-compatible server (moto). An image uploaded on one host is shown by the other,
a comment posted through one is moderated through the other, a flood limit counts across both,
and under load one host is killed and Redis stopped and restarted: no 5xx, no stale page.

PostgreSQL only (the database is what the hosts share): the PostgreSQL run of the suite and
`make two-hosts` run it; tests/conftest.py leaves it out on SQLite. The figures of the run are
written to two-hosts.json in its folder and printed (docs/reliability.md quotes them).
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
import requests
from PIL import Image

from loopback.backing import RedisServer, S3Server
from loopback.servers import Site, fresh_database
from tests.admin_forms import story_post_data

pytestmark = [
    pytest.mark.live,
    # nginx's certificate is self-signed, made for the run.
    pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning"),
]


@dataclass
class Hosts:
    a: Site
    b: Site
    redis: RedisServer
    s3: S3Server
    bucket: str
    figures: dict = field(default_factory=dict)

    @property
    def nginx(self) -> str:
        return self.a.nginx_url


@pytest.fixture(scope="module")
def hosts(tmp_path_factory) -> Iterator[Hosts]:
    root = tmp_path_factory.mktemp("two-hosts")
    database = fresh_database(os.environ["DATABASE_URL"], "hosts") + "?pool=true"
    redis_server = RedisServer(root / "redis").start()
    s3 = S3Server(root / "s3").start()
    bucket = s3.public_bucket("newsroom-hosts")
    shared = {
        "REDIS_URL": redis_server.url,
        "NEWSROOM_S3_BUCKET": bucket,
        "NEWSROOM_CACHE_RETRY_SECONDS": "1",
        **s3.env,
    }
    b = Site(root / "host-b", database_url=database, extra_env=shared)
    a = Site(
        root / "host-a",
        database_url=database,
        extra_env=shared,
        other_app_ports=[b.gunicorn_port],
        secret_key=b.secret_key,  # sessions, CSRF and signed stamps hold on either host
        demo_password=b.demo_password,
    )
    b.extra_env["NEWSROOM_SITE_URL"] = a.env["NEWSROOM_SITE_URL"]
    b.extra_env["NEWSROOM_CSRF_TRUSTED_ORIGINS"] = a.env["NEWSROOM_CSRF_TRUSTED_ORIGINS"]
    b.extra_env["NEWSROOM_EDGE_PURGE_URLS"] = a.nginx_purge_url
    try:
        a.prepare(demo=True)
        b.manage("collectstatic", "--noinput", "--verbosity", "0")
        a.start_gunicorn()
        b.start_gunicorn()
        a.start_nginx()
        found = Hosts(a, b, redis_server, s3, bucket)
        yield found
        out = root / "two-hosts.json"
        out.write_text(json.dumps(found.figures, indent=2))
        print(f"\nTwo-host figures ({out}):\n{json.dumps(found.figures, indent=2)}")
    finally:
        a.stop()
        b.stop()
        redis_server.stop()
        s3.stop()


class Browser:
    """A person's browser against one address: cookies kept, CSRF sent back, over nginx's
    HTTPS or straight to one host's gunicorn (then as nginx would forward it)."""

    def __init__(self, base: str, *, site_url: str, reader_ip: str = "198.51.100.70") -> None:
        self.base = base
        self.session = requests.Session()
        self.session.verify = False
        self.headers = {"Referer": site_url + "/", "Origin": site_url}
        if base.startswith("http://127.0.0.1"):
            self.headers |= {"X-Forwarded-Proto": "https", "X-Real-IP": reader_ip}

    def _unsecure(self) -> None:
        # Straight to gunicorn is plain HTTP on loopback; nginx would carry these over TLS.
        for cookie in self.session.cookies:
            cookie.secure = False

    def get(self, path: str, **kwargs) -> requests.Response:
        response = self.session.get(
            self.base + path, headers=self.headers, allow_redirects=False, timeout=30, **kwargs
        )
        self._unsecure()
        return response

    def post(self, path: str, data: dict, **kwargs) -> requests.Response:
        data = {**data, "csrfmiddlewaretoken": self.session.cookies.get("csrftoken", "")}
        response = self.session.post(
            self.base + path,
            data=data,
            headers=self.headers,
            allow_redirects=False,
            timeout=60,
            **kwargs,
        )
        self._unsecure()
        return response

    def sign_in(self, username: str, password: str) -> None:
        self.get("/admin/login/")
        response = self.post(
            "/admin/login/?next=/admin/",
            {"username": username, "password": password, "next": "/admin/"},
        )
        assert response.status_code == 302, response.text[:500]
        assert response.headers["Location"] == "/admin/"


def host_browser(hosts: Hosts, site: Site, **kwargs) -> Browser:
    return Browser(site.gunicorn_url, site_url=hosts.nginx, **kwargs)


def story(site: Site, path: str) -> requests.Response:
    return requests.get(site.gunicorn_url + path, timeout=30, allow_redirects=False)


def jpeg(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 700), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def one(site: Site, code: str) -> str:
    return site.shell(code).strip().splitlines()[-1]


def test_each_host_reports_every_part_ok(hosts):
    for site in (hosts.a, hosts.b):
        health = requests.get(site.gunicorn_url + "/healthz", timeout=10)
        assert health.status_code == 200
        assert health.json() == {
            "status": "ok",
            "database": "ok",
            "cache": "ok",
            "storage": "ok",
        }


def test_an_image_uploaded_through_one_host_is_shown_by_the_other(hosts):
    editor = host_browser(hosts, hosts.a)
    editor.sign_in("editor", hosts.a.demo_password)
    section = int(
        one(hosts.a, "from articles.models import Section; print(Section.objects.first().pk)")
    )
    data = story_post_data(
        SimpleNamespace(pk=section),  # the form wants the section's id only
        headline="Second host shows the slipway",
        slug="second-host-slipway",
        lead_image_alt="A slipway at low tide.",
        _publish="Publish",
    )
    data.pop("lead_image_upload", None)
    response = editor.post(
        "/admin/articles/article/add/",
        data,
        files={"lead_image_upload": ("slipway.jpg", jpeg("#3d7ea6"), "image/jpeg")},
    )
    assert response.status_code == 302, response.text[:2000]
    path = one(
        hosts.a,
        "from articles.models import Article; "
        "print(Article.objects.get(slug='second-host-slipway').get_absolute_url())",
    )

    page = story(hosts.b, path)
    assert page.status_code == 200
    assert "Second host shows the slipway" in page.text
    images = re.findall(
        rf'"({re.escape(hosts.s3.url)}/{hosts.bucket}/renditions/[^" ]+)"', page.text
    )
    assert images
    picture = requests.get(images[0], timeout=10)
    assert picture.status_code == 200 and picture.headers["Content-Type"] == "image/jpeg"
    hosts.figures["upload_on_a_seen_on_b"] = True


def _post_comment(browser: Browser, article_id: int, body: str) -> requests.Response:
    token = browser.get(f"/comments/form-token/?article={article_id}").json()
    time.sleep(3.2)  # a form sent sooner than COMMENTS_MIN_SECONDS after it was issued is a bot
    return browser.post(
        f"/comments/post/{article_id}/",
        {
            "name": "Tamsin Harbour",
            "email": "tamsin@example.test",
            "body": body,
            "notify_replies": "",
            "website": "",
            "parent": "",
            "stamp": token["stamp"],
        },
    )


def test_a_comment_posted_through_one_host_is_moderated_through_the_other(hosts):
    path, article_id = next(iter(hosts.a.story_ids().items()))
    reader = host_browser(hosts, hosts.a, reader_ip="198.51.100.71")
    posted = _post_comment(reader, article_id, "Will the slipway be open on Sundays too?")
    assert posted.status_code == 302, posted.text[:1000]
    comment_id, status = one(
        hosts.b,
        "from comments.models import Comment; "
        "c = Comment.objects.get(body__startswith='Will the slipway'); print(c.pk, c.status)",
    ).split()

    moderator = host_browser(hosts, hosts.b)
    moderator.sign_in("moderator", hosts.b.demo_password)
    moderator.get("/admin/comments/comment/")
    action = "approve" if status == "pending" else "mark_spam"
    decided = moderator.post(
        "/admin/comments/comment/",
        {"action": action, "_selected_action": comment_id, "index": "0"},
    )
    assert decided.status_code == 302, decided.text[:1000]

    expected = "approved" if action == "approve" else "spam"
    status_now = one(
        hosts.a,
        f"from comments.models import Comment; print(Comment.objects.get(pk={comment_id}).status)",
    )
    assert status_now == expected
    shown = "Will the slipway be open on Sundays too?" in story(hosts.a, path).text
    assert shown == (action == "approve"), "host A shows a page from before the decision"
    hosts.figures["comment_on_a_moderated_on_b"] = action
    hosts.figures["acknowledged_comments_lost"] = 0


def test_the_flood_limit_counts_across_both_hosts(hosts):
    article_id = list(hosts.a.story_ids().values())[1]
    first = _post_comment(
        host_browser(hosts, hosts.a, reader_ip="198.51.100.72"), article_id, "First from the quay."
    )
    second = _post_comment(
        host_browser(hosts, hosts.b, reader_ip="198.51.100.72"),
        article_id,
        "Second, too soon, via B.",
    )
    assert first.status_code == 302
    assert second.status_code == 429
    assert "commenting too quickly" in second.text


def _kill_host(site: Site) -> None:
    for pid in [*site.worker_pids(), site.gunicorn_pid]:
        os.kill(pid, signal.SIGKILL)


def test_under_load_a_host_dies_and_redis_restarts_without_a_5xx_or_stale_page(hosts):
    stories = list(hosts.a.story_ids())[:4]
    urls = ["/", *stories, "/feed/", "/healthz"]
    statuses: list[int] = []
    failures: list[str] = []
    slow_after_kill: list[float] = []
    lock = threading.Lock()
    stop = threading.Event()
    killed_at: list[float] = []

    def load(worker: int) -> None:
        n = worker
        while not stop.is_set():
            started = time.monotonic()
            try:
                response = requests.get(hosts.nginx + urls[n % len(urls)], verify=False, timeout=30)  # noqa: S501 (ours, self-signed)
                status = response.status_code
            except requests.RequestException as error:
                status = 0
                with lock:
                    failures.append(type(error).__name__)
            took = time.monotonic() - started
            with lock:
                statuses.append(status)
                if killed_at and started - killed_at[0] < 3:
                    slow_after_kill.append(took)
            n += 1

    threads = [threading.Thread(target=load, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(3)
        killed_at.append(time.monotonic())
        _kill_host(hosts.b)
        time.sleep(3)
        hosts.redis.stop()
        time.sleep(3)
        # A change while Redis is down, through the host still alive.
        hosts.a.shell(
            "from articles.models import Article; "
            f"a = Article.objects.get(slug='{stories[0].rstrip('/').rsplit('/', 1)[-1]}'); "
            "a.standfirst = 'Updated while the cache was down.'; a.save()"
        )
        time.sleep(2)
        hosts.redis.start()
        time.sleep(3)
    finally:
        stop.set()
        for thread in threads:
            thread.join()

    # The app's copy of the story (nginx keeps its own for the max-age, by design).
    time.sleep(1.5)  # past NEWSROOM_CACHE_RETRY_SECONDS: host A talks to Redis again
    fresh = story(hosts.a, stories[0]).text
    stale = 0 if "Updated while the cache was down." in fresh else 1
    server_errors = sum(1 for status in statuses if status >= 500)
    hosts.figures.update(
        {
            "requests": len(statuses),
            "server_errors": server_errors,
            "connection_failures": len(failures),
            "stale_pages_after_redis_returned": stale,
            "failover_worst_request_seconds": round(max(slow_after_kill, default=0.0), 3),
        }
    )
    assert server_errors == 0
    assert failures == []
    assert stale == 0
    assert len(statuses) > 50
