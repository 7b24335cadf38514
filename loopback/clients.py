"""Readers and editors as the battery plays them: a browser-like client with its own cookies and,
if asked, its own loopback address; a commenter that posts the way static/js/comments.js does;
and a parser for the fields of an HTML form, so the admin is driven as a browser drives it."""

from __future__ import annotations

import http.client
import json
import secrets
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie

from loopback.servers import Response, connect


class Browser:
    """One reader's keep-alive connection and cookie jar. Redirects are not followed, so a
    test sees exactly what the server answered. A dropped connection (a worker killed under it)
    is reopened on the next request; the failed request raises OSError or HTTPException."""

    def __init__(
        self,
        base_url: str,
        *,
        source_address: str | None = None,
        timeout: float = 15.0,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.source_address = source_address
        self.timeout = timeout
        # Sent with every request, e.g. the X-Forwarded-For a client would forge.
        self.headers = dict(headers or {})
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []
        self._conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def request(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> Response:
        all_headers = {"User-Agent": "newsroom-battery", **self.headers}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            # What a browser sends with a form; Django's CSRF check wants it over HTTPS.
            all_headers["Origin"] = self.base_url
            all_headers["Referer"] = self.base_url + path
        all_headers.update(headers or {})
        reused = self._conn is not None
        if self._conn is None:
            self._conn = connect(
                self.base_url, timeout=self.timeout, source_address=self.source_address
            )
        try:
            self._conn.request(method, path, body=body, headers=all_headers)
            raw = self._conn.getresponse()
            response = Response(raw.status, raw.headers, raw.read())
        except (OSError, http.client.HTTPException):
            self.close()
            # A kept-alive connection the server has since closed: a browser silently sends
            # a GET again on a new one. A POST's failure is the caller's to handle.
            if reused and method in {"GET", "HEAD"}:
                return self.request(method, path, headers=headers, body=body)
            raise
        if raw.will_close:
            self.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.set_cookie_headers.append(header)
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post_form(
        self,
        path: str,
        fields: list[tuple[str, str]] | dict[str, str],
        files: dict[str, tuple[str, bytes]] | None = None,
    ) -> Response:
        """POST `fields` (and `files`: name → (filename, bytes)) as a browser's form would."""
        items = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if not files:
            body = urllib.parse.urlencode(items).encode()
            content_type = "application/x-www-form-urlencoded"
        else:
            boundary = "----battery" + secrets.token_hex(12)
            parts: list[bytes] = []
            for name, value in items:
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n".encode()
                )
            for name, (filename, data) in files.items():
                head = (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                )
                parts.append(head.encode() + data + b"\r\n")
            parts.append(f"--{boundary}--\r\n".encode())
            body = b"".join(parts)
            content_type = f"multipart/form-data; boundary={boundary}"
        return self.request("POST", path, headers={"Content-Type": content_type}, body=body)

    def sign_in(self, username: str, password: str) -> None:
        """Sign in through the admin's login page, as an editor does."""
        page = self.get("/admin/login/")
        fields = form_fields(page.text, action_contains="/admin/login/")
        fields = [(k, v) for k, v in fields if k not in {"username", "password"}]
        fields += [("username", username), ("password", password), ("next", "/admin/")]
        response = self.post_form("/admin/login/?next=/admin/", fields)
        if response.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"Signing in as {username} failed: {response.status}")


# --- Forms ------------------------------------------------------------------------------------


