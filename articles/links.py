"""Links in HTML and the address two links to one document share. Pure text: no models."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings

# Query parameters that say how a reader arrived, never which document they reached.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "_ga",
        "_gl",
        "ocid",
        "cmpid",
        "smid",
    }
)
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "hsa_")
DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_url(url: str) -> str:
    """The form of `url` that two links to the same document share.

    Scheme and host are lower-cased, `http` and `https` are treated alike (one document served
    both ways is still one source), default ports, user names, fragments, trailing slashes and
    tracking parameters (`utm_*`, `fbclid`…) are dropped, and the remaining query parameters are
    sorted. The path keeps its case: servers may tell `/Report` from `/report`.
    Raises ValueError for anything that is not an http(s) address with a host.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"Not a web address: {url!r}")
    host = parts.hostname.rstrip(".").lower()
    # International names match in their ASCII form; one that will not encode matches as is.
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    port = parts.port
    if port and port != DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in TRACKING_PARAMETERS and not key.lower().startswith(TRACKING_PREFIXES)
    )
    return urlunsplit(("https", host, path, urlencode(query), ""))


@dataclass(frozen=True)
class Link:
    href: str | None
    text: str


@dataclass(frozen=True)
class ExternalLink(Link):
    """A link to another site's page, which always has an address."""

    href: str


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []
        self._open: list[tuple[str | None, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._open.append((dict(attrs).get("href"), []))

    def handle_data(self, data: str) -> None:
        for _, text in self._open:
            text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open:
            href, text = self._open.pop()
            self.links.append(Link(href=href, text=" ".join("".join(text).split())))

    def close(self) -> None:
        super().close()
        while self._open:  # An unclosed <a> still counts.
            href, text = self._open.pop()
            self.links.append(Link(href=href, text=" ".join("".join(text).split())))


def links_in(html: str) -> list[Link]:
    """Every `<a>` in `html`, in order, with its href (None if absent) and its text."""
    parser = _LinkParser()
    parser.feed(html or "")
    parser.close()
    return parser.links


def _own_hosts() -> set[str]:
    return {urlsplit(settings.SITE_URL).hostname or "", *settings.ALLOWED_HOSTS} - {""}


def external_links(html: str) -> dict[str, ExternalLink]:
    """External web links in `html`, keyed by normalised address, first occurrence kept."""
    own = _own_hosts()
    found: dict[str, ExternalLink] = {}
    for link in links_in(html):
        if not link.href:
            continue
        try:
            key = normalize_url(link.href)
        except ValueError:
            continue  # mailto:, relative and fragment links are not sources.
        if urlsplit(key).hostname in own:
            continue  # A link to our own story is not a source.
        if len(key) > 1000 or len(link.href) > 1000:
            continue  # Longer than the registry keeps; such an address is not a citation.
        found.setdefault(key, ExternalLink(href=link.href, text=link.text))
    return found
