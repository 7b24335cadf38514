"""Hostile input through the real comment form: no server errors, and nothing a reader types
becomes markup on the story page, the compose page or the moderators' pages.

The check is structural: every page is parsed, and the set of element names and attribute
names must be one our templates make with harmless data (a baseline). Links must be web links;
scripts must be our own static files.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article
from comments.models import Comment, ModerationEvent, ModerationLimits
from tests.commenting import backdated, comment_data, form_token, new_address
from tests.factories import CommentFactory, published_article, reply_to

pytestmark = pytest.mark.django_db

XSS = [
    "<script>pwn()</script>",
    "<img src=x onerror=pwn()>",
    "<svg onload=pwn()>",
    "<svg><script>pwn()</script></svg>",
    "javascript:pwn()",
    '<a href="javascript:pwn()">click me</a>',
    '"><script>pwn()</script>',
    "'><img src=x onerror=pwn()>",
    '" onmouseover="pwn()',
    "' onfocus='pwn()' autofocus='",
    "</textarea><script>pwn()</script>",
    "</title><script>pwn()</script>",
    "<iframe src=javascript:pwn()></iframe>",
    "<body onload=pwn()>",
    "<math><mtext><table><mglyph><style><img src=x onerror=pwn()>",
    "&lt;script&gt;pwn()&lt;/script&gt;",
    "%3Cscript%3Epwn()%3C%2Fscript%3E",
    "\\u003cscript\\u003epwn()\\u003c/script\\u003e",
    "&#60;script&#62;pwn()&#60;/script&#62;",
    "<scr<script>ipt>pwn()</scr</script>ipt>",
    '<IMG SRC="jav&#x09;ascript:pwn();">',
    '<div style="background:url(javascript:pwn())">styled</div>',
    'https://example.org/"><script>pwn()</script>',
    "https://example.org/?q=<svg/onload=pwn()>",
    'www.example.org" onclick="pwn()',
    "https://example.org/a'onmouseover='pwn()",
    "<!--<img src=x onerror=pwn()>-->",
    "<![CDATA[<script>pwn()</script>]]>",
    "{{ 7*7 }}{% now 'Y' %}${pwn()}",
    "<a href=//evil.example/>protocol-relative</a>",
    "data:text/html;base64,PHNjcmlwdD5wd24oKTwvc2NyaXB0Pg==",
    "<form action=https://evil.example><button>go</button></form>",
    "<meta http-equiv=refresh content=0;url=https://evil.example>",
    "<base href=https://evil.example/>",
]
SQL = [
    "' OR '1'='1",
    "1; DROP TABLE comments_comment; --",
    '" OR 1=1 --',
    "' UNION SELECT password FROM auth_user --",
    "1' AND SLEEP(5)#",
    "%' OR 1=1 --",
    "0x27 OR 1=1",
    "99999999999999999999999999999999",
    "-1",
]
ODD = [
    "line\r\nBcc: victim@example.test",
    "carriage\ronly",
    "nul\x00byte",
    "\x00<script>pwn()</script>",
    "lone \ud800 surrogate",
    "\udfff",
    "rtl \u202egnp.exe override",
    "emoji 🦀🌊🧑‍🤝‍🧑 𝕳𝖆𝖗𝖇𝖔𝖚𝖗",
    "x" * 65536,
    "zero\u200bwidth",
    "\ufeffbyte order mark",
    "tab\tseparated",
    "   ",
    "",
    "\u0085next line\u2028line sep",
]
PAYLOADS = XSS + SQL + ODD
FIELDS = ["name", "email", "body", "parent"]


class Structure(HTMLParser):
    """Element names, attribute names and link targets of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[tuple[str, str]] = set()
        self.urls: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            self.attributes.add((tag, name))
            if name in {"href", "src", "action", "formaction"}:
                self.urls.append(value or "")
        # Structured data (JSON-LD) is not executed; it is built by json_script-style escaping
        # from story fields, never from comments. Every executable script must be ours.
        if tag == "script" and dict(attrs).get("type") != "application/ld+json":
            self.scripts.append(dict(attrs).get("src") or "")


def structure(html: str) -> Structure:
    parser = Structure()
    parser.feed(html)
    parser.close()
    return parser


def assert_no_markup_from_input(html: str, baseline: Structure, where: str) -> None:
    page = structure(html)
    assert page.tags <= baseline.tags, (where, page.tags - baseline.tags)
    assert page.attributes <= baseline.attributes, (where, page.attributes - baseline.attributes)
    for url in page.urls:
        lowered = "".join(url.split()).lower()
        assert lowered.startswith(("http://", "https://", "/", "?", "#")), (where, url)
        assert not lowered.startswith("//"), (where, url)
    assert all(src.startswith("/static/") for src in page.scripts), (where, page.scripts)
    assert "pwn" not in " ".join(page.tags | {name for _, name in page.attributes})


def raw_post(client: Client, url: str, data: dict, ip: str):
    # Lone surrogates cannot be encoded as UTF-8 by the test client, so encode by hand, the
    # way a hostile client would send them.
    body = urlencode(data, encoding="utf-8", errors="surrogatepass")
    return client.post(url, body, content_type="application/x-www-form-urlencoded", REMOTE_ADDR=ip)


