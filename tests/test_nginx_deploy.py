"""The shipped nginx config in front of production gunicorn, on loopback: unknown hosts
dropped, HTTPS enforced with forward-secret AEAD suites only and no version in the Server
header, the anonymous cache used and bypassed when it must be, static files served by nginx,
the body limit, and the reader's address taken from nginx rather than from what a client
claims."""

from __future__ import annotations

import http.client
import socket
import ssl
import subprocess
import time

import pytest
from django.utils.crypto import salted_hmac

from comments.cookies import OWN_COMMENTS_COOKIE
from loopback.clients import Browser, Commenter
from loopback.servers import HOST, Site, fetch, insecure_tls_context

pytestmark = pytest.mark.live


def tls_request(site: Site, server_name: str, host: str) -> bytes:
    """One request over TLS with this SNI name and this Host header; what came back."""
    context = insecure_tls_context()
    with (
        socket.create_connection(("127.0.0.1", site.https_port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname=server_name) as conn,
    ):
        conn.sendall(f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        return conn.recv(4096)


def a_story(site: Site, n: int = 0) -> str:
    return list(site.story_ids())[n]


def stored_ip_hash(site: Site, comment_id: int) -> str:
    return site.shell(
        f"from comments.models import Comment\nprint(Comment.objects.get(pk={comment_id}).ip_hash)"
    ).strip()


def hash_for(site: Site, ip: str) -> str:
    """articles.request_ip.hash_ip as the live site computes it, with the live site's key."""
    return salted_hmac("comments.ip", ip, secret=site.secret_key, algorithm="sha256").hexdigest()


def comment_from(site: Site, base_url: str, address: str, headers: dict[str, str]) -> int | None:
    """Post one comment from `address` to `base_url`, sending `headers` with every request."""
    browser = Browser(base_url, source_address=address, headers=headers)
    commenter = Commenter(browser, name="Petroc Hale", email=f"petroc-{address}@example.test")
    commenter.fetch_stamp(site.story_ids()[a_story(site)])
    time.sleep(3.2)  # past the too-fast rule, as a reader typing would be
    result = commenter.post(f"LZ{address.replace('.', '')}x1z")
    browser.close()
    assert result.status == 302, (result.status, result.body[:300])
    return result.comment_id


# --- Unknown hosts --------------------------------------------------------------------------


def test_a_request_for_an_unknown_host_over_http_gets_no_answer(live_site: Site) -> None:
    with pytest.raises(http.client.RemoteDisconnected):
        fetch(live_site.nginx_http_url + "/", headers={"Host": "intruder.example"})


def test_a_tls_handshake_for_an_unknown_name_is_refused(live_site: Site) -> None:
    with pytest.raises(ssl.SSLError, match="UNRECOGNIZED_NAME"):
        tls_request(live_site, "intruder.example", "intruder.example")


def test_a_known_tls_name_with_an_unknown_host_header_gets_no_answer(live_site: Site) -> None:
    assert tls_request(live_site, HOST, "intruder.example") == b""
    assert tls_request(live_site, HOST, HOST).startswith(b"HTTP/1.1 200")


# --- TLS --------------------------------------------------------------------------------


def s_client(site: Site, *options: str) -> str:
    """What Debian's `openssl s_client` says about one handshake with the site's name."""
    address = f"127.0.0.1:{site.https_port}"
    result = subprocess.run(
        ["openssl", "s_client", "-connect", address, "-servername", HOST, *options],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=15,
        check=False,
    )
    return result.stdout + result.stderr


def test_tls_1_1_is_refused_by_the_server(live_site: Site) -> None:
    # Security level 0 lets this client offer TLS 1.1 at all, so the refusal is nginx's.
    said = s_client(live_site, "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0")

    assert "alert protocol version" in said
    assert "Cipher is (NONE)" in said


@pytest.mark.parametrize(
    "suite",
    [
        "AES128-SHA",  # RSA key exchange, CBC, SHA-1
        "AES128-GCM-SHA256",  # RSA key exchange: no forward secrecy
        "ECDHE-RSA-AES128-SHA",  # forward-secret but CBC with SHA-1
    ],
)
def test_tls_1_2_refuses_suites_without_forward_secrecy_or_aead(
    live_site: Site, suite: str
) -> None:
    said = s_client(live_site, "-tls1_2", "-cipher", suite)

    assert "alert handshake failure" in said
    assert "Cipher is (NONE)" in said


@pytest.mark.parametrize("suite", ["ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-CHACHA20-POLY1305"])
def test_tls_1_2_accepts_ecdhe_with_an_aead_cipher(live_site: Site, suite: str) -> None:
    assert f"New, TLSv1.2, Cipher is {suite}" in s_client(live_site, "-tls1_2", "-cipher", suite)


def test_tls_1_3_is_accepted(live_site: Site) -> None:
    assert "New, TLSv1.3, Cipher is TLS_" in s_client(live_site, "-tls1_3")


def test_the_server_s_order_of_suites_wins_over_the_client_s(live_site: Site) -> None:
    said = s_client(
        live_site, "-tls1_2", "-cipher", "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256"
    )

    assert "Cipher is ECDHE-RSA-AES128-GCM-SHA256" in said


def test_nginx_does_not_tell_its_version(live_site: Site) -> None:
    page = fetch(live_site.nginx_url + "/")
    redirect = fetch(live_site.nginx_http_url + "/")
    refused = fetch(
        live_site.nginx_url + "/",
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=b"x" * (17 * 1024 * 1024),
    )

    assert [page.status, redirect.status, refused.status] == [200, 301, 413]
    assert [r.header("Server") for r in (page, redirect, refused)] == ["nginx"] * 3
    assert b"nginx/" not in redirect.body + refused.body


# --- HTTPS and the cache ----------------------------------------------------------------


def test_plain_http_is_redirected_to_https_keeping_the_address(live_site: Site) -> None:
    response = fetch(live_site.nginx_http_url + a_story(live_site) + "?from=feed")

    assert response.status == 301
    assert response.header("Location") == f"https://{HOST}{a_story(live_site)}?from=feed"


def test_an_anonymous_story_is_served_from_nginx_cache_the_second_time(live_site: Site) -> None:
    url = live_site.nginx_url + a_story(live_site, 1) + "?edition=deploy-test"

    first, second = fetch(url), fetch(url)

    assert (first.status, second.status) == (200, 200)
    assert first.header("X-Cache-Status") == "MISS"
    assert second.header("X-Cache-Status") == "HIT"
    assert second.body == first.body
    assert not second.headers.get_all("Set-Cookie")


@pytest.mark.parametrize("cookie", ["sessionid", "csrftoken", OWN_COMMENTS_COOKIE, "messages"])
def test_a_personal_cookie_bypasses_the_cache_and_is_never_stored(
    live_site: Site, cookie: str
) -> None:
    url = live_site.nginx_url + a_story(live_site, 2) + f"?edition=bypass-{cookie}"
    personal = fetch(url, headers={"Cookie": f"{cookie}=battery-personal-value"})
    anonymous = fetch(url)

    assert personal.status == 200
    assert personal.header("X-Cache-Status") == "BYPASS"
    # Had the personal response been stored, this would be a HIT.
    assert anonymous.header("X-Cache-Status") == "MISS"


def test_static_files_are_served_by_nginx_with_a_year_of_caching(live_site: Site) -> None:
    page = fetch(live_site.nginx_url + "/").text
    stylesheet = next(
        part.split('"')[0] for part in page.split('href="')[1:] if part.startswith("/static/")
    )
    requests_before = live_site.gunicorn_access_log().count(stylesheet)

    response = fetch(live_site.nginx_url + stylesheet)

    assert response.status == 200
    assert response.headers.get_all("Cache-Control") == ["public, max-age=31536000, immutable"]
    assert live_site.gunicorn_access_log().count(stylesheet) == requests_before


def test_the_favicon_is_served_by_nginx_without_asking_gunicorn(live_site: Site) -> None:
    requests_before = live_site.gunicorn_access_log().count("/favicon.ico")

    response = fetch(live_site.nginx_url + "/favicon.ico")

    assert response.status == 200
    assert response.body.startswith(b"\x00\x00\x01\x00")  # an ICO file's header
    assert response.headers.get_all("Cache-Control") == ["public, max-age=86400"]
    assert live_site.gunicorn_access_log().count("/favicon.ico") == requests_before


def test_a_body_over_the_limit_is_refused_by_nginx_before_gunicorn(live_site: Site) -> None:
    path = f"/comments/post/{live_site.story_ids()[a_story(live_site)]}/"
    posts_before = live_site.gunicorn_access_log().count(path)
    response = fetch(
        live_site.nginx_url + path,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=b"body=" + b"x" * (17 * 1024 * 1024),
    )

    assert response.status == 413
    assert live_site.gunicorn_access_log().count(path) == posts_before


# --- Taking a story down ---------------------------------------------------------------------


def drill_story(site: Site, slug: str) -> tuple[int, str]:
    """A live story of the test's own, dated before every demo story so that the order the
    other tests pick stories by is unchanged; its id and address."""
    out = site.shell(
        "import datetime as dt\n"
        "from articles.models import Article\n"
        "oldest = Article.objects.published().order_by('published_at', 'pk').first()\n"
        f"story = Article.objects.create(headline='Takedown drill', slug={slug!r},"
        " section=oldest.section, standfirst='A story to pull.', body='<p>Nothing here.</p>')\n"
        "story.publish(by=None, at=oldest.published_at - dt.timedelta(days=1))\n"
        "print(story.pk, story.get_absolute_url())"
    )
    pk, path = out.split()
    return int(pk), path


def change_story(site: Site, pk: int, change: str) -> None:
    """Run `change` on the story in the live site's own process, as an editor's would."""
    site.shell(
        f"from articles.models import Article\nstory = Article.objects.get(pk={pk})\n{change}"
    )


def remove_story(site: Site, pk: int) -> None:
    site.shell(f"from articles.models import Article\nArticle.objects.filter(pk={pk}).delete()")


def cached_twice(site: Site, path: str) -> None:
    first, second = fetch(site.nginx_url + path), fetch(site.nginx_url + path)
    assert (first.status, first.header("X-Cache-Status")) == (200, "MISS")
    assert (second.status, second.header("X-Cache-Status")) == (200, "HIT")


@pytest.mark.parametrize(
    "taken_down, change, status",
    [
        ("unpublished", "story.return_to_draft(by=None)", 404),
        ("deleted", "story.delete()", 404),
        ("moved", "story.slug += '-moved'\nstory.save()", 301),
    ],
)
def test_a_story_taken_down_is_gone_from_nginx_s_cache_at_once(
    live_site: Site, taken_down: str, change: str, status: int
) -> None:
    pk, path = drill_story(live_site, f"takedown-drill-{taken_down}")
    cached_twice(live_site, path)

    change_story(live_site, pk, change)
    after = fetch(live_site.nginx_url + path)

    assert after.status == status
    assert after.header("X-Cache-Status") == "MISS"
    remove_story(live_site, pk)


def test_only_the_app_s_address_may_purge(live_site: Site) -> None:
    pk, path = drill_story(live_site, "purge-from-a-stranger")
    cached_twice(live_site, path)

    stranger = fetch(live_site.nginx_purge_url + path, method="PURGE", source_address="127.0.1.9")

    assert stranger.status == 403
    assert fetch(live_site.nginx_url + path).header("X-Cache-Status") == "HIT"
    remove_story(live_site, pk)
    assert fetch(live_site.nginx_url + path).status == 404


# --- The reader's address (item 0) ---------------------------------------------------------


def test_behind_nginx_each_reader_is_known_by_their_own_address(live_site: Site) -> None:
    """Two readers post through nginx one after the other: both get through (one shared
    flood bucket would refuse the second) and each is stored under their own address."""
    first = comment_from(live_site, live_site.nginx_url, "127.0.1.31", {})
    second = comment_from(live_site, live_site.nginx_url, "127.0.1.32", {})

    assert first is not None and second is not None
    assert stored_ip_hash(live_site, first) == hash_for(live_site, "127.0.1.31")
    assert stored_ip_hash(live_site, second) == hash_for(live_site, "127.0.1.32")


def test_a_forwarded_address_sent_by_the_client_through_nginx_is_not_trusted(
    live_site: Site,
) -> None:
    claims = {"X-Forwarded-For": "203.0.113.77", "X-Real-IP": "203.0.113.78"}

    comment = comment_from(live_site, live_site.nginx_url, "127.0.1.33", claims)

    assert comment is not None
    assert stored_ip_hash(live_site, comment) == hash_for(live_site, "127.0.1.33")


def test_a_forwarded_address_sent_straight_to_gunicorn_is_not_trusted(live_site: Site) -> None:
    """Only the proxy's own address (loopback 127.0.0.1 by default) may name the reader."""
    claims = {"X-Forwarded-For": "203.0.113.79", "X-Real-IP": "203.0.113.80"}

    comment = comment_from(live_site, live_site.gunicorn_url, "127.0.1.34", claims)

    assert comment is not None
    assert stored_ip_hash(live_site, comment) == hash_for(live_site, "127.0.1.34")


def test_the_battery_s_vulnerable_pages_are_not_on_a_production_site(live_site: Site) -> None:
    for path in ("/__battery__/", "/__battery__/echo/?q=x", "/__battery__/lookup/?p=1"):
        assert fetch(live_site.nginx_url + path).status == 404, path


GZIP = {"Accept-Encoding": "gzip"}


def test_answers_too_small_to_gain_are_sent_as_they_are(live_site: Site) -> None:
    assert _sizes(live_site, "/robots.txt")[2] == ""  # under gzip_min_length


def _sizes(site: Site, path: str) -> tuple[int, int, str]:
    """(bytes without compression, bytes with, Content-Encoding with)."""
    plain = fetch(site.nginx_url + path)
    packed = fetch(site.nginx_url + path, headers=GZIP)
    assert plain.status == packed.status == 200, path
    return len(plain.body), len(packed.body), packed.header("Content-Encoding")


@pytest.mark.parametrize("path", ["/feed/", "/sitemap.xml", "/"])
def test_nginx_compresses_pages_feeds_and_sitemaps(live_site: Site, path: str) -> None:
    plain, packed, encoding = _sizes(live_site, path)
    print(f"\n{path}: {plain:,} bytes, {packed:,} gzipped ({1 - packed / plain:.0%} saved)")
    assert encoding == "gzip"
    assert packed < plain


def test_static_files_are_sent_as_the_gz_files_collectstatic_wrote(live_site: Site) -> None:
    page = fetch(live_site.nginx_url + "/").text
    stylesheet = next(
        part.split('"')[0] for part in page.split('href="')[1:] if part.startswith("/static/")
    )
    stored = live_site.workdir / "static" / (stylesheet.removeprefix("/static/") + ".gz")
    assert stored.exists()

    plain, packed, encoding = _sizes(live_site, stylesheet)

    print(f"\n{stylesheet}: {plain:,} bytes, {packed:,} as its .gz file")
    assert encoding == "gzip"
    assert packed == stored.stat().st_size  # the file itself, not compressed again