class _FormParser(HTMLParser):
    """The successful controls of every form on a page, in document order, as a browser
    would submit them (checked boxes, selected options, textarea text; no submit buttons)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[dict[str, str], list[tuple[str, str]]]] = []
        self._select: tuple[str, bool] | None = None
        self._select_values: list[tuple[str, bool]] = []
        self._option: dict[str, str] | None = None
        self._option_text = ""
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((a, []))
        if not self.forms:
            return
        fields = self.forms[-1][1]
        if tag == "input" and a.get("name") and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], "multiple" in a)
            self._select_values = []
        elif tag == "option" and self._select is not None:
            self._option = a
            self._option_text = ""
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._text = ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data
        if self._option is not None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if not self.forms:
            return
        fields = self.forms[-1][1]
        if tag == "option" and self._option is not None:
            value = self._option.get("value", self._option_text.strip())
            self._select_values.append((value, "selected" in self._option))
            self._option = None
        elif tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = [v for v, selected in self._select_values if selected]
            if not chosen and not multiple and self._select_values:
                chosen = [self._select_values[0][0]]  # a browser submits the first option
            fields.extend((name, v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def form_fields(
    html: str, *, form_id: str = "", action_contains: str = ""
) -> list[tuple[str, str]]:
    """What a browser would submit from the form with this id (or whose action contains this),
    unchanged; the caller replaces what it wants to change."""
    parser = _FormParser()
    parser.feed(html)
    for attrs, fields in parser.forms:
        if form_id and attrs.get("id") == form_id:
            return fields
        if action_contains and action_contains in attrs.get("action", ""):
            return fields
        if not form_id and not action_contains:
            return fields
    raise LookupError(f"No form {form_id or action_contains!r} on the page.")


# --- Commenting -------------------------------------------------------------------------------


@dataclass
class PostResult:
    """One comment POST: the status (0 when the connection failed), the comment id the
    redirect named (None when nothing was stored for this reader to see) and the marker."""

    status: int
    comment_id: int | None
    marker: str
    seconds: float
    body: bytes = b""
    attempts: int = 1


@dataclass
class Commenter:
    """A reader who comments as static/js/comments.js does: ask /comments/form-token/ for a
    CSRF token and a signed stamp, write for a while, then post the form."""

    browser: Browser
    name: str = "Tamsin Loveday"
    email: str = "tamsin@example.test"
    stamps: list[tuple[str, int, float]] = field(default_factory=list)

    def fetch_stamp(self, article_id: int) -> None:
        response = self.browser.get(f"/comments/form-token/?article={article_id}")
        if response.status != 200:
            raise RuntimeError(f"form-token answered {response.status}")
        data = json.loads(response.body)
        self.csrf_token = data["csrf_token"]
        self.stamps.append((data["stamp"], article_id, time.monotonic()))

    def oldest_stamp_age(self) -> float:
        return time.monotonic() - self.stamps[0][2] if self.stamps else -1.0

    def post(self, marker: str, *, retries: int = 1) -> PostResult:
        """Post the oldest stamp's form with `marker` in the text. A connection that fails is
        retried with the same stamp (the same nonce), as a reader pressing the button again
        would: the server must store the comment once."""
        stamp, article_id, _ = self.stamps.pop(0)
        fields = {
            "name": self.name,
            "email": self.email,
            "body": f"Harbour note {marker}: the ferry ran on time and the quay was calm.",
            "notify_replies": "",
            "website": "",
            "parent": "",
            "stamp": stamp,
            "csrfmiddlewaretoken": self.csrf_token,
        }
        started = time.monotonic()
        for attempt in range(retries + 1):
            try:
                response = self.browser.post_form(f"/comments/post/{article_id}/", fields)
            except (OSError, http.client.HTTPException):
                if attempt == retries:
                    return PostResult(
                        0, None, marker, time.monotonic() - started, attempts=attempt + 1
                    )
                continue
            return PostResult(
                response.status,
                _comment_id(response),
                marker,
                time.monotonic() - started,
                response.body if response.status >= 400 else b"",
                attempt + 1,
            )
        raise AssertionError("unreachable")


def _comment_id(response: Response) -> int | None:
    """The stored comment a successful post redirects to (…#comment-<id>)."""
    if response.status not in {302, 303}:
        return None
    _, _, fragment = response.header("Location").partition("#comment-")
    return int(fragment) if fragment.isdigit() else None
