"""Word-level differences between two versions of a text, and a body's HTML as the words a
reader sees. Pure text: no model, no database (the history pages build on it)."""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass
from typing import Literal

# Where one block of the body ends and the next begins: a reader sees a break, so the words
# either side must not run together ("harbour.</p><p>The" is two words, not "harbour.The").
_BLOCK_END = re.compile(
    r"</(p|h[1-6]|li|blockquote|figcaption|figure|ul|ol|pre)\s*>|<br\s*/?>", re.I
)
_TAG = re.compile(r"<[^>]*>")
_WORDS = re.compile(r"\s+|[^\s]+")

Op = Literal["same", "added", "removed"]


@dataclass(frozen=True)
class Piece:
    op: Op
    text: str


def reader_text(body_html: str) -> str:
    """The words of a story body as a reader sees them: tags gone, entities decoded, one
    blank line between blocks."""
    text = _BLOCK_END.sub("\n\n", body_html or "")
    text = html.unescape(_TAG.sub("", text))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n\n".join(line for line in lines if line)


def word_diff(old: str, new: str) -> list[Piece]:
    """`old` → `new` as a list of unchanged, removed and added runs of whole words.

    Whitespace is kept with the words so the pieces join back into either text; a paragraph
    break counts as a change only when it moved.
    """
    a, b = _WORDS.findall(old or ""), _WORDS.findall(new or "")
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _add(pieces, "same", "".join(a[i1:i2]))
            continue
        if tag in {"delete", "replace"}:
            _add(pieces, "removed", "".join(a[i1:i2]))
        if tag in {"insert", "replace"}:
            _add(pieces, "added", "".join(b[j1:j2]))
    return pieces


def _add(pieces: list[Piece], op: Op, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1].op == op:
        pieces[-1] = Piece(op, pieces[-1].text + text)
    else:
        pieces.append(Piece(op, text))


def count_words(pieces: list[Piece], op: Op) -> int:
    return sum(len(piece.text.split()) for piece in pieces if piece.op == op)
