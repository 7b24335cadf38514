"""Single-request times of the reader pages, page cache bypassed, on whatever site is named.

    DATABASE_URL=postgres://…/site NEWSROOM_CACHE_DIR=… .venv/bin/python bench/pg_pages.py

The issue's PostgreSQL target (every reader page under 50 ms at 100,000 stories) is for one
request at a time, so this asks each page in-process through the production middleware
(bench/instructions.py's WSGI requests), with an own-comments cookie so that the page cache
never answers and the view renders; fragments and listing counts stay warm, as on a running
site. Prints the median wall-clock ms of five after two warm-ups, the SQL ms within it and
the number of queries.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from instructions import _requester, _site_pages


def _pages() -> tuple[Callable, list[tuple[str, str]]]:
    application, _ = _site_pages()
    from articles.models import Article

    story = Article.objects.published().order_by("-published_at", "-pk").first()
    if story is None:
        raise SystemExit("The site has no live story.")
    tag = story.tags.first()
    byline = story.byline_set.first()
    at = story.published_at
    pages = [
        ("front page", "/"),
        ("story", story.get_absolute_url()),
        ("section", story.section.get_absolute_url()),
        ("tag", f"/tag/{tag.slug}/" if tag else "/"),
        ("author", byline.author.get_absolute_url() if byline else "/"),
        ("month archive", f"/{at.year}/{at.month:02d}/"),
        ("year archive", f"/{at.year}/"),
        ("search", "/search/?q=harbour+ferry"),
        ("feed", "/feed/"),
        ("news sitemap", "/news-sitemap.xml"),
    ]
    return application, pages


def main() -> None:
    application, pages = _pages()
    from django.db import connection

    from comments.cookies import OWN_COMMENTS_COOKIE

    sql: list[float] = []

    def timed(execute: Callable, query: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            sql.append(time.perf_counter() - start)

    print(f"{'page':<16} {'ms':>7} {'SQL ms':>7} queries")
    for name, path in pages:
        request = _requester(application, path, f"{OWN_COMMENTS_COOKIE}=bench")
        for _ in range(2):
            request()
        runs: list[tuple[float, float, int]] = []
        for _ in range(5):
            sql.clear()
            with connection.execute_wrapper(timed):
                start = time.perf_counter()
                request()
                runs.append((time.perf_counter() - start, sum(sql), len(sql)))
        total, in_sql, queries = sorted(runs)[2]
        print(f"{name:<16} {total * 1000:>7.1f} {in_sql * 1000:>7.1f} {queries:>7}", flush=True)


if __name__ == "__main__":
    main()
