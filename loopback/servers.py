"""Newsroom as production runs it, on loopback: gunicorn from `gunicorn.conf.py` and nginx from
`deploy/nginx-newsroom.conf`, for the live tests, the reliability battery and the benchmark.

The nginx site file is the one we ship, adapted only where a test machine must differ (ports,
paths, a self-signed certificate for `localhost`); each adaptation is checked to have applied,
so a change to the shipped file that the battery no longer exercises fails loudly instead.
"""

from __future__ import annotations

import http.client
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent
NGINX_SITE = ROOT / "deploy" / "nginx-newsroom.conf"
# Debian's libnginx-mod-http-cache-purge: the site file's purge server needs it.
CACHE_PURGE_MODULE = Path("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so")
HOST = "localhost"


class ServerError(RuntimeError):
    """A server did not start or stop as expected; the message carries its log."""


# Several people may start sites side by side on one machine, each given a range of ports:
# NEWSROOM_LOOPBACK_PORTS=18500-18599 makes every server started here take its ports from it
# (the next free one, in turn); unset, the system picks any free port.
_PORT_RANGE = os.environ.get("NEWSROOM_LOOPBACK_PORTS", "")
_next_port = [0]


def free_port() -> int:
    if _PORT_RANGE:
        low, _, high = _PORT_RANGE.partition("-")
        first, last = int(low), int(high or low)
        for _ in range(last - first + 1):
            port = first + _next_port[0] % (last - first + 1)
            _next_port[0] += 1
            with socket.socket() as sock:
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    continue  # taken: try the next one
                return port
        raise ServerError(f"No free port in NEWSROOM_LOOPBACK_PORTS={_PORT_RANGE}.")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def fetch(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 10.0,
    source_address: str | None = None,
) -> Response:
    """One request on a fresh connection; redirects are not followed and certificates not
    checked (ours is self-signed). Host is sent as the URL names it, so SNI and the Host header
    agree as they would for a reader. `source_address` (e.g. 127.0.1.7: all of 127.0.0.0/8 is
    loopback on Linux) makes the request come from another reader's address."""
    scheme, rest = url.split("://", 1)
    netloc, _, path = rest.partition("/")
    conn = connect(f"{scheme}://{netloc}", timeout=timeout, source_address=source_address)
    try:
        conn.request(method, "/" + path, body=body, headers=headers or {})
        raw = conn.getresponse()
        return Response(raw.status, raw.headers, raw.read())
    finally:
        conn.close()


