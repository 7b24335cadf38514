"""The services a site past one machine leans on, started for real on loopback: Redis (Debian's
redis-server) and an S3-compatible server (moto's server mode, from the dev extra).

Each is a context manager that starts its server, waits until it answers, and stops it by its
own pid; `stop()` and `start()` may be called again, so a test can take one away mid-run.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from loopback.servers import ServerError, free_port

REDIS_SERVER = "/usr/bin/redis-server"


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait(ready: object, what: str, log: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():  # type: ignore[operator]
            return
        time.sleep(0.05)
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    raise ServerError(f"{what} did not come up within {timeout:.0f} s.\n{tail}")


class _Process:
    _proc: subprocess.Popen | None = None

    def _stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class RedisServer(_Process):
    """redis-server on 127.0.0.1:`port`, its data in `workdir`. It keeps what it holds across
    a stop and start (a dump on shutdown, read back at start), as a production Redis with
    persistence does: the case where an outage could leave stale pages behind."""

    workdir: Path
    port: int = field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        if not Path(REDIS_SERVER).exists():
            raise ServerError(f"redis-server is not at {REDIS_SERVER}: `make test` installs it.")
        if _port_open(self.port):
            raise ServerError(f"Port {self.port} is taken; redis-server cannot listen there.")
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = self.workdir / "redis.log"
        self._proc = subprocess.Popen(
            [
                REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(self.port),
                "--dir", str(self.workdir), "--dbfilename", "dump.rdb",
                "--save", "3600 1", "--appendonly", "no", "--protected-mode", "yes",
                "--logfile", str(log), "--daemonize", "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        _wait(self._answers, "redis-server", log)
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """SIGTERM: redis-server saves its data and exits, as `systemctl stop` would."""
        self._stop()

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@dataclass
class S3Server(_Process):
    """moto's S3-compatible server on 127.0.0.1:`port`; it keeps buckets in memory."""

    workdir: Path
    port: int = field(default_factory=free_port)
    region: str = "eu-west-2"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> S3Server:
        moto = Path(sys.executable).with_name("moto_server")
        if not moto.exists() and not shutil.which("moto_server"):
            raise ServerError("moto_server is not installed: `make install-dev` installs it.")
        if _port_open(self.port):
            raise ServerError(f"Port {self.port} is taken; moto_server cannot listen there.")
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = self.workdir / "s3.log"
        self._proc = subprocess.Popen(
            [str(moto), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        _wait(lambda: _port_open(self.port), "moto_server", log)
        return self

    def stop(self) -> None:
        self._stop()

    def requests(self) -> list[str]:
        """Every request the server has answered so far, as its log lines ("HEAD /b/k …")."""
        log = self.workdir / "s3.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        return re.findall(r'"((?:GET|HEAD|PUT|POST|DELETE) [^"]*)"', text)

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=self.region,
            aws_access_key_id="newsroom-test",
            aws_secret_access_key="newsroom-test",  # noqa: S106 (moto accepts any)
        )

    def public_bucket(self, name: str) -> str:
        """A bucket whose objects anyone may read (docs/deployment.md shows the same policy),
        written only with the site's credentials."""
        s3 = self.client()
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.region})
        s3.put_bucket_policy(Bucket=name, Policy=json.dumps(public_read_policy(name)))
        return name

    @property
    def env(self) -> dict[str, str]:
        """What a site needs in its environment to use this server."""
        return {
            "NEWSROOM_S3_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": "newsroom-test",
            "AWS_SECRET_ACCESS_KEY": "newsroom-test",
            "NEWSROOM_S3_REGION": self.region,
        }

    def __enter__(self) -> S3Server:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def public_read_policy(bucket: str) -> dict:
    """Anyone may GET an object; nobody but the site's own credentials may list or write."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadersSeeImages",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }
