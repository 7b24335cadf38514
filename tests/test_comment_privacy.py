"""Privacy by default: hashed addresses, no cookies for readers who do not comment, and the
purge, erase and export commands."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory
from django.utils import timezone

from articles.request_ip import client_ip, hash_ip
from comments.cookies import OWN_COMMENTS_COOKIE, TRUSTED_COOKIE
from comments.models import Comment, Flag, ModerationEvent
from tests.commenting import post_comment, trust_device
from tests.factories import CommentFactory, published_article, reply_to

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_address_is_stored_only_as_a_keyed_hash(settings):
    post_comment(Client(), published_article(), ip="203.0.113.42")
    comment = Comment.objects.get()
    assert "203.0.113.42" not in json.dumps(
        {f.name: str(getattr(comment, f.attname)) for f in Comment._meta.concrete_fields}
    )
    assert comment.ip_hash == hash_ip("203.0.113.42")
    assert len(comment.ip_hash) == 64
    settings.SECRET_KEY = "another-secret-key-entirely-for-this-test-0123456789"
    assert hash_ip("203.0.113.42") != comment.ip_hash


def test_the_client_address_comes_from_remote_addr():
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "192.0.2.5"


def test_without_a_proxy_a_client_cannot_claim_another_address_even_from_loopback(settings):
    settings.NEWSROOM_BEHIND_PROXY = False
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9")
    assert client_ip(request) == "127.0.0.1"


def test_behind_the_proxy_the_address_nginx_set_is_the_readers(settings):
    settings.NEWSROOM_BEHIND_PROXY = True
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9", HTTP_X_FORWARDED_FOR="1.1.1.1"
    )
    assert client_ip(request) == "203.0.113.9"


def test_behind_the_proxy_a_reader_connecting_directly_cannot_claim_another_address(settings):
    settings.NEWSROOM_BEHIND_PROXY = True
    request = RequestFactory().get(
        "/", REMOTE_ADDR="198.51.100.7", HTTP_X_REAL_IP="203.0.113.9", HTTP_X_FORWARDED_FOR="::1"
    )
    assert client_ip(request) == "198.51.100.7"


def test_a_proxy_network_can_be_trusted_and_ipv6_addresses_are_normalised(settings):
    settings.NEWSROOM_BEHIND_PROXY = True
    settings.NEWSROOM_TRUSTED_PROXIES = ["10.0.0.0/8"]
    via_proxy = RequestFactory().get(
        "/", REMOTE_ADDR="10.4.5.6", HTTP_X_REAL_IP=" 2001:DB8:0:0::1 "
    )
    assert client_ip(via_proxy) == "2001:db8::1"
    loopback_no_longer_trusted = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9"
    )
    assert client_ip(loopback_no_longer_trusted) == "127.0.0.1"


@pytest.mark.parametrize("header", ["", "unknown", "203.0.113.9, 198.51.100.1", "<script>"])
def test_a_missing_or_malformed_forwarded_address_falls_back_to_the_connection(settings, header):
    settings.NEWSROOM_BEHIND_PROXY = True
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP=header)
    assert client_ip(request) == "127.0.0.1"


def test_behind_the_proxy_readers_have_their_own_flood_buckets(settings):
    """Two readers behind nginx post one after the other: both get through, and a third post
    from the first is held back by the flood rule, which a shared bucket could not tell."""
    settings.NEWSROOM_BEHIND_PROXY = True
    article = published_article()
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    first = post_comment(Client(HTTP_X_REAL_IP="203.0.113.10", **proxy), article, ip="127.0.0.1")
    second = post_comment(Client(HTTP_X_REAL_IP="203.0.113.11", **proxy), article, ip="127.0.0.1")
    again = post_comment(
        Client(HTTP_X_REAL_IP="203.0.113.10", **proxy),
        article,
        ip="127.0.0.1",
        body="A second thought about the harbour wall.",
    )
    assert (first.status_code, second.status_code, again.status_code) == (302, 302, 429)
    assert sorted(Comment.objects.values_list("ip_hash", flat=True)) == sorted(
        [hash_ip("203.0.113.10"), hash_ip("203.0.113.11")]
    )


def test_readers_who_do_not_comment_get_no_cookies():
    article = published_article()
    CommentFactory(article=article)
    client = Client()
    for url in (article.get_absolute_url(), f"{article.get_absolute_url()}?replyto=1", "/"):
        response = client.get(url)
        assert not response.cookies, url
    assert not client.cookies


def test_only_the_commenter_gets_a_signed_cookie_naming_their_comment():
    client = Client()
    response = post_comment(client, published_article())
    cookie = response.cookies[OWN_COMMENTS_COOKIE]
    assert cookie["httponly"]
    assert str(Comment.objects.get().pk) in cookie.value
    # A forged cookie shows nothing.
    forged = Client()
    forged.cookies[OWN_COMMENTS_COOKIE] = str(Comment.objects.get().pk)
    article = Comment.objects.get().article
    assert "only you can see" not in forged.get(article.get_absolute_url()).content.decode()


def _nginx_personal_cookies() -> re.Pattern[str]:
    """The pattern of cookies the shipped nginx config treats as personal."""
    conf = (Path(django_settings.BASE_DIR) / "deploy" / "nginx-newsroom.conf").read_text()
    block = re.search(r"map \$http_cookie \$newsroom_personal \{(.*?)\}", conf, re.DOTALL)
    assert block, "the nginx config no longer maps personal cookies"
    (pattern,) = re.findall(r'"~\*(.+)"\s+1;', block.group(1))
    return re.compile(pattern, re.IGNORECASE)  # ~* is nginx's case-insensitive match


def test_nginx_bypasses_its_cache_for_the_cookie_the_commenter_gets():
    # nginx cannot import the cookie's name, so its config spells it again: they must agree,
    # or nginx would serve a commenter the shared page without their pending comment.
    personal = _nginx_personal_cookies()
    assert personal.search(f"{OWN_COMMENTS_COOKIE}=1.2")
    assert personal.search(f"theme=dark; {OWN_COMMENTS_COOKIE}=1.2")
    assert not personal.search(f"not_{OWN_COMMENTS_COOKIE}=1.2")


def test_a_trusted_commenter_still_gets_the_shared_cached_page():
    """The trust cookie changes nothing a page shows, so neither cache lets it past: a
    regular reads the same cached page as everyone else."""
    article = published_article()
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    trusted = trust_device(Client(), "rita@example.test")
    page = trusted.get(article.get_absolute_url())
    assert page["X-Page-Cache"] == "hit"
    assert not page.cookies
    assert not _nginx_personal_cookies().search(f"{TRUSTED_COOKIE}=abc:def")


def test_the_trust_cookie_names_no_address():
    CommentFactory(email="rita@example.test")
    browser = trust_device(Client(), "rita@example.test")
    response = post_comment(browser, published_article())
    cookie = response.cookies[TRUSTED_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "rita" not in cookie.value and "example" not in cookie.value


def test_purge_removes_old_emails_of_refused_comments_and_old_hashes():
    old = timezone.now() - dt.timedelta(days=91)
    rejected = CommentFactory(status="rejected", created_at=old, email="gone@example.test")
    spam = CommentFactory(status="spam", created_at=old, email="spam@example.test")
    published = CommentFactory(created_at=old, email="kept@example.test")
    recent = CommentFactory(status="rejected", email="recent@example.test")
    Flag.objects.create(comment=published, reason="spam", ip_hash="flagger", at=old)
    out = run("purge_comment_data", "--older-than", "90d")
    assert "Removed 2 e-mail address(es), 3 comment address hash(es)" in out
    for comment in (rejected, spam, published, recent):
        comment.refresh_from_db()
    assert rejected.email == spam.email == ""
    assert published.email == "kept@example.test" and recent.email == "recent@example.test"
    assert rejected.ip_hash == published.ip_hash == "" and recent.ip_hash
    assert Flag.objects.get().ip_hash == ""


def test_purge_refuses_a_malformed_age():
    with pytest.raises(CommandError, match="90d"):
        run("purge_comment_data", "--older-than", "ninety")


def test_erase_anonymises_a_reader_and_keeps_the_thread():
    mine = CommentFactory(email="Me@Example.test", name="Mary Me", body="My words.")
    reply_to(mine, body="A reply to Mary.")
    other = CommentFactory(email="someone@example.test")
    out = run("erase_commenter", "me@example.test")
    assert "Erased 1 comment" in out
    mine.refresh_from_db()
    assert (mine.name, mine.email, mine.body, mine.ip_hash, mine.status) == (
        "[removed]", "", "[removed]", "", "removed",
    )  # fmt: skip
    html = Client().get(mine.article.get_absolute_url()).content.decode()
    assert "A reply to Mary." in html and "My words." not in html and "Mary Me" not in html
    other.refresh_from_db()
    assert other.email == "someone@example.test"
    assert ModerationEvent.objects.get(action="erased").actor_name == "erase_commenter"


def test_erase_with_delete_deletes_what_has_no_replies():
    lonely = CommentFactory(email="me@example.test")
    answered = CommentFactory(email="me@example.test")
    reply_to(answered)
    run("erase_commenter", "me@example.test", "--delete")
    assert not Comment.objects.filter(pk=lonely.pk).exists()
    answered.refresh_from_db()
    assert answered.body == "[removed]" and answered.email == ""
    assert ModerationEvent.objects.filter(comment_ref=lonely.pk, action="erased").exists()


def test_export_prints_the_reader_s_data_as_json():
    comment = CommentFactory(email="me@example.test", body="Mine.", notify_replies=True)
    CommentFactory(email="other@example.test")
    data = json.loads(run("export_commenter", "ME@example.test"))
    assert data["email"] == "ME@example.test"
    assert [c["id"] for c in data["comments"]] == [comment.pk]
    exported = data["comments"][0]
    assert exported["body"] == "Mine." and exported["email_me_replies"] is True
    assert exported["story_url"] == comment.article.get_absolute_url()
