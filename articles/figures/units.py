"""What follows a number: a multiplier, a currency, a percentage, a measure or the noun it
counts ("42 attacks", "2,500 US troops", "154 $")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from articles.figures.vocabulary import (
    CURRENCY_SUBUNITS,
    CURRENCY_SYMBOLS,
    CURRENCY_WORDS,
    IRREGULAR_PLURALS,
    MEASURES,
    NOT_NOUNS,
    SCALES,
    SHORT_SCALES,
)


@dataclass
class _Candidate:
    start: int
    end: int
    value: Decimal
    unit: str = ""
    scaled: bool = False  # a multiplier was applied ("million", "bn")
    qualifier: str = ""
    is_word: bool = False
    notes: set[str] = field(default_factory=set)


def _extend_after(text: str, c: _Candidate, *, has_currency: bool) -> None:
    """Read what follows the number: a multiplier, currency, percent, unit or counted noun."""
    rest = text[c.end :]
    if not c.scaled and not c.is_word:
        m = re.match(r"\s?(thousand|million|billion|trillion|bn|mn)\b", rest, re.IGNORECASE)
        if m:
            c.value *= SCALES.get(m.group(1).lower(), SHORT_SCALES.get(m.group(1).lower(), 1))
            c.scaled = True
            c.end += m.end()
            rest = text[c.end :]
    if c.unit == "percent":
        return
    m = re.match(r"\s*(?:%|per\s?cent\b|percent\b|percentage points?\b)", rest, re.IGNORECASE)
    if m:
        points = "point" in m.group().lower()
        c.unit = "percentage points" if points else "percent"
        c.end += m.end()
        return
    if not has_currency and (after := currency_after(rest)):
        symbol, length = after
        c.unit = CURRENCY_SYMBOLS[symbol]
        c.end += length
        return
    if not has_currency:
        m = re.match(
            r"\s+(us dollars|pounds sterling|dollars|dollar|pounds|pound|euros|euro|yen|rupees|"
            r"pence|cents|usd|gbp|eur)\b",
            rest,
            re.IGNORECASE,
        )
        if m:
            word = m.group(1).lower()
            if word in CURRENCY_SUBUNITS:
                c.unit, divisor = CURRENCY_SUBUNITS[word]
                c.value /= divisor
            else:
                c.unit = CURRENCY_WORDS[word]
            c.end += m.end()
            return
    if c.unit:
        return  # currency symbol or attached measure already
    m = re.match(r"(?:\s+|-)([A-Za-z°/]+)\b", rest)
    if m and m.group(1).lower() in MEASURES:
        c.unit = MEASURES[m.group(1).lower()]
        if re.match(r"-(?:years?)-old\b", rest):
            c.unit = "years old"
        c.end += m.end()
        return
    noun = _counted_noun(rest)
    if noun:
        c.unit = noun


# Words that describe what is counted without being it: "120 new spaces", "40 more beds".
MODIFIERS = {"new", "old", "more", "extra", "other", "additional", "further", "fresh"}


def _counted_noun(rest: str) -> str:
    """'42 attacks' -> 'attacks', '212 grey seals' -> 'grey seals', '17 to 4' -> ''.

    Up to three words, ending at the first plural ("two coastal research vessels"); with no
    plural, the first word alone ("one year", "210 children" is caught as irregular).
    Capitalised modifiers ("2,500 US troops", "36 Iraqi persons") and words such as "new"
    count only when a plural noun follows them: "the 2020 Labour" is not a count.
    """
    words = re.match(r"(?:\s+[A-Za-z][A-Za-z'’-]*){1,3}", rest)
    if not words:
        return ""
    taken: list[str] = []
    for word in words.group().split():
        is_modifier = word[0].isupper() or word in MODIFIERS
        if (word in NOT_NOUNS and word not in MODIFIERS) or word.endswith(("'", "’")):
            break
        taken.append(word)
        if _is_plural(word) and (not word[0].isupper() or _is_acronym_plural(word)):
            return " ".join(taken)
        if not is_modifier and len(taken) > 1 and taken[0][0].isupper():
            return ""  # "36 Iraqi persons" yes; "36 Iraqi" then "went" no.
    first = taken[0] if taken else ""
    return "" if not first or first[0].isupper() or first in MODIFIERS else first


def _is_acronym_plural(word: str) -> bool:
    """ "MPs", "NGOs", "UAVs": capitals with a plural s are counted nouns, not names."""
    return len(word) > 2 and word[:-1].isupper() and word.endswith("s")


def currency_after(rest: str) -> tuple[str, int] | None:
    """A currency written after the number, as many outlets print it: "154 $", "2,500 €"."""
    m = re.match(r"\s?(US\$|[$£€¥₹])(?![\w$£€¥₹])", rest)
    if m is None:
        return None
    return m.group(1), m.end()


def _is_plural(word: str) -> bool:
    return word in IRREGULAR_PLURALS or (word.endswith("s") and not word.endswith(("ss", "us")))
