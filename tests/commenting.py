"""Helpers for the comment tests: post through the real endpoints like a browser would."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments import services, trust
from comments.cookies import TRUSTED_COOKIE
from comments.privacy import email_digest

_addresses = itertools.count(1)


def new_address() -> str:
    """A distinct documentation address per call, so flood limits do not cross tests."""
    n = next(_addresses)
    return f"198.51.{n // 250 % 250}.{n % 250 + 1}"


def form_token(client: Client, article: Article, **extra: Any) -> dict:
    response = client.get(reverse("comments:form_token"), {"article": article.pk}, **extra)
    assert response.status_code == 200, response.content
    return response.json()


def backdated(stamp: str, article: Article, seconds: float = 10) -> str:
    """The same form (same nonce), opened `seconds` ago: passes the clock in, no sleeping."""
    read = services.read_stamp(stamp, article)
    assert read is not None
    return services.issue_stamp(
        article, at=timezone.now() - dt.timedelta(seconds=seconds), nonce=read.nonce
    )


def comment_data(**overrides: Any) -> dict:
    data = {
        "name": "Rita Reader",
        "email": "rita@example.test",
        "body": "The new ferry timetable works well for commuters.",
        "notify_replies": "",
        "website": "",
        "parent": "",
    }
    data.update(overrides)
    return data


def post_comment(
    client: Client,
    article: Article,
    *,
    ip: str | None = None,
    opened_seconds_ago: float = 10,
    stamp: str | None = None,
    **fields: Any,
) -> Any:
    """Fetch a token as the page's script does, then post the form."""
    ip = ip or new_address()
    token = form_token(client, article, REMOTE_ADDR=ip)
    data = comment_data(**fields)
    data["csrfmiddlewaretoken"] = token["csrf_token"]
    data["stamp"] = (
        stamp if stamp is not None else backdated(token["stamp"], article, opened_seconds_ago)
    )
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(
        reverse("comments:post", kwargs={"article_id": article.pk}), data, REMOTE_ADDR=ip
    )


def csrf_token_in(html: str) -> str:
    """The token a rendered form carries, as a browser would send it back."""
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def flag_through_the_form(client: Client, comment: Any, *, ip: str, reason: str = "abuse") -> Any:
    """Open the comment's report page and send its form, as a reader does."""
    url = reverse("comments:flag", args=[comment.pk])
    page = client.get(url, REMOTE_ADDR=ip)
    assert page.status_code == 200, page.status_code
    data = {
        "reason": reason,
        "note": "",
        "csrfmiddlewaretoken": csrf_token_in(page.content.decode()),
    }
    return client.post(url, data, REMOTE_ADDR=ip)


def trust_device(client: Client, *emails: str) -> Client:
    """The client as a browser that has earned trust for these addresses (a comment it posted
    was published, or its reader confirmed by e-mail): it carries the cookie the site sets."""
    client.cookies[TRUSTED_COOKIE] = trust.cookie_value([email_digest(e) for e in emails])
    return client
