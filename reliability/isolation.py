"""Cache isolation through nginx: an editor signs in and browses every public
page through nginx; then fresh anonymous readers fetch the same pages through nginx and must
see nothing of the editor, get no cookie, and be served from the cache.

What a page legitimately shows (the editor is also a byline) is taken from gunicorn directly,
anonymously, before the editor signs in: a reader may see exactly that much, never more.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from loopback.clients import Browser
from loopback.servers import Site

# Pages a crawl from the front page may not reach; all are public and cacheable or not.
EXTRA_PATHS = [
    "/",
    "/search/?q=harbour",
    "/corrections/",
    "/support/",
    "/feed/",
    "/robots.txt",
    "/sitemap.xml",
    # Not /news-sitemap.xml: the sitemap index links it while it lists a story, and without one
    # it is a 404 (an empty news sitemap is invalid), which is not a page to cache.
    "/newsletter/",
]
# Not public pages, or not a page at all.
SKIP = ("/admin", "/moderation", "/static/", "/media/", "/comments/post/")
HREF = re.compile(r"""(?:href|src)=["']([^"'#]+)""")
TOKEN = re.compile(r"""name=["']csrfmiddlewaretoken["'] value=["']([^"']+)""")


def public_paths(site: Site, limit: int = 400) -> list[str]:
    """Every same-site address reachable from the front page and the sitemaps, anonymously,
    straight from gunicorn (so the crawl itself leaves nothing in nginx's cache)."""
    reader = Browser(site.gunicorn_url)
    seen: list[str] = []
    queue = list(EXTRA_PATHS)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen or path.startswith(SKIP):
            continue
        seen.append(path)
        response = reader.get(path, headers={"Host": "localhost"})
        if response.status != 200:
            continue
        text = response.text
        links = HREF.findall(text) + re.findall(r"<loc>([^<]+)</loc>", text)
        for link in links:
            absolute = urljoin("https://localhost" + path, link.replace("&amp;", "&"))
            parts = urlsplit(absolute)
            if parts.hostname != "localhost":
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen and target not in queue:
                queue.append(target)
    reader.close()
    return seen


@dataclass
class IsolationReport:
    paths: int = 0
    editor_statuses: Counter = field(default_factory=Counter)
    editor_cache: Counter = field(default_factory=Counter)
    anonymous_cache: Counter = field(default_factory=Counter)
    second_fetch_cache: Counter = field(default_factory=Counter)
    # The pages a second fresh reader was not served from the cache, with nginx's word for it.
    not_cached: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    cookies_to_readers: list[str] = field(default_factory=list)

    @property
    def hits(self) -> int:
        """Pages whose second anonymous fetch came from nginx's cache."""
        return self.second_fetch_cache.get("HIT", 0)


def check_isolation(site: Site, editor: str = "editor") -> IsolationReport:
    paths = public_paths(site)
    report = IsolationReport(paths=len(paths))
    full_name = site.shell(
        "from django.contrib.auth import get_user_model\n"
        f"print(get_user_model().objects.get(username={editor!r}).get_full_name())"
    ).strip()

    # What an anonymous reader may see: straight from the application, with no cache between.
    allowed: dict[str, dict[str, int]] = {}
    baseline = Browser(site.gunicorn_url)
    for path in paths:
        text = baseline.get(path, headers={"Host": "localhost"}).text
        allowed[path] = {"name": text.count(full_name), "admin": text.count("/admin/")}
    baseline.close()

    staff = Browser(site.nginx_url)
    staff.sign_in(editor, site.demo_password)
    secrets = {value for value in staff.cookies.values() if len(value) >= 16}
    for path in paths:
        response = staff.get(path)
        report.editor_statuses[response.status] += 1
        report.editor_cache[response.header("X-Cache-Status") or "-"] += 1
        secrets.update(TOKEN.findall(response.text))
    secrets.update(value for value in staff.cookies.values() if len(value) >= 16)
    staff.close()

    # Two fresh readers per page: the first may fill the cache, the second must be served it.
    for path in paths:
        for fetch_number in (1, 2):
            reader = Browser(site.nginx_url)
            response = reader.get(path)
            reader.close()
            status = response.header("X-Cache-Status") or "-"
            report.anonymous_cache[status] += 1
            if fetch_number == 2:
                report.second_fetch_cache[status] += 1
                if status != "HIT":
                    report.not_cached.append(f"{path}: {response.status} {status}")
            if response.headers.get_all("Set-Cookie"):
                report.cookies_to_readers.append(f"{path}: {response.header('Set-Cookie')}")
            text = response.text + str(response.headers)
            for secret in secrets:
                if secret in text:
                    report.leaks.append(f"{path}: the editor's session or CSRF value")
            if full_name and text.count(full_name) > allowed[path]["name"]:
                report.leaks.append(f"{path}: the editor's name beyond its bylines")
            if text.count("/admin/") > allowed[path]["admin"]:
                report.leaks.append(f"{path}: an /admin/ link")
    return report
