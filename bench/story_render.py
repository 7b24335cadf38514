"""Time (and optionally profile) one story page render with 200 comments, cache bypassed.

    .venv/bin/python bench/story_render.py [--profile] [--renders N]

Builds a throwaway SQLite site in a temporary folder with one story carrying 2 authors,
5 tags, 10 sources, 20 figures and 200 approved comments (50 conversations on one page), then
renders the story view directly (no page cache middleware) in production settings and prints
the median of N renders: with the comment fragment cache cold (cleared before each render,
what a render costs after a comment decision) and warm (what a signed-in editor, who always
bypasses the page cache, pays). `--profile` prints cProfile's top functions for a cold render.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.mkdtemp(prefix="newsroom-story-render-"))
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "NEWSROOM_DEBUG": "0",
        "NEWSROOM_SECRET_KEY": "story-render-benchmark-only",
        "NEWSROOM_ALLOWED_HOSTS": "testserver",
        "NEWSROOM_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{WORK / 'db.sqlite3'}",
        "NEWSROOM_CACHE_DIR": str(WORK / "cache"),
        "MEDIA_ROOT": str(WORK / "media"),
    }
)
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import (  # noqa: E402
    Article,
    ArticleAuthor,
    ArticleSource,
    Author,
    Figure,
    Section,
    Source,
)
from articles.views import story  # noqa: E402
from comments.models import Comment  # noqa: E402


def build_story() -> Article:
    section = Section.objects.create(name="Harbour", slug="harbour")
    article = Article(
        headline="Dredging plan for the inner basin is delayed again",
        standfirst="The works were due to start in spring; the council now says autumn.",
        body="".join(
            f"<h2>Part {n}</h2><p>The basin silts up a little more every winter, and the "
            f"pilots say the channel is narrower than the charts show (paragraph {n}).</p>"
            for n in range(12)
        ),
        section=section,
    )
    article.save()
    for position, name in enumerate(["Ines Marlowe", "Tobias Ferrant"]):
        author = Author.objects.create(name=name, slug=name.lower().replace(" ", "-"))
        ArticleAuthor.objects.create(article=article, author=author, position=position)
    article.tags.add("dredging", "council", "pilots", "inner basin", "budget")
    sources = [
        Source.objects.create(
            title=f"Basin survey part {n}",
            publisher="Harbour Board",
            url=f"https://board.example/survey/{n}",
            kind=Source.Kind.DOCUMENT,
        )
        for n in range(10)
    ]
    for item in sources:
        ArticleSource.objects.create(article=article, source=item)
    for n in range(20):
        Figure.objects.create(
            article=article,
            text=f"{n + 1},200",
            value=(n + 1) * 1200,
            unit="tonnes",
            counts="Silt removed",
            source=sources[n % 10],
        )
    article.publish(by=None, at=timezone.now() - timezone.timedelta(hours=3))
    created = timezone.now() - timezone.timedelta(hours=2)
    # 50 conversations (one page) holding all 200 comments: replies, and replies to replies.
    shown: list[Comment] = []
    for n in range(200):
        parent = shown[(n * 7) % len(shown)] if n >= 50 else None
        if parent is not None and parent.depth >= 2:
            parent = parent.parent
        comment = Comment.objects.create(
            article=article,
            parent=parent,
            root=parent.root or parent if parent else None,
            depth=parent.depth + 1 if parent else 0,
            name=f"Reader {n}",
            body=f"Comment {n}: the pilots warned about this at www.pilots.example/notes "
            "two winters ago.\nNobody listened.",
            status=Comment.Status.APPROVED,
            nonce=f"render-{n}",
            created_at=created + timezone.timedelta(seconds=n),
        )
        shown.append(comment)
    return article


def render(article: Article, *, cold: bool) -> float:
    if cold:
        cache.clear()
    request = RequestFactory().get(article.get_absolute_url())
    local = timezone.localtime(article.published_at)
    start = time.perf_counter()
    response = story(request, f"{local.year}", f"{local.month:02d}", article.slug)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200 and b"Reader 199" in response.content
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    # Production settings use the hashed-name manifest (into the project's var/static).
    call_command("collectstatic", interactive=False, verbosity=0)
    article = build_story()
    render(article, cold=True)  # templates compiled, connections open
    cold = [render(article, cold=True) for _ in range(options.renders)]
    warm = [render(article, cold=False) for _ in range(options.renders)]
    print(f"story page, 200 comments, {options.renders} renders each (median):")
    print(f"  comment fragment cold: {statistics.median(cold) * 1000:.1f} ms")
    print(f"  comment fragment warm: {statistics.median(warm) * 1000:.1f} ms")
    if options.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(10):
            render(article, cold=True)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        print(out.getvalue())


if __name__ == "__main__":
    main()
