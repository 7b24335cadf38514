"""Every public page type of the demo outlet passes the Nu HTML Checker with no error; the feeds
parse cleanly; the sitemaps are valid against their schemas (tests/data/schemas/).

The checker is `vnu-jar` from npm (pinned in package.json, `npm ci`) run with Debian's Java
(`default-jre-headless`, system-packages.txt): one Java process over every saved page, since
starting the JVM is most of its cost.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from articles.archive import archive_months
from articles.models import Article, Author, Metric, Person, Section, Source
from comments.models import Comment
from tests.factories import CommentFactory, published_article, reply_to

pytestmark = pytest.mark.django_db

VNU = settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCHEMAS = Path(__file__).parent / "data" / "schemas"
# Rendering the pages and checking them in one JVM: about 15 s here (the demo's load, about
# 25 to 40 s on a shared machine, comes first, once for the module).
CHECK_SECONDS = 60
BROKEN_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Control</title></head>'
    '<body><p><time datetime="2021-03-04T09:30:00.123456+00:00">4 March</time></p></body>'
    "</html>"
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[None]:
    """The demo outlet, loaded once for this module's tests and rolled back after them."""
    folder = tmp_path_factory.mktemp("demo")
    local_cache = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with (
        django_db_blocker.unblock(),
        pytest.MonkeyPatch.context() as patch,
        override_settings(MEDIA_ROOT=folder / "media", CACHES=local_cache),
        transaction.atomic(),
    ):
        patch.setenv("NEWSROOM_DEMO_PASSWORD", "harbour-demo-pass")
        with (folder / "demo.log").open("w") as log:
            call_command("load_demo", stdout=log)
        yield
        transaction.set_rollback(True)


def _get(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def public_pages(client: Client) -> dict[str, str]:
    """Every kind of public page the demo has, by a readable name, as served."""
    live = Article.objects.published()
    stories = list(live.newest_first())
    assert len(stories) >= 10
    commented = stories[0]
    comment = CommentFactory(article=commented, status=Comment.Status.APPROVED)
    reply_to(comment, status=Comment.Status.APPROVED)

    pages = {"front": "/", "front page 2": "/?page=2", "corrections": "/corrections/"}
    pages |= {"support": "/support/", "search": "/search/?q=harbour", "empty search": "/search/"}
    pages["search finding nothing"] = "/search/?q=zzzyxw"
    pages |= {f"story {story.slug}": story.get_absolute_url() for story in stories}
    pages |= {f"section {s.slug}": s.get_absolute_url() for s in Section.objects.all()}
    pages |= {
        f"author {a.slug}": a.get_absolute_url()
        for a in Author.objects.filter(articles__in=live).distinct()
    }
    for tag in live.tags():
        pages[f"tag {tag.slug}"] = reverse("articles:tag", kwargs={"slug": tag.slug})
    for month in archive_months():
        pages[f"month {month.month:%Y-%m}"] = month.get_absolute_url()
        pages[f"year {month.month.year}"] = reverse(
            "articles:year", kwargs={"year": f"{month.month.year}"}
        )
    pages |= {
        f"metric {m.slug}": m.get_absolute_url()
        for m in Metric.objects.filter(figures__article__in=live).distinct()
    }
    pages |= {
        f"person {p.slug}": p.get_absolute_url()
        for p in Person.objects.filter(quotes__article__in=live).distinct()
    }
    for source in Source.objects.all():
        if client.get(source.get_absolute_url()).status_code == 200:
            pages[f"source {source.pk}"] = source.get_absolute_url()
    pages["flag a comment"] = reverse("comments:flag", kwargs={"pk": comment.pk})
    html = {name: _get(client, url) for name, url in pages.items()}
    # Pages that answer with an error, in the site's design.
    html["not found"] = _get(client, "/no-such-page/", 404)
    html["comment form with errors"] = client.post(
        reverse("comments:post", kwargs={"article_id": commented.pk}), {"body": ""}
    ).content.decode()
    html["confirmation link invalid"] = _get(
        client, reverse("comments:confirm", kwargs={"token": "not-a-token"}), 400
    )
    html["unsubscribe link invalid"] = _get(
        client, reverse("comments:unsubscribe", kwargs={"token": "not-a-token"}), 400
    )
    kinds = {name.split(" ")[0] for name in html}
    assert {
        "story",
        "section",
        "author",
        "tag",
        "month",
        "year",
        "metric",
        "person",
        "source",
    } <= kinds
    return html


def nu_errors(files: list[Path]) -> list[str]:
    """The checker's errors over all `files` at once, as 'file:line: message'."""
    java = shutil.which("java")
    assert java, "Java is needed: apt-get install default-jre-headless (system-packages.txt)"
    assert VNU.exists(), "vnu-jar is needed: npm ci"
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=CHECK_SECONDS,
        check=False,
    )
    report = json.loads(result.stderr or result.stdout or '{"messages": []}')
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']}"
        for m in report["messages"]
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]


