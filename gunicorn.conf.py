"""gunicorn settings for `make run` and production; every value can come from the environment."""

import os
import resource

bind = os.environ.get("NEWSROOM_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("NEWSROOM_THREADS", "4"))
# gthread workers keep a slow client from occupying a whole process; nginx buffers the rest.
worker_class = "gthread"
# Each worker listens on a socket of its own (SO_REUSEPORT; gunicorn 24+) and the kernel
# spreads new connections over them. On one shared socket whichever worker woke first
# accepted, and under keep-alive it kept them: bench runs found one worker holding 13 to 16
# of 16 connections while the other idled, a third of the site's throughput (and nginx's
# upstream connections go the same way). A worker stopping drops the connections still
# queued on its socket unless the kernel hands them to another (`net.ipv4.tcp_migrate_req=1`,
# docs/deployment.md). Not for a unix socket, whose path only one listener can hold.
reuse_port = not bind.startswith("unix:")
timeout = int(os.environ.get("NEWSROOM_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# A worker is recycled when it grows past NEWSROOM_MAX_WORKER_MB of resident memory (a slow
# leak can never take the site down), or after a million requests as a backstop. A count alone
# (5,000 it was) restarted both workers every few seconds under load: 22 restarts in 3.5
# minutes, each a cold process, which halved what the site served.
max_requests = int(os.environ.get("NEWSROOM_MAX_REQUESTS", "1000000"))
max_requests_jitter = max_requests // 10
MAX_WORKER_MB = int(os.environ.get("NEWSROOM_MAX_WORKER_MB", "400"))
# gunicorn's access log is off by default: nginx in front writes one line per request already,
# so a second line per request is work on the hot path that tells nobody anything new. Set
# NEWSROOM_ACCESS_LOG=- (or a path) to have it, as without nginx.
accesslog = os.environ.get("NEWSROOM_ACCESS_LOG") or None
errorlog = "-"
wsgi_app = "newsroom.wsgi:application"
forwarded_allow_ips = os.environ.get("NEWSROOM_FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 25+ opens a control socket at one path per user by default, so two sites on one
# machine (the reliability battery, the benchmark, a second instance) would take it from each
# other; each can name its own. Older gunicorn ignores the setting.
if os.environ.get("NEWSROOM_CONTROL_SOCKET"):
    control_socket = os.environ["NEWSROOM_CONTROL_SOCKET"]


def post_request(worker, req, environ, resp):  # gunicorn calls it with these four
    """Retire this worker gracefully once it holds more memory than MAX_WORKER_MB.

    Checked every 256 requests: `getrusage` is cheap, but not free at thousands a second.
    """
    worker.newsroom_requests = getattr(worker, "newsroom_requests", 0) + 1
    if worker.newsroom_requests % 256:
        return
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if peak_kb > MAX_WORKER_MB * 1024:
        worker.log.info("Worker %s holds %d MB; recycling it", worker.pid, peak_kb // 1024)
        worker.alive = False
