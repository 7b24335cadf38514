"""gunicorn settings for `make run` and production; every value can come from the environment."""

import os

bind = os.environ.get("NEWSROOM_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("NEWSROOM_THREADS", "4"))
# gthread workers keep a slow client from occupying a whole process; nginx buffers the rest.
worker_class = "gthread"
timeout = int(os.environ.get("NEWSROOM_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak can never take the site down.
max_requests = int(os.environ.get("NEWSROOM_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
accesslog = os.environ.get("NEWSROOM_ACCESS_LOG", "-")
errorlog = "-"
wsgi_app = "newsroom.wsgi:application"
forwarded_allow_ips = os.environ.get("NEWSROOM_FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 25+ opens a control socket at one path per user by default, so two sites on one
# machine (the reliability battery, the benchmark, a second instance) would take it from each
# other; each can name its own. Older gunicorn ignores the setting.
if os.environ.get("NEWSROOM_CONTROL_SOCKET"):
    control_socket = os.environ["NEWSROOM_CONTROL_SOCKET"]
