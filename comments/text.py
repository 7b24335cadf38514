"""Comment text: cleaning what readers type, and showing it as safe HTML.

A comment is plain text. On output every character is escaped, line breaks become <br>, and
web addresses become links marked `rel="nofollow ugc noopener"`; nothing else is interpreted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

URL_RE = re.compile(r"""(?:https?://|www\.)[^\s<>"'`]+""", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""
# Bidirectional overrides and isolates let a name or comment display differently from what it
# is (the "RTL override" spoof); zero-width characters hide words from the word lists.
_INVISIBLE = {
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d",
    "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\ufeff",
}  # fmt: skip


def clean_text(value: str, *, multiline: bool) -> str:
    """Drop control and invisible formatting characters; keep line breaks where allowed."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for char in value:
        if char == "\n":
            kept.append(char if multiline else " ")
        elif char == "\t":
            kept.append(" ")
        elif char in _INVISIBLE or unicodedata.category(char) in {"Cc", "Cs"}:
            continue
        else:
            kept.append(char)
    text = "".join(kept)
    if not multiline:
        return " ".join(text.split())
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _split_url(match: str) -> tuple[str, str]:
    url = match.rstrip(_TRAILING)
    return url, match[len(url) :]


def find_links(text: str) -> list[str]:
    return [_split_url(m.group(0))[0] for m in URL_RE.finditer(text)]


def word_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """Whole words or phrases, case-insensitive; 'liar' does not match 'familiar'."""
    alternatives = sorted({w.strip().lower() for w in words if w.strip()}, key=len, reverse=True)
    if not alternatives:
        return None
    joined = "|".join(r"\s+".join(map(re.escape, w.split())) for w in alternatives)
    return re.compile(rf"(?<!\w)(?:{joined})(?!\w)", re.IGNORECASE)


def render_body(text: str, *, links: bool = True, highlight: Iterable[str] = ()) -> SafeString:
    """Escape everything, keep line breaks, link web addresses, <mark> the given words."""
    words = word_pattern(highlight)
    pattern = URL_RE.pattern + (f"|{words.pattern}" if words else "")
    combined = re.compile(pattern, re.IGNORECASE)
    out: list[str] = []
    position = 0
    for match in combined.finditer(text):
        out.append(escape(text[position : match.start()]))
        token = match.group(0)
        if URL_RE.fullmatch(token):
            url, rest = _split_url(token)
            href = url if "://" in url else f"http://{url}"
            if links:
                out.append(
                    f'<a href="{escape(href)}" rel="nofollow ugc noopener">{escape(url)}</a>'
                )
            else:
                out.append(f"<mark>{escape(url)}</mark>")
            out.append(escape(rest))
        else:
            out.append(f"<mark>{escape(token)}</mark>")
        position = match.end()
    out.append(escape(text[position:]))
    # Safe: every piece of the reader's text went through escape() above.
    return mark_safe("".join(out).replace("\n", "<br>\n"))  # noqa: S308  # nosec B308 B703
