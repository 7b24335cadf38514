"""Instructions and queries per request, through the production WSGI stack, one page at a time.

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.%p \\
        .venv/bin/python bench/instructions.py [--requests N] [--only NAME ...]
    .venv/bin/python bench/instructions.py --hello         # Django's hello world
    .venv/bin/python bench/instructions.py --profile NAME  # cProfile of one page
    .venv/bin/python bench/instructions.py --each-middleware  # the trivial view, less each

Wall-clock benchmarks on a shared machine measure the neighbours as much as the code; the
number of instructions a request executes does not. Run under callgrind, this script counts
only the measured requests of each page (instrumentation is switched on around them through
valgrind's client requests, so Django's start-up and the warm-up requests are not counted) and
prints instructions per request; without valgrind it prints CPU time per request instead. Both
runs print the number of SQL queries each page makes.

The pages are those of `make bench` on a site `seed_bench` filled and bench/run.py's SETUP
prepared (its newest story has 50 comments, the next 200): the environment names the site as
for `manage.py` (DATABASE_URL, NEWSROOM_CACHE_DIR, NEWSROOM_SECRET_KEY…); NEWSROOM_DEBUG=0 and
NEWSROOM_TEST_ROUTES=1 are set here. Requests go to `django.core.wsgi`'s handler as gunicorn
would send them, and each response is closed (which sends request_finished).
"""

from __future__ import annotations

import argparse
import cProfile
import ctypes
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# valgrind's client requests are C macros; a four-line library makes them callable. Outside
# valgrind they do nothing.
_CALLGRIND_C = r"""
#include <valgrind/callgrind.h>
void measure_start(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; }
void measure_stop(const char *name) {
    CALLGRIND_DUMP_STATS_AT(name); CALLGRIND_STOP_INSTRUMENTATION;
}
"""


def _callgrind() -> Any | None:
    if "valgrind" not in os.environ.get("LD_PRELOAD", ""):
        return None
    folder = Path(tempfile.mkdtemp(prefix="newsroom-callgrind-"))
    source, library = folder / "cg.c", folder / "cg.so"
    source.write_text(_CALLGRIND_C)
    subprocess.run(["gcc", "-shared", "-fPIC", "-O1", str(source), "-o", str(library)], check=True)
    return ctypes.CDLL(str(library))


def _environ(path: str, cookie: str = "") -> dict[str, Any]:
    route, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": route,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_USER_AGENT": "wrk",
        "HTTP_ACCEPT": "*/*",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    return environ


def _requester(application: Callable, path: str, cookie: str = "") -> Callable[[], bytes]:
    def request() -> bytes:
        statuses: list[str] = []
        result = application(_environ(path, cookie), lambda s, h, e=None: statuses.append(s))
        try:
            body = b"".join(result)
        finally:
            result.close()
        if not statuses[0].startswith(("200", "304")):
            raise RuntimeError(f"{path} answered {statuses[0]}")
        return body

    return request


def _site_pages() -> tuple[Callable, list[tuple[str, str, str]]]:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "NEWSROOM_DEBUG": "0",
            "NEWSROOM_TEST_ROUTES": "1",
            "NEWSROOM_SSL_REDIRECT": "0",
        }
    )
    os.environ.setdefault("NEWSROOM_ALLOWED_HOSTS", "127.0.0.1,localhost")
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    from articles.models import Article
    from comments.cookies import OWN_COMMENTS_COOKIE

    # bench/run.py's SETUP gave the newest live story 50 comments and the next one 200.
    story50, story200 = Article.objects.published().order_by("-published_at", "-pk")[:2]
    miss = f"{OWN_COMMENTS_COOKIE}=bench"
    tag = story50.tags.first()
    pages = [
        ("trivial", "/bench/trivial/", ""),
        ("plain", f"/bench/plain/{story50.pk}/", ""),
        ("story50-hit", story50.get_absolute_url(), ""),
        ("story50-miss", story50.get_absolute_url(), miss),
        ("story200-miss", story200.get_absolute_url(), miss),
        ("front-hit", "/", ""),
        ("front-miss", "/", miss),
        ("section-miss", story50.section.get_absolute_url(), miss),
        ("tag-miss", f"/tag/{tag.slug}/" if tag else "/", miss),
        ("feed-miss", "/feed/", miss),
    ]
    return application, pages


def _without_each_middleware() -> list[tuple[str, Callable[[], bytes]]]:
    """The trivial view through the whole stack, then through ever shorter stacks, the
    innermost middleware left out first: the difference between two lines is what the
    middleware left out costs a request it does not answer. Inside out, because inner ones
    depend on outer ones (authentication on sessions). Each stack is a handler of its own,
    built while settings.MIDDLEWARE holds just that stack."""
    application, _ = _site_pages()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    stack = list(settings.MIDDLEWARE)
    requests = [("all", _requester(application, "/bench/trivial/"))]
    for kept in range(len(stack) - 1, -1, -1):
        settings.MIDDLEWARE = stack[:kept]
        handler = WSGIHandler()
        label = f"-{stack[kept].rsplit('.', 1)[-1]}"
        requests.append((label, _requester(handler, "/bench/trivial/")))
    settings.MIDDLEWARE = stack
    return requests


def _queries(request: Callable[[], bytes]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        request()
    return len(captured)


def _measure(
    pages: Iterable[tuple[str, Callable[[], bytes]]], requests: int, count_queries: bool
) -> None:
    callgrind = _callgrind()
    for name, request in pages:
        for _ in range(3):
            request()  # warm: templates compiled, connections open, the page cached
        queries = _queries(request) if count_queries else None
        if callgrind is not None:
            callgrind.measure_start()
        start = time.process_time()
        for _ in range(requests):
            request()
        cpu_ms = (time.process_time() - start) * 1000 / requests
        if callgrind is not None:
            callgrind.measure_stop(name.encode())
        shown = "" if queries is None else f"  {queries:>3} queries"
        print(f"{name:<16} {cpu_ms:>8.3f} ms CPU/request{shown}", flush=True)


def _profile(request: Callable[[], bytes], requests: int) -> None:
    for _ in range(3):
        request()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        request()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(60)
    print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--only", nargs="*", help="page names to measure (default: all)")
    parser.add_argument("--hello", action="store_true", help="Django's hello world instead")
    parser.add_argument("--profile", metavar="NAME", help="cProfile this page's requests")
    parser.add_argument(
        "--each-middleware",
        action="store_true",
        help="the trivial view through the whole stack, then without each middleware in turn",
    )
    options = parser.parse_args()
    if options.each_middleware:
        _measure(_without_each_middleware(), options.requests, False)
        return
    if options.hello:
        from loopback.hello import application

        _measure([("hello", _requester(application, "/bench/trivial/"))], options.requests, False)
        return
    application, pages = _site_pages()
    chosen = [
        (name, _requester(application, path, cookie))
        for name, path, cookie in pages
        if not options.only or name in options.only
    ]
    if options.profile:
        _profile(dict(chosen)[options.profile], options.requests)
        return
    _measure(chosen, options.requests, count_queries=True)


if __name__ == "__main__":
    main()
