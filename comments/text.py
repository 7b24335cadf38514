"""Comment text: cleaning what readers type, showing it as safe HTML, quoting it in our mail
without its links, and folding names to compare what they look like.

A comment is plain text. On output every character is escaped, line breaks become <br>, and
web addresses become links marked `rel="nofollow ugc noopener"`; nothing else is interpreted.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

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


# --- Quoting in our mail --------------------------------------------------------------------
# Mail programs make links of anything that looks like an address, and a link in a message
# from the outlet's own address is trusted more than any in a comment. So addresses with a
# scheme are left out, and anything else a mail program would link (a host name, an IP
# address, an e-mail address's domain) has its dots bracketed: still readable, never a link.

_SCHEME_LINK_RE = re.compile(
    r"(?:\b[a-z][a-z0-9+.-]*://|\b(?:mailto|javascript|data|tel|sms|news|file):|www\.)[^\s<>]*",
    re.IGNORECASE,
)
# Full stops as IDNA reads them in a host name: ASCII, ideographic, fullwidth, halfwidth.
_DOT = "[.\u3002\uff0e\uff61]"
_HOST_RE = re.compile(rf"(?:[\w-]+{_DOT})+[^\W\d_]{{2,}}(?!\w)|\d{{1,3}}(?:{_DOT}\d{{1,3}}){{3}}")
LINK_LEFT_OUT = "[link removed]"


def defang(text: str) -> str:
    """The text with links left out and other web addresses made unclickable."""
    # The sentence's own punctuation after an address stays.
    text = _SCHEME_LINK_RE.sub(lambda m: LINK_LEFT_OUT + _split_url(m.group(0))[1], text)
    return _HOST_RE.sub(lambda m: re.sub(_DOT, "[.]", m.group(0)), text)


# --- Comparing names ------------------------------------------------------------------------
# Two names that look the same must compare equal, whatever letters they are typed with: the
# fold below is UTS #39's skeleton, made case-blind. NFKC first (fullwidth and mathematical
# letters, ligatures), then combining marks and invisible format characters go, look-alikes
# become the letter they pass for (comments/confusables.txt, one pair a line),
# case is folded, and the table is applied again for what case folding made. Only letters and
# digits are kept, so spacing and punctuation cannot tell two names apart.

_CONFUSABLES = Path(__file__).with_name("confusables.txt")
_DROPPED = {"Mn", "Me", "Cf"}


@functools.cache
def _lookalikes() -> dict[int, str]:
    table: dict[int, str] = {}
    for line in _CONFUSABLES.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lookalike, letter = line.split()
        table[ord(lookalike)] = letter
    # Follow chains (Greek iota → i → l) so a single pass reaches the last prototype.
    for key, value in table.items():
        for _ in range(4):
            value, before = value.translate(table), value
            if value == before:
                break
        table[key] = value
    return table


def _without_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if unicodedata.category(char) not in _DROPPED)


def name_key(name: str) -> str:
    """What a name looks like, as a string: equal keys for names a reader cannot tell apart."""
    table = _lookalikes()
    text = _without_marks(unicodedata.normalize("NFKC", name)).translate(table)
    text = _without_marks(text.casefold()).translate(table)
    return "".join(char for char in text if char.isalnum())
