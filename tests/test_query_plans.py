"""Every listing and lookup a page runs can use an index, on SQLite and on PostgreSQL.

Each page is requested for real and every query it runs against the big tables (stories,
bylines, tags, comments) is explained. On PostgreSQL sequential scans are switched off for the
EXPLAIN, so a remaining `Seq Scan` means no index could serve the query at all (with the
planner's statistics a tiny test table would be scanned whatever the indexes). SQLite has no
such switch; without ANALYZE statistics (as on a production SQLite file that never ran it) its
planner takes any usable index, so a bare `SCAN <table>` there also means none could be used.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article
from comments.models import Comment
from comments.threads import conversations
from newsroom.invalidation import reschedule

pytestmark = pytest.mark.django_db

BIG_TABLES = {
    "articles_article",
    "articles_articleauthor",
    "taggit_taggeditem",
    "comments_comment",
}


def _explain_sqlite(sql: str) -> list[str]:
    """The plan's lines that read a big table without an index ("SCAN comments_comment")."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        details = [row[-1] for row in cursor.fetchall()]
    bare = []
    for detail in details:
        words = detail.split()
        big = words[:1] == ["SCAN"] and len(words) > 1 and words[1] in BIG_TABLES
        if big and "USING INDEX" not in detail and "USING COVERING INDEX" not in detail:
            bare.append(detail)
    return bare


def _seq_scans(plan: dict) -> list[str]:
    found = []
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in BIG_TABLES:
        found.append(f"Seq Scan on {plan['Relation Name']}")
    for child in plan.get("Plans", []):
        found += _seq_scans(child)
    return found


def _explain_postgresql(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            (plan,) = cursor.fetchone()
        finally:
            cursor.execute("RESET enable_seqscan")
    if isinstance(plan, str):
        plan = json.loads(plan)
    return _seq_scans(plan[0]["Plan"])


def unindexed_reads(sql: str) -> list[str]:
    if connection.vendor == "postgresql":
        return _explain_postgresql(sql)
    return _explain_sqlite(sql)


@pytest.fixture
def big_site() -> None:
    call_command(
        "seed_bench", "--stories", "400", "--comments", "3000", "--years", "3", stdout=StringIO()
    )
    if connection.vendor == "sqlite":
        # seed_bench leaves statistics behind; with them SQLite rightly scans tables this
        # small, which says nothing about 100,000 stories. Forget them (see the docstring).
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM sqlite_stat1")
            cursor.execute("ANALYZE sqlite_schema")


def _pages(moderator_client: Client, editor_client: Client) -> dict[str, tuple[Client, str]]:
    story = (
        Article.objects.published()
        .filter(comments__status="approved")
        .order_by("-published_at")
        .first()
    )
    local = timezone.localtime(story.published_at)
    tag = Tag.objects.filter(taggit_taggeditem_items__object_id=story.pk).first()
    anonymous = Client()
    return {
        "front page": (anonymous, reverse("home")),
        "front page, page 2": (anonymous, reverse("home") + "?page=2"),
        "section": (anonymous, story.section.get_absolute_url()),
        "tag": (anonymous, reverse("articles:tag", kwargs={"slug": tag.slug})),
        "author": (anonymous, story.bylines[0].get_absolute_url()),
        "month archive": (
            anonymous,
            reverse("articles:month", kwargs={"year": local.year, "month": f"{local:%m}"}),
        ),
        "year archive": (anonymous, reverse("articles:year", kwargs={"year": local.year})),
        "story by slug and month, with its comments": (anonymous, story.get_absolute_url()),
        "search": (anonymous, reverse("search") + "?q=" + story.headline.split()[0]),
        "feed": (anonymous, reverse("feed")),
        "moderation queue": (moderator_client, reverse("moderation:queue")),
        "admin story list": (editor_client, reverse("admin:articles_article_changelist")),
    }


def test_every_listing_and_lookup_can_use_an_index(big_site, moderator_client, editor_client):
    assert Article.objects.count() == 400 and Comment.objects.count() == 3000
    problems: dict[str, list[str]] = {}
    explained = 0
    for name, (client, url) in _pages(moderator_client, editor_client).items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, url)
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            if not any(table in sql for table in BIG_TABLES):
                continue
            explained += 1
            for line in unindexed_reads(sql):
                problems.setdefault(name, []).append(f"{line}\n    in: {sql[:300]}")
    assert explained >= 30  # the pages really ran their listings
    assert not problems, "\n".join(
        f"{page}:\n  " + "\n  ".join(lines) for page, lines in problems.items()
    )


def test_the_page_cache_finds_the_next_scheduled_moment_through_indexes(big_site):
    """Every story or campaign change looks up the next scheduled story, comment closing time
    and campaign start or end: that must not read every story."""
    Article.objects.filter(pk__in=Article.objects.published().values("pk")[:3]).update(
        comments_close_at=timezone.now() + timezone.timedelta(days=2)
    )
    with CaptureQueriesContext(connection) as queries:
        reschedule()
    selects = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(selects) == 4
    for sql in selects:
        assert not unindexed_reads(sql), sql


def test_the_plan_reader_notices_a_full_scan():
    """The check above is only as good as this: a read no index serves is caught, on either
    database, and a primary-key lookup is not."""
    assert unindexed_reads("SELECT id FROM comments_comment WHERE body LIKE '%harbour%'")
    assert not unindexed_reads("SELECT body FROM comments_comment WHERE id = 7")


def test_a_storys_top_level_comments_are_found_through_the_story_not_every_thread(big_site):
    """SQLite's statistics count only non-null values, so with a production site's numbers
    (a million comments, five replies per parent, twelve comments per story) `parent IS NULL`
    looks more selective than the story and its planner walked every root comment on the
    site: 300 ms per comment-area render. The (article, parent) index serves both terms."""
    story = Article.objects.published().first()
    sql, params = conversations(story).query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
            cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'comments_comment'")
            cursor.executemany(
                "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('comments_comment', %s, %s)",
                [
                    ("comments_comment_parent_id_3e0802fb", "1000000 5"),
                    ("comments_comment_article_id_94fe60a2", "1000000 12"),
                    ("comment_roots_idx", "1000000 12 10"),
                ],
            )
            cursor.execute("ANALYZE sqlite_schema")  # reload the statistics
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "comment_roots_idx" in plan, plan
        else:
            indexes = connection.introspection.get_constraints(cursor, "comments_comment")
            assert indexes["comment_roots_idx"]["columns"] == ["article_id", "parent_id"]