def insecure_tls_context() -> ssl.SSLContext:
    """TLS that does not check the certificate: ours is self-signed, made for the test."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def connect(
    base_url: str, *, timeout: float = 10.0, source_address: str | None = None
) -> http.client.HTTPConnection:
    """An unopened connection to `base_url` (scheme://host:port), optionally from a given
    loopback address; certificates are not checked (ours is self-signed)."""
    scheme, netloc = base_url.split("://", 1)
    host, _, port = netloc.partition(":")
    source = (source_address, 0) if source_address else None
    if scheme == "https":
        return http.client.HTTPSConnection(
            host,
            int(port or 443),
            timeout=timeout,
            context=insecure_tls_context(),
            source_address=source,
        )
    return http.client.HTTPConnection(host, int(port or 80), timeout=timeout, source_address=source)


def _wait_until(ready: Callable[[], bool], what: str, timeout: float, log: Path | None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-4000:] if log and log.exists() else ""
    raise ServerError(f"{what} did not come up within {timeout:.0f} s.\n{tail}")


@dataclass
class Site:
    """A production-configured copy of Newsroom in `workdir`, served on loopback.

    SQLite in the work directory unless `database_url` names a PostgreSQL database (which the
    caller creates). Use as a context manager, or call `stop()`.
    """

    workdir: Path
    database_url: str = ""
    workers: int = 2
    threads: int = 4
    extra_env: dict[str, str] = field(default_factory=dict)
    nginx_access_log: bool = True
    # The shipped per-address limits on sign-in and comment POSTs. Off only for the battery's
    # scanners, which test how the app answers injection through one address; the limits
    # themselves have their live test (tests/test_live_signin.py).
    nginx_rate_limits: bool = True
    gunicorn_port: int = field(default_factory=free_port)
    # Other app hosts' gunicorn ports, put beside this one's in nginx's upstream (a pair of
    # hosts behind one nginx, tests/test_two_hosts.py).
    other_app_ports: list[int] = field(default_factory=list)
    https_port: int = field(default_factory=free_port)
    http_port: int = field(default_factory=free_port)
    purge_port: int = field(default_factory=free_port)
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(50))
    # The nginx binary; a test points it elsewhere to prove a failed start leaks nothing.
    nginx: str = field(default_factory=lambda: shutil.which("nginx") or "/usr/sbin/nginx")
    # The demo accounts (editor, writer, moderator) sign in with this.
    demo_password: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    _gunicorn: subprocess.Popen | None = field(default=None, init=False, repr=False)
    _nginx: subprocess.Popen | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.workdir = Path(self.workdir).resolve()
        self.workdir.mkdir(parents=True, exist_ok=True)
        # nginx's workers read static and media files; a mkdtemp() folder is 0700.
        self.workdir.chmod(0o755)
        if not self.database_url:
            self.database_url = f"sqlite:///{self.workdir / 'newsroom.sqlite3'}"

    # --- Configuration ----------------------------------------------------------------------

    @property
    def sqlite_path(self) -> Path | None:
        prefix = "sqlite:///"
        return (
            Path(self.database_url[len(prefix) :]) if self.database_url.startswith(prefix) else None
        )

    @property
    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("NEWSROOM_", "DJANGO_")) and key not in {"DATABASE_URL", "PORT"}
        }
        env.update(
            {
                "NEWSROOM_DEBUG": "0",
                "NEWSROOM_SECRET_KEY": self.secret_key,
                "NEWSROOM_ALLOWED_HOSTS": f"{HOST},127.0.0.1",
                "NEWSROOM_SITE_URL": f"https://{HOST}:{self.https_port}",
                "NEWSROOM_CSRF_TRUSTED_ORIGINS": f"https://{HOST}:{self.https_port}",
                "NEWSROOM_BEHIND_PROXY": "1",
                # nginx's port-80 server redirects to HTTPS; clients that talk to gunicorn
                # directly (load tests, the benchmark's baseline) stay on plain HTTP.
                "NEWSROOM_SSL_REDIRECT": "0",
                "DATABASE_URL": self.database_url,
                "NEWSROOM_CACHE_DIR": str(self.workdir / "cache"),
                "NEWSROOM_STATIC_ROOT": str(self.workdir / "static"),
                "MEDIA_ROOT": str(self.workdir / "media"),
                "EMAIL_URL": "console://",
                "NEWSROOM_DEMO_PASSWORD": self.demo_password,
                "NEWSROOM_REQUIRE_2FA": "0",  # demo sign-ins; tests/test_live_signin.py proves 2FA
                "NEWSROOM_BIND": f"127.0.0.1:{self.gunicorn_port}",
                "WEB_CONCURRENCY": str(self.workers),
                "NEWSROOM_THREADS": str(self.threads),
                "NEWSROOM_ACCESS_LOG": str(self.workdir / "gunicorn-access.log"),
                # Its own control socket, so sites started side by side do not collide.
                "NEWSROOM_CONTROL_SOCKET": str(self.workdir / "gunicorn.ctl"),
                "NEWSROOM_LOG_LEVEL": "WARNING",
                # Taking a story down empties nginx's copy at once, as in production.
                "NEWSROOM_EDGE_PURGE_URLS": self.nginx_purge_url,
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a management command against this site's database and settings."""
        result = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if check and result.returncode != 0:
            raise ServerError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result

    def shell(self, code: str) -> str:
        """Run Python inside this site's Django (`manage.py shell -c`) and return what it
        printed: how the battery reads the database back without guessing its engine."""
        return self.manage("shell", "--no-imports", "-c", code).stdout

    def story_ids(self) -> dict[str, int]:
        """Every story a reader can see, newest first: its address and its id."""
        out = self.shell(
            "from articles.models import Article\n"
            "for a in Article.objects.published().order_by('-published_at', '-pk'):\n"
            "    print(a.pk, a.get_absolute_url())"
        )
        pairs = (line.split(" ", 1) for line in out.splitlines() if line.strip())
        return {path: int(pk) for pk, path in pairs}

    def set_moderation_limits(self, **limits: int | None) -> None:
        """Change the moderators' limits (the admin's one-row model), e.g. to let a load test
        post more than a reader may."""
        assignments = "".join(f"row.{name} = {value!r}\n" for name, value in limits.items())
        self.shell(
            "from comments.models import ModerationLimits\n"
            "row = ModerationLimits.objects.filter(pk=1).first() or ModerationLimits()\n"
            f"{assignments}row.save()"
        )

    def prepare(self, *, demo: bool = True) -> None:
        """Migrate, collect static files and (by default) load the demo content."""
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        (self.workdir / "media").mkdir(exist_ok=True)
        if demo:
            self.manage("load_demo")

    # --- gunicorn ---------------------------------------------------------------------------

    @property
    def gunicorn_url(self) -> str:
        return f"http://127.0.0.1:{self.gunicorn_port}"

    def start_gunicorn(self, timeout: float = 30) -> None:
        log = self.workdir / "gunicorn.log"
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self._gunicorn = subprocess.Popen(
            [str(gunicorn), "--config", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT,
            env=self.env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )

        def ready() -> bool:
            if self._gunicorn is not None and self._gunicorn.poll() is not None:
                raise ServerError(f"gunicorn exited:\n{log.read_text(errors='replace')[-4000:]}")
            return fetch(self.gunicorn_url + "/healthz", timeout=2).status == 200

        _wait_until(ready, "gunicorn", timeout, log)
        _wait_until(
            lambda: len(self.worker_pids()) == self.workers, "gunicorn workers", timeout, log
        )

    @property
    def gunicorn_pid(self) -> int:
        if self._gunicorn is None:
            raise ServerError("gunicorn is not running.")
        return self._gunicorn.pid

    def worker_pids(self) -> list[int]:
        """The gunicorn master's live worker processes (their parent is the master)."""
        master = self.gunicorn_pid
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # fields[0] is the state, fields[1] the parent; a zombie is already gone.
            if int(fields[1]) == master and fields[0] != "Z":
                pids.append(int(stat.parent.name))
        return sorted(pids)

    def restart_workers(self, timeout: float = 30) -> None:
        """Replace every worker with a fresh one (SIGHUP to the master), e.g. so a memory
        measurement starts from a worker no earlier request has grown."""
        old = set(self.worker_pids())
        os.kill(self.gunicorn_pid, signal.SIGHUP)

        def fresh() -> bool:
            pids = set(self.worker_pids())
            return len(pids) == self.workers and not pids & old

        _wait_until(fresh, "fresh gunicorn workers", timeout, self.workdir / "gunicorn.log")
        _wait_until(
            lambda: fetch(self.gunicorn_url + "/healthz", timeout=2).status == 200,
            "gunicorn after a restart",
            timeout,
            self.workdir / "gunicorn.log",
        )

    def gunicorn_access_log(self) -> str:
        path = self.workdir / "gunicorn-access.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def gunicorn_log(self) -> str:
        path = self.workdir / "gunicorn.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # --- nginx ------------------------------------------------------------------------------

    @property
    def nginx_url(self) -> str:
        return f"https://{HOST}:{self.https_port}"

    @property
    def nginx_http_url(self) -> str:
        return f"http://{HOST}:{self.http_port}"

    @property
    def nginx_purge_url(self) -> str:
        return f"http://127.0.0.1:{self.purge_port}"

    def nginx_site_config(self) -> str:
        """deploy/nginx-newsroom.conf with loopback ports, this site's paths and certificate."""
        nginx_dir = self.workdir / "nginx"
        text = NGINX_SITE.read_text()
        replacements = [
            ("/var/cache/nginx/newsroom", str(nginx_dir / "cache")),
            (
                "server 127.0.0.1:8000;",
                " ".join(
                    f"server 127.0.0.1:{port};"
                    for port in [self.gunicorn_port, *self.other_app_ports]
                ),
            ),
            ("/etc/letsencrypt/live/news.example.org/fullchain.pem", str(nginx_dir / "cert.pem")),
            ("/etc/letsencrypt/live/news.example.org/privkey.pem", str(nginx_dir / "key.pem")),
            ("server_name news.example.org;", f"server_name {HOST};"),
            ("/srv/newsroom/var/static/", f"{self.workdir / 'static'}/"),
            ("/srv/newsroom/var/media/", f"{self.workdir / 'media'}/"),
            ("listen 80 default_server;", f"listen 127.0.0.1:{self.http_port} default_server;"),
            (
                "listen 443 ssl default_server;",
                f"listen 127.0.0.1:{self.https_port} ssl default_server;",
            ),
            ("listen 80;", f"listen 127.0.0.1:{self.http_port};"),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{self.https_port} ssl http2;"),
            ("listen 127.0.0.1:8081;", f"listen 127.0.0.1:{self.purge_port};"),
        ]
        for old, new in replacements:
            if old not in text:
                raise ServerError(f"deploy/nginx-newsroom.conf no longer contains {old!r}.")
            text = text.replace(old, new)
        lines = text.splitlines()
        if not self.nginx_rate_limits:
            limits = [line for line in lines if line.strip().startswith("limit_req zone=")]
            if not limits:
                raise ServerError("deploy/nginx-newsroom.conf no longer has limit_req lines.")
            lines = [line for line in lines if line not in limits]
        # Loopback tests listen on IPv4 only; the machine may have no IPv6 at all.
        return "\n".join(line for line in lines if "listen [::]" not in line) + "\n"

    def _write_nginx(self) -> Path:
        nginx_dir = self.workdir / "nginx"
        for sub in ("cache", "temp"):
            (nginx_dir / sub).mkdir(parents=True, exist_ok=True)
        if not (nginx_dir / "cert.pem").exists():
            subprocess.run(
                [
                    "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}",
                    "-keyout", str(nginx_dir / "key.pem"), "-out", str(nginx_dir / "cert.pem"),
                ],
                check=True,
                capture_output=True,
            )  # fmt: skip
        (nginx_dir / "site.conf").write_text(self.nginx_site_config())
        temp = nginx_dir / "temp"
        access = (
            f"access_log {nginx_dir / 'access.log'};"
            if self.nginx_access_log
            else "access_log off;"
        )
        # As root, nginx's workers would switch to `nobody`; keep them as the test's user so
        # they can read the work directory and write the cache.
        user = "user root;" if os.geteuid() == 0 else ""
        main = f"""
{user}
load_module {CACHE_PURGE_MODULE};
worker_processes {max(os.cpu_count() or 1, 1)};
pid {nginx_dir / "nginx.pid"};
error_log {nginx_dir / "error.log"} warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    {access}
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {nginx_dir / "site.conf"};
}}
"""
        conf = nginx_dir / "nginx.conf"
        conf.write_text(main)
        return conf

    def start_nginx(self, timeout: float = 15) -> None:
        nginx = self.nginx
        if not Path(nginx).exists():
            raise ServerError(f"nginx is not installed at {nginx}: `make test` installs it.")
        if not CACHE_PURGE_MODULE.exists():
            raise ServerError(
                f"nginx's cache purge module is not at {CACHE_PURGE_MODULE}: `make test` "
                "installs it (libnginx-mod-http-cache-purge)."
            )
        conf = self._write_nginx()
        prefix = str(self.workdir / "nginx")
        error_log = self.workdir / "nginx" / "error.log"
        test = subprocess.run(
            [nginx, "-t", "-q", "-p", prefix, "-c", str(conf), "-e", str(error_log)],
            capture_output=True,
            text=True,
            check=False,
        )
        if test.returncode != 0:
            raise ServerError(f"nginx rejected the configuration:\n{test.stderr}")
        self._nginx = subprocess.Popen(
            [nginx, "-p", prefix, "-c", str(conf), "-e", str(error_log), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=(self.workdir / "nginx" / "stderr.log").open("ab"),
        )
        _wait_until(
            lambda: fetch(self.nginx_url + "/healthz", timeout=2).status == 200,
            "nginx",
            timeout,
            error_log,
        )

    # --- Lifecycle --------------------------------------------------------------------------

    def start(self, *, gunicorn_timeout: float = 30) -> Site:
        """gunicorn, then nginx in front. If either fails to come up, whatever did start is
        stopped before the error propagates: a failed start leaves no server behind."""
        try:
            self.start_gunicorn(timeout=gunicorn_timeout)
            self.start_nginx()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for proc, sig in ((self._nginx, signal.SIGQUIT), (self._gunicorn, signal.SIGTERM)):
            if proc is None or proc.poll() is not None:
                continue
            proc.send_signal(sig)
            try:
                proc.wait(timeout=25)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._nginx = self._gunicorn = None

    def __enter__(self) -> Site:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def fresh_database(server_url: str, suffix: str) -> str:
    """A new, empty PostgreSQL database `<name>_<suffix>` on the server `server_url` names
    (dropped first if a previous run left it), so the battery can run again and again."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(server_url)
    name = f"{parts.path.lstrip('/') or 'newsroom'}_{suffix}"
    admin = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))