def _pages(client: Client, tab: str) -> list[str]:
    pages, number = [], 1
    while True:
        response = client.get(reverse("moderation:queue"), {"tab": tab, "page": number})
        assert response.status_code == 200
        pages.append(response.content.decode())
        if f"page={number + 1}" not in pages[-1]:
            return pages
        number += 1


def _baseline(article: Article, moderator_client: Client) -> Structure:
    """Everything our templates make from harmless data."""
    parent = CommentFactory(article=article, body="See https://example.org and\nwww.example.net")
    reply_to(parent, body="A reply.")
    held = reply_to(
        parent,
        status="pending",
        body="The mayor is a liar.",
        held_reasons=[{"rule": "hold_words", "reason": "Contains liar.", "words": ["liar"]}],
    )
    from comments.models import Flag

    Flag.objects.create(comment=parent, reason="abuse", note="A note", ip_hash="x")
    ModerationEvent.record(held, "held", by=None, rule="hold_words", reason="Contains liar.")
    client = Client()
    html = [
        client.get(article.get_absolute_url()).content.decode(),
        client.get(f"{article.get_absolute_url()}?replyto={parent.pk}").content.decode(),
        client.get(reverse("comments:flag", args=[parent.pk])).content.decode(),
        moderator_client.get(reverse("moderation:log")).content.decode(),
    ]
    token = form_token(client, article)
    bad = comment_data(email="not an address", body="x", parent=str(parent.pk))
    bad["stamp"] = token["stamp"]
    url = reverse("comments:post", kwargs={"article_id": article.pk})
    html.append(client.post(url, bad).content.decode())
    # The report form sent back with a harmless mistake: the reason chosen stays ticked.
    flag = reverse("comments:flag", args=[parent.pk])
    sent_back = client.post(flag, {"reason": "other", "note": "n" * 501}, REMOTE_ADDR="192.0.2.9")
    assert sent_back.status_code == 400
    html.append(sent_back.content.decode())
    for tab in ("pending", "approved", "flagged", "rejected", "spam", "removed"):
        html.extend(_pages(moderator_client, tab))
    combined = Structure()
    for page in html:
        combined.feed(page)
    combined.close()
    return combined


def test_two_hundred_hostile_payloads_cause_no_errors_and_no_markup(
    settings, moderator, moderator_client
):
    settings.COMMENTS_PER_PAGE = 1000
    article = published_article()
    baseline = _baseline(article, moderator_client)
    url = reverse("comments:post", kwargs={"article_id": article.pk})
    client = Client()
    statuses: list[int] = []

    attempts = [(field, payload) for payload in PAYLOADS for field in FIELDS]
    attempts += [("all", payload) for payload in PAYLOADS]
    assert len(attempts) >= 200

    for number, (field, payload) in enumerate(attempts):
        ip = new_address()
        token = form_token(client, article, REMOTE_ADDR=ip)
        data = comment_data(body=f"An ordinary comment, number {number}.")
        if field == "all":
            data.update(name=payload, email=payload, parent=payload, body=f"{payload} {number}")
        elif field == "body":
            data["body"] = f"{payload} {number}"
        else:
            data[field] = payload
        data["stamp"] = backdated(token["stamp"], article)
        response = raw_post(client, url, data, ip)
        statuses.append(response.status_code)
        assert response.status_code < 500, (field, payload)
        if response.status_code != 302:
            assert_no_markup_from_input(response.content.decode(), baseline, f"post {field}")
        replyto = urlencode({"replyto": payload}, errors="surrogatepass")
        story = client.get(f"{article.get_absolute_url()}?{replyto}")
        assert story.status_code == 200, payload

    stored = Comment.objects.filter(article=article).exclude(nonce__startswith="factory")
    assert stored.count() > 50, statuses
    assert 302 in statuses and 400 in statuses

    # Reader reports carry free text too; it shows in the flagged tab and the log.
    ModerationLimits.objects.create(flag_threshold=1000)  # keep it flaggable throughout
    target = CommentFactory(article=article, body="Report me.")
    flag_url = reverse("comments:flag", args=[target.pk])
    for payload in PAYLOADS:
        response = raw_post(client, flag_url, {"reason": "other", "note": payload}, new_address())
        assert response.status_code < 500, payload
        if response.status_code != 302:
            assert_no_markup_from_input(response.content.decode(), baseline, "flag form")
    assert target.flags.count() > len(PAYLOADS) // 2
    for page in _pages(moderator_client, "flagged"):
        assert_no_markup_from_input(page, baseline, "queue flagged")

    # What moderators see, before and after publishing everything held.
    for tab in ("pending", "rejected", "spam"):
        for page in _pages(moderator_client, tab):
            assert_no_markup_from_input(page, baseline, f"queue {tab}")
    for comment in stored.filter(status="pending"):
        comment.approve(by=moderator, reason="Testing the display")
    for page in _pages(moderator_client, "approved"):
        assert_no_markup_from_input(page, baseline, "queue approved")
    log = moderator_client.get(reverse("moderation:log")).content.decode()
    assert_no_markup_from_input(log, baseline, "log")

    story = Client().get(article.get_absolute_url())
    assert story.status_code == 200
    html = story.content.decode()
    assert_no_markup_from_input(html, baseline, "story")
    # The payloads are there, as text.
    assert "&lt;script&gt;pwn()&lt;/script&gt;" in html
    assert "🦀🌊" in html
    assert "\u202e" not in html  # the display-reversing override is dropped on the way in
