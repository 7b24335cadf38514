"""Citations still to be made, and links readers cannot judge. Pure text: no models.

Wire copy marks a citation still to be linked with a bare capitalised word where the sentence
or paragraph ends ("…the coalition has confirmed. LINK"); others type "(LINK)", "[LINK]" or
"LINK TK". `typed_placeholders(html)` finds those outside links. `link_placeholders(html)` finds
links with no real address, whatever their text; `vague_links(html)` the links that have an
address but whose words ("LINK", "here", "click here") do not tell readers where they go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from articles.figures import text_from_html
from articles.links import links_in

# The words of a link that is only a stand-in: "LINK", "[link]", "TK", "URL", "href".
PLACEHOLDER_WORDS = re.compile(
    r"^[\[(<{]*\s*(?:link(?:\s+here)?|url|tk|tbc|xx+|href)\s*[\])>}]*$", re.I
)
# Link words that say nothing of the destination. A real address behind them is still a
# citation, so this is advice, not a reason to hold the story.
VAGUE_WORDS = re.compile(
    r"^[\[(]*\s*(?:link|url|here|click\s+here|this|this\s+link|read\s+more|more|source|tk)"
    r"\s*[\])]*[.!:]?$",
    re.I,
)
# Typed markers anywhere: "(LINK)", "[LINK]", "LINK TK", "LINK??".
BRACKETED = re.compile(r"[\[(]\s*(?:LINK|URL|TK)\s*[\])]|\bLINK\s+TK\b|\bLINK\s*\?\?+")
# A bare capitalised marker that ends a sentence or a paragraph: "confirmed. LINK",
# "confirmed LINK.", "confirmed LINK" at the end of a line. Only in capitals: "a link in the
# chain" and "the URL" are words, not markers.
TRAILING = re.compile(
    r"(?<![\w’'\-\[(])(?P<marker>LINK|URL|TK)(?![\w’'\-])"
    r"(?=[ \t\])]*(?:[.!?;:][ \t\"”’)\]]*)?(?:\n|$)|[.!?](?:\s|$))",
)
ADDRESSLESS = {"", "#", "http://", "https://", "about:blank"}


@dataclass(frozen=True)
class Placeholder:
    """A citation still to be made: the marker as typed and the words it follows."""

    text: str
    context: str


def link_placeholders(html: str) -> list[str]:
    """The words of each link without a real address: no href, "#", or a placeholder href."""
    found = []
    for link in links_in(html):
        href = (link.href or "").strip()
        if href.lower() in ADDRESSLESS or PLACEHOLDER_WORDS.match(href):
            found.append(link.text or "(empty link)")
    return found


def vague_links(html: str) -> list[str]:
    """The words of each link with an address whose text does not name where it goes."""
    found = []
    for link in links_in(html):
        href = (link.href or "").strip()
        if href.lower() in ADDRESSLESS or PLACEHOLDER_WORDS.match(href):
            continue
        if VAGUE_WORDS.match(link.text):
            found.append(link.text)
    return found


def typed_placeholders(text: str) -> list[Placeholder]:
    """Markers typed into plain text (a headline, a caption, a body with its links removed)."""
    found: list[tuple[int, Placeholder]] = []
    taken: list[tuple[int, int]] = []
    for match in BRACKETED.finditer(text):
        taken.append(match.span())
        found.append((match.start(), Placeholder(match.group(), _context(text, match.start()))))
    for match in TRAILING.finditer(text):
        start = match.start()
        if any(s <= start < e for s, e in taken) or _in_capitals(text, start):
            continue
        found.append((start, Placeholder(match.group("marker"), _context(text, start))))
    return [placeholder for _, placeholder in sorted(found, key=lambda item: item[0])]


def body_placeholders(html: str) -> list[Placeholder]:
    """Typed markers in a story body, outside its links (a linked "LINK" is a link)."""
    return typed_placeholders(text_from_html(without_links(html)))


def without_links(html: str) -> str:
    """The HTML with every link and its words removed (cleaned HTML: links do not nest)."""
    return re.sub(r"<a\b[^>]*>.*?</a>", " ", html or "", flags=re.S | re.I)


def _in_capitals(text: str, start: int) -> bool:
    """ "THE MISSING LINK." in an all-capitals line is a word, not a marker."""
    before = re.findall(r"[A-Za-z]+", text[max(0, start - 40) : start].split("\n")[-1])
    return bool(before) and before[-1].isupper() and len(before[-1]) > 1


def _context(text: str, start: int, limit: int = 60) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    before = " ".join(text[line_start:start].split())
    if len(before) > limit:
        # Cut at a word: "…by the end of the month, its command has confirmed."
        before = "…" + before[-limit:].split(" ", 1)[-1]
    return before
