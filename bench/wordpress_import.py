"""Time `manage.py import_wordpress` on 10,000 posts and 100,000 comments, into a fresh SQLite.

    NEWSROOM_DEBUG=1 .venv/bin/python bench/wordpress_import.py [POSTS] [COMMENTS_PER_POST]

Writes the same fictional export as bench/wordpress_parse.py into a temporary folder,
migrates a new SQLite database there (DATABASE_URL and MEDIA_ROOT point into the folder, so
nothing else is touched), imports the export once, then again to time a run that finds
nothing changed, and prints the row counts, times and peak memory. Set DATABASE_URL to an
empty PostgreSQL database to measure that instead.

Measured on the shared 2-core development machine (load average 2-3), November 2026, SQLite:
99 MB export; first import of 10,000 stories and 100,000 comments (with their moderation-log
lines, bylines, tags, redirects and sources) 325 s (5.4 min), including about 20 s of parsing;
second import, nothing changed, 14 s; peak memory 164 MB. PostgreSQL 15 on the same machine
(over TCP), 1,000 posts and 10,000 comments: 51 s, so about 8-9 minutes for the full size;
the time goes to round trips (some twenty small queries per story), not to the comments,
which are written in a handful of batches per story.
"""

from __future__ import annotations

import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

FOLDER = Path(tempfile.mkdtemp(prefix="newsroom-import-bench-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{FOLDER / 'bench.sqlite3'}")
os.environ["MEDIA_ROOT"] = str(FOLDER / "media")
sys.path.insert(0, str(Path(__file__).resolve().parent))

# Sets up Django with the environment above and holds the export generator.
import wordpress_parse  # noqa: E402
from django.core.management import call_command  # noqa: E402

from articles.models import Article  # noqa: E402
from comments.models import Comment  # noqa: E402


def main() -> None:
    posts = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    comments_per_post = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    call_command("migrate", verbosity=0)
    path = FOLDER / "export.xml"
    with path.open("w", encoding="utf-8") as file:
        file.write(wordpress_parse.HEAD)
        for number in range(1, posts + 1):
            file.write(wordpress_parse.post(number, comments_per_post))
        file.write("</channel></rss>\n")
    print(f"export: {path.stat().st_size / 1e6:.1f} MB, database: {os.environ['DATABASE_URL']}")

    for run in ("first import", "second import (nothing changed)"):
        out = io.StringIO()
        started = time.perf_counter()
        call_command("import_wordpress", str(path), stdout=out)
        elapsed = time.perf_counter() - started
        summary = [line for line in out.getvalue().splitlines() if line.startswith("  ")][:4]
        print(f"{run}: {elapsed:.0f} s ({elapsed / 60:.1f} min)")
        for line in summary:
            print(f"  {line.strip()}")
    print(f"rows: {Article.objects.count():,} stories, {Comment.objects.count():,} comments")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MB; files in {FOLDER} (delete when done)")


if __name__ == "__main__":
    main()
