"""Plain text from story HTML, and the sentences of a text: shared by the figure finder and
the quote detector."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9£$€])|\n+")
_ABBREVIATIONS = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|St|Prof|Gen|Col|Capt|Lt|Sgt|Rev|No|Nos|vs|approx|Inc|Ltd|Co|Jr|Sr|"
    r"U\.S|U\.K|e\.g|i\.e|[A-Z])\.$"
)


_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "br", "div", "tr", "ul"}


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_from_html(html: str) -> str:
    """The words of a story body, one block (paragraph, heading, item) per line."""
    parser = _TextParser()
    parser.feed(html or "")
    parser.close()
    text = "".join(parser.parts)
    return re.sub(r"\n\s*\n+", "\n", text).strip()


def looks_like_html(text: str) -> bool:
    return bool(re.search(r"<(?:p|div|h[1-6]|a|ul|ol|li|br|span|html|body)\b[^>]*>", text, re.I))


def sentences(text: str) -> list[tuple[int, int, str]]:
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group().strip("\n") and _ABBREVIATIONS.search(text[start : match.start()]):
            continue
        spans.append((start, match.start(), text[start : match.start()].strip()))
        start = match.end()
    spans.append((start, len(text), text[start:].strip()))
    return spans
