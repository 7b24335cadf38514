"""Hostile input on the reader's URLs (comment fields are in
tests/test_comment_hostile_input.py): search, `replyto`, `page`, archive dates, slugs and ids,
huge query strings and bad Host headers.

Every request must end below 500, and nothing sent may come back as live markup: each HTML
page is parsed and must hold no script but our static files and JSON-LD, no event-handler
attribute, no element a payload would add, and no `javascript:` link. Where the page echoes
the input (search), it must be there escaped.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, unquote_to_bytes

import pytest
from django.test import Client
from django.utils.html import escape

from articles.models import Article
from tests.factories import CommentFactory, MetricFactory, published_article

pytestmark = pytest.mark.django_db

XSS = [
    "<script>pwn()</script>",
    '"><script>pwn()</script>',
    "'><img src=x onerror=pwn()>",
    "<svg onload=pwn()>",
    '" autofocus onfocus="pwn()',
    "</title><script>pwn()</script>",
    "</script><script>pwn()</script>",
    "javascript:pwn()",
    "<iframe src=javascript:pwn()>",
]
FTS = [
    '"unterminated',
    "NEAR(harbour ferry, 2)",
    "harb*",
    "-ferry",
    "headline:ferry",
    "ferry AND OR NOT",
    "^ferry",
    "((((",
    "'",
    "*",
    "{ferry}",
    "ferry OR 1=1 --",
    "'; DROP TABLE article_search; --",
    "\\",
    "%",
    "_",
]
UNICODE = [
    "ferry\x00harbour",
    "\x00",
    "🦀🌊",
    "\u202eyrref",
    "ḟ̵̛͓e̷r̸r̴y̶",
    "ＦＥＲＲＹ",
    "\ufeffferry",
    "\u0000\u0001\u001f",
    "ferry\r\nSet-Cookie: x=1",
]
HUGE = ["ferry " * 20_000, "x" * 100_000]
SEARCHES = XSS + FTS + UNICODE + HUGE
# Raw, percent-encoded query values a browser could send but Python strings cannot hold
# (lone surrogates, invalid UTF-8), sent as they are.
RAW_QUERIES = ["%ED%A0%80", "%FF%FE", "%C0%AF", "%00", "%", "%%%", "%2", "%E2%82"]

PAGES = [
    "-1",
    "0",
    "999999999999999999999",
    "9" * 400,
    "abc",
    "\x00",
    "1.5",
    "1e3",
    " 2",
    "<script>pwn()</script>",
    "1 OR 1=1",
    "",
    "last",
]
REPLYTO = [
    "-1",
    "0",
    "999999999999999999999",
    "abc",
    "\x00",
    "<script>pwn()</script>",
    "1e10",
    "0x10",
    "1;DROP TABLE comments_comment",
]
BAD_DATES = [
    "/2021/13/",
    "/2021/00/",
    "/9999/99/",
    "/0000/01/",
    "/0000/",
    "/9999/",
    "/10000/",
    "/10000/01/",
    "/2021/02/30/",
    "/2021/1/",
    "/-001/01/",
]
SLUG_VALUES = [
    "ünïcode",
    "%00",
    "%C3%A9t%C3%A9",
    "..%2F..%2Fetc%2Fpasswd",
    "a" * 2000,
    "%3Cscript%3Epwn()%3C%2Fscript%3E",
    "null",
    "%E2%80%AE",
    "%ED%A0%80",
]
HUGE_IDS = ["0", "999999999999999999999", "9" * 60, "18446744073709551616"]


class Markup(HTMLParser):
    """Anything in a page that a payload could have turned into live markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            src = values.get("src") or ""
            if not src.startswith("/static/") and values.get("type") != "application/ld+json":
                self.problems.append(f"<script src={src!r}>")
        if tag in {"iframe", "object", "embed", "base"}:
            self.problems.append(f"<{tag}>")
        if tag == "img" and values.get("src") == "x":
            self.problems.append("<img src=x>")
        for name, value in attrs:
            if name.startswith("on") or name == "autofocus" or "pwn" in name:
                self.problems.append(f"<{tag} {name}>")
            if name in {"href", "src", "action"}:
                cleaned = "".join((value or "").split()).lower()
                if cleaned.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"<{tag} {name}={value!r}>")


def live_markup(html: str) -> list[str]:
    parser = Markup()
    parser.feed(html)
    parser.close()
    return parser.problems


class Checked:
    """Counts requests and collects every failure, so one run reports them all."""

    def __init__(self) -> None:
        self.requests = 0
        self.failures: list[str] = []

    def __call__(self, response: Any, label: str) -> Any:
        self.requests += 1
        if response.status_code >= 500:
            self.failures.append(f"{label}: {response.status_code}")
            return response
        if response.get("Content-Type", "").startswith("text/html"):
            problems = live_markup(response.content.decode("utf-8", "replace"))
            if problems:
                self.failures.append(f"{label}: live markup {problems[:3]}")
        return response


def raw_get(client: Client, path: str, query: str = "", **extra: Any) -> Any:
    """GET with the query string exactly as given (already percent-encoded)."""
    return client.get(path, QUERY_STRING=query, **extra)


@pytest.fixture
def site() -> dict[str, Any]:
    story = published_article(headline="Ferry fares rise in the harbour")
    story.tags.add("ferries")
    CommentFactory(article=story)
    metric = MetricFactory()
    return {"story": story, "metric": metric}