def test_every_public_page_of_the_demo_passes_the_nu_html_checker(demo, db, client, tmp_path):
    started = time.monotonic()
    pages = public_pages(client)
    files = []
    for number, (name, html) in enumerate(sorted(pages.items())):
        path = tmp_path / f"{number:03d}-{name.replace(' ', '-').replace('/', '-')}.html"
        path.write_text(html, encoding="utf-8")
        files.append(path)

    # A control page with the old bug (a microsecond `<time datetime>`), in the same run: the
    # check can fail, and it reads every file it is given.
    control = tmp_path / "control.html"
    control.write_text(BROKEN_PAGE, encoding="utf-8")
    checked = time.monotonic()

    errors = nu_errors([*files, control])
    elapsed = time.monotonic() - checked

    (caught,) = [error for error in errors if error.startswith("control.html:")]
    assert "datetime" in caught
    errors.remove(caught)
    assert errors == [], "\n".join(errors)
    assert len(files) >= 40
    # One JVM for every page: about 11 s for 76 pages here, the demo's load excluded.
    assert elapsed < CHECK_SECONDS
    assert time.monotonic() - started < CHECK_SECONDS


def test_every_feed_of_the_demo_parses_without_complaint(demo, db, client):
    live = Article.objects.published()
    feeds = [reverse("feed")]
    feeds += [
        reverse("articles:section-feed", kwargs={"slug": s.slug})
        for s in Section.objects.filter(articles__in=live).distinct()
    ]
    feeds += [reverse("articles:tag-feed", kwargs={"slug": t.slug}) for t in live.tags()]
    assert len(feeds) >= 5
    for url in feeds:
        parsed = feedparser.parse(client.get(url).content)
        assert not parsed.bozo, (url, parsed.get("bozo_exception"))
        assert parsed.version == "rss20", url
        assert parsed.entries, url
        for entry in parsed.entries:
            assert entry.title and entry.link and entry.published_parsed, url


def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def test_the_demo_sitemap_is_valid_against_the_sitemap_schema(demo, db, client):
    document = etree.fromstring(client.get(reverse("sitemap")).content)
    schema = _schema("sitemap.xsd")
    assert schema.validate(document), schema.error_log
    assert len(document) >= Article.objects.published().count()


def test_the_news_sitemap_is_valid_against_the_news_schema(demo, db, client):
    # A fresh demo has no story of the last 48 hours: the news sitemap is then not offered.
    assert client.get(reverse("news-sitemap")).status_code == 404
    assert "news-sitemap" not in client.get("/robots.txt").content.decode()

    fresh = published_article(headline="Ferry fares & <timetables> agreed")
    fresh.tags.add("ferries")
    document = etree.fromstring(client.get(reverse("news-sitemap")).content)
    schema = _schema("sitemap-news.xsd")
    assert schema.validate(document), schema.error_log
    assert (
        "Sitemap: http://127.0.0.1:8000/news-sitemap.xml"
        in client.get("/robots.txt").content.decode()
    )


@pytest.mark.parametrize(
    ("document", "schema"),
    [
        # An empty urlset: the news sitemap's old answer on a quiet day.
        ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>', "sitemap-news.xsd"),
        # A date that is not one.
        (
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url>'
            "<loc>http://127.0.0.1:8000/</loc><lastmod>yesterday</lastmod></url></urlset>",
            "sitemap.xsd",
        ),
        # A news entry without its title.
        (
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>'
            "<loc>http://127.0.0.1:8000/a/</loc><news:news><news:publication>"
            "<news:name>G</news:name><news:language>en</news:language></news:publication>"
            "<news:publication_date>2021-03-04T09:30:00+00:00</news:publication_date>"
            "</news:news></url></urlset>",
            "sitemap-news.xsd",
        ),
    ],
)
def test_the_schemas_reject_what_search_engines_reject(document, schema):
    assert not _schema(schema).validate(etree.fromstring(document.encode()))


def test_times_for_machines_are_to_the_second():
    from articles.templatetags.machine_time import w3c_datetime

    moment = dt.datetime(2021, 3, 4, 9, 30, 15, 123456, tzinfo=dt.UTC)
    with timezone.override("Europe/London"):
        assert w3c_datetime(moment) == "2021-03-04T09:30:15+00:00"
    assert w3c_datetime(dt.date(2021, 3, 4)) == "2021-03-04"
    assert w3c_datetime(None) == ""