def reader_listing_paths(story: Article) -> list[str]:
    month = story.published_at
    return [
        "/",
        "/search/?q=ferry&",
        story.section.get_absolute_url(),
        "/tag/ferries/",
        f"/{month:%Y}/{month:%m}/",
        "/corrections/",
        story.get_absolute_url(),
    ]


def test_hostile_searches_are_answered_and_never_rendered_as_markup(site) -> None:
    check = Checked()
    client = Client(raise_request_exception=False)
    for query in SEARCHES:
        encoded = quote(query, safe="")
        response = check(raw_get(client, "/search/", f"q={encoded}"), f"search {query[:30]!r}")
        if query in XSS:
            # The reader sees what they typed, escaped: the words are there, the tags are not.
            assert response.status_code == 200
            assert escape(query) in response.content.decode(), query
    for raw in RAW_QUERIES:
        check(raw_get(client, "/search/", f"q={raw}"), f"search raw {raw}")
        check(raw_get(client, "/search/", f"q=ferry&page={raw}"), f"search page raw {raw}")
    print(f"\nhostile input: search {check.requests} requests")
    assert check.failures == [], "\n".join(check.failures)


def test_hostile_page_and_replyto_values_are_answered(site) -> None:
    check = Checked()
    client = Client(raise_request_exception=False)
    story = site["story"]
    for path in reader_listing_paths(story):
        separator = "&" if "?" in path else "?"
        for page in PAGES:
            check(client.get(f"{path}{separator}page={quote(page)}"), f"{path} page={page!r}")
    for value in REPLYTO:
        url = f"{story.get_absolute_url()}?replyto={quote(value)}"
        check(client.get(url), f"replyto={value!r}")
    print(f"\nhostile input: page/replyto {check.requests} requests")
    assert check.failures == [], "\n".join(check.failures)


def test_hostile_dates_slugs_and_ids_are_answered(site) -> None:
    check = Checked()
    client = Client(raise_request_exception=False)
    story = site["story"]
    for path in BAD_DATES:
        response = check(client.get(path), path)
        assert response.status_code == 404, path
    month = story.published_at
    slug_patterns = [
        "/section/{}/",
        "/tag/{}/",
        "/author/{}/",
        "/people/{}/",
        "/metrics/{}/",
        "/section/{}/feed/",
        "/tag/{}/feed/",
        f"/{month:%Y}/{month:%m}/{{}}/",
        "/{}/",
        "/{}",
    ]
    for pattern in slug_patterns:
        for value in SLUG_VALUES:
            # PATH_INFO as a server hands it over: percent-decoded bytes read as Latin-1.
            raw = unquote_to_bytes(pattern.format(value)).decode("latin-1")
            check(client.get("/", PATH_INFO=raw), f"{pattern} {value[:20]!r}")
    id_patterns = [
        "/sources/{}/",
        "/preview/{}/",
        "/comments/{}/flag/",
        "/comments/post/{}/",
        "/comments/form-token/?article={}",
    ]
    for pattern in id_patterns:
        for value in HUGE_IDS:
            check(client.get(pattern.format(value)), pattern.format(value[:25]))
            check(client.post(pattern.format(value), {"reason": "abuse"}), "POST " + pattern)
    print(f"\nhostile input: dates/slugs/ids {check.requests} requests")
    assert check.failures == [], "\n".join(check.failures)


def test_a_50_kilobyte_query_string_is_answered(site) -> None:
    check = Checked()
    client = Client(raise_request_exception=False)
    junk = "&".join(f"k{n}=<script>pwn()</script>" for n in range(2000))[: 50 * 1024]
    big_query = "q=" + "a" * (50 * 1024)
    for path in [*reader_listing_paths(site["story"]), "/feed/", "/sitemap.xml"]:
        base = path.split("?")[0]
        check(raw_get(client, base, quote(junk, safe="=&")), f"{base} 50 KB of parameters")
        check(raw_get(client, base, big_query), f"{base} one 50 KB parameter")
    print(f"\nhostile input: 50 KB query strings {check.requests} requests")
    assert check.failures == [], "\n".join(check.failures)


BAD_HOSTS = [
    "evil.test",
    "news.example.org.evil.test",
    "news.example.org:99999",
    "news.example.org:abc",
    "[::1",
    "a b",
    "news.example.org\x00",
    "",
    "..",
    "news.example.org/evil",
    "news.example.org@evil.test",
    "x" * 300,
    "ñews.example.org",
]


@pytest.mark.parametrize("production", [False, True], ids=["debug-hosts", "production-hosts"])
def test_bad_host_headers_are_refused_without_an_error(site, settings, production) -> None:
    if production:
        settings.ALLOWED_HOSTS = ["news.example.org"]
    check = Checked()
    client = Client(raise_request_exception=False)
    for host in BAD_HOSTS:
        for path in ["/", site["story"].get_absolute_url(), "/search/?q=ferry", "/admin/"]:
            encoded = host.encode("utf-8").decode("latin-1")
            response = check(client.get(path, HTTP_HOST=encoded), f"Host {host[:30]!r} {path}")
            # Django accepts any port on an allowed name; that is still our site.
            if not (production and host == "news.example.org:99999"):
                assert response.status_code == 400, (host, path, response.status_code)
            assert b"evil" not in response.content
    print(f"\nhostile input: bad Host headers {check.requests} requests")
    assert check.failures == [], "\n".join(check.failures)
