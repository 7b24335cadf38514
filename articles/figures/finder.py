"""The figure finder: `find_figures(text)`, each numeric claim with its value and unit."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from articles.figures.plaintext import sentences, text_from_html
from articles.figures.units import _Candidate, _extend_after, _is_plural
from articles.figures.vocabulary import (
    ATTACHED_MEASURES,
    CURRENCY_SYMBOLS,
    FUNCTION_WORDS,
    LABEL_WORDS,
    MEASURES,
    MONTH_RE,
    MONTHS,
    NUMBER_WORD_RE,
    QUALIFIERS,
    SCALES,
    SHORT_SCALES,
    UNITS,
    WEEKDAYS,
    YEAR_WORDS,
)

_DIGITS = re.compile(
    r"""
    (?P<currency>US\$|A\$|C\$|NZ\$|HK\$|[$£€¥₹]|(?:USD|EUR|GBP)\s?)?
    (?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
    (?P<tail>%|[A-Za-z°]+(?:/h)?)?
    """,
    re.VERBOSE,
)
_WORDS = re.compile(
    rf"""
    (?P<currency>US\$|[$£€¥])?
    (?P<words>(?:\ban?\s+(?=(?:dozen|hundred|thousand|million|billion)\b))?
    (?:\b(?:{NUMBER_WORD_RE}|dozen)\b)
    (?:(?:\s+and\s+|[\s-]+)\b(?:{NUMBER_WORD_RE}|dozen)\b)*)
    """,
    re.VERBOSE | re.IGNORECASE,
)
_EXCLUDED = [
    re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b"),  # 2021-03-12
    re.compile(r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b"),  # 12/03/2021
    re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:am|pm|a\.m\.|p\.m\.))?", re.IGNORECASE),
    re.compile(r"\b\d{1,2}(?:\.\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)(?!\w)", re.IGNORECASE),
    re.compile(rf"\b(?:\d{{1,2}}|{NUMBER_WORD_RE})\s+o['’]clock\b", re.IGNORECASE),
    re.compile(
        rf"\b\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+(?:{MONTH_RE})\.?\b(?:,?\s+\d{{4}})?",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?:{MONTH_RE})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?!,\d)(?:,?\s+\d{{4}})?",
        re.IGNORECASE,
    ),
    re.compile(rf"\b(?:{MONTH_RE})\.?\s+\d{{4}}\b", re.IGNORECASE),
    re.compile(r"\b(?:19|20)\d{2}\s*[-–/]\s*(?:(?:19|20)?\d{2})\b(?!\s+[a-z]+s\b)"),  # 2019-20
    re.compile(r"['’]\d{2}s?\b|\b\d{2,4}s\b"),  # the '90s, the 1990s
    re.compile(r"\+?\b\d{3,5}\s\d{3}\s?\d{3,4}\b"),  # telephone numbers
    # Match scores: "the 2-1 win", "won 3–0".
    re.compile(
        r"\b(?:won|lost|drew|beat|beaten|led|trailed|trailing)\s+\d{1,2}\s*[-–]\s*\d{1,2}\b"
    ),
    re.compile(r"\b\d{1,2}\s*[-–]\s*\d{1,2}\s+(?:win|victory|defeat|draw|loss|lead|home|away)\b"),
]


@dataclass(frozen=True)
class FoundFigure:
    """A number as the story writes it, where it stands and what it means."""

    start: int
    end: int
    text: str
    value: Decimal
    unit: str
    sentence: str
    qualifier: str = ""

    def as_json(self) -> dict[str, str | int]:
        return {
            "text": self.text,
            "value": format_decimal(self.value),
            "unit": self.unit,
            "qualifier": self.qualifier,
            "start": self.start,
            "end": self.end,
            "sentence": self.sentence,
        }


def format_decimal(value: Decimal) -> str:
    """'3000000', '4.2', '0.5': no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return text


# --- The finder ---------------------------------------------------------------------------------


def find_figures(text: str) -> list[FoundFigure]:
    """Each numeric claim in `text`, in order, with its span, value, unit and sentence."""
    excluded = _excluded_spans(text)
    candidates = [
        c
        for c in [*_digit_candidates(text), *_word_candidates(text)]
        if not any(s <= c.start < e or s < c.end <= e for s, e in excluded)
    ]
    candidates.sort(key=lambda c: c.start)
    candidates = _share_units_across_ranges(text, candidates)
    spans = sentences(text)
    found = []
    for c in candidates:
        sentence = next((s for start, end, s in spans if start <= c.start < end), "")
        found.append(
            FoundFigure(
                start=c.start,
                end=c.end,
                text=text[c.start : c.end],
                value=c.value,
                unit=c.unit,
                sentence=sentence,
                qualifier=c.qualifier,
            )
        )
    return found


def find_figures_in_html(html: str) -> tuple[str, list[FoundFigure]]:
    """The body's text and the figures in it (spans refer to that text)."""
    text = text_from_html(html)
    return text, find_figures(text)


def _excluded_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for pattern in _EXCLUDED for m in pattern.finditer(text)]


def _previous_words(text: str, start: int, count: int = 3) -> list[str]:
    return re.findall(r"[\w.'’$£€]+", text[max(0, start - 60) : start])[-count:]


def _is_sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(' \t"“‘(')
    return not before or before[-1] in ".!?\n:;"


def _preceding_word_is_name(text: str, start: int) -> bool:
    """A capitalised word that is not sentence-initial: "Route 66", "Boeing 747"."""
    match = re.search(r"([A-Za-z][\w'’-]*)[ \t]+$", text[max(0, start - 40) : start])
    if not match:
        return False
    word = match.group(1)
    word_start = start - len(match.group(0))
    if not word[0].isupper() or word.lower() in FUNCTION_WORDS:
        return False
    if word.lower() in MONTHS or word.lower() in WEEKDAYS:
        return True  # a date such as "March 2021" or "Tuesday 12"
    return not _is_sentence_start(text, word_start)


def _qualifier(text: str, start: int) -> str:
    before = text[max(0, start - 30) : start].lower()
    for qualifier in QUALIFIERS:
        if re.search(rf"(?:^|[\s(]){re.escape(qualifier)}\s+$", before):
            return qualifier
    return ""


def _digit_candidates(text: str) -> list[_Candidate]:
    found = []
    for match in _DIGITS.finditer(text):
        start, end = match.span()
        currency = match.group("currency")
        number = match.group("number")
        tail = match.group("tail") or ""
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        # Part of a longer token: "G7", "F-35", "COVID-19", "A4", "v2.0".
        if before.isalnum() or before in "_@#/\\" or (before in ".," and start > 1):
            continue
        if before in "-–" and start > 1 and text[start - 2].isalpha():
            continue
        if before == "(" and start > 1 and text[start - 2].isalnum():
            continue  # "alert(1)", "Section 4(2)": code and references, not quantities
        if after in "_/":
            continue  # "1/2", "24/7", codes
        if re.match(r"0\d", number):
            continue  # codes and clock times: "07", "0800"
        value = Decimal(number.replace(",", ""))
        c = _Candidate(start=start, end=end, value=value)
        lowered = tail.lower()
        if lowered in {"st", "nd", "rd", "th"}:
            continue  # ordinal
        if lowered == "%":
            c.unit = "percent"
        elif lowered in SHORT_SCALES and (currency or lowered in {"bn", "mn", "tn", "k"}):
            c.value *= SHORT_SCALES[lowered]
            c.scaled = True
        elif lowered in ATTACHED_MEASURES or lowered == "km/h":
            c.unit = MEASURES.get(lowered, lowered) if lowered != "mi" else "miles"
        elif lowered in {"p"} and not currency:
            c.value /= 100
            c.unit = "GBP"
        elif tail:
            # "3D", "4x4", "747s", "5G": a name or a code.
            c.end = start + len(currency or "") + len(number)
            if tail[0].isalpha():
                continue
        if currency:
            c.unit = CURRENCY_SYMBOLS.get(currency) or currency.strip()
        if _preceding_word_is_name(text, start):
            continue
        previous = [w.lower() for w in _previous_words(text, start, 2)]
        if previous and (previous[-1] in LABEL_WORDS or previous[-1] in {"no.", "#"}):
            continue
        if before == "#":
            continue
        _extend_after(text, c, has_currency=bool(currency))
        if _is_year(text, c, number, currency, tail):
            continue
        if _is_time_after_at(text, c):
            continue
        if _is_address(text, c):
            continue
        c.qualifier = _qualifier(text, start)
        found.append(c)
    return found


def _word_value(words: str) -> Decimal | None:
    """'two hundred and fifty' -> 250, 'a dozen' -> 12, 'three million' -> 3000000."""
    tokens = [t for t in re.split(r"[\s-]+", words.lower()) if t and t != "and"]
    if tokens and tokens[0] in {"a", "an"}:
        tokens[0] = "one"
    total, current = 0, 0
    for token in tokens:
        if token in UNITS:
            current += UNITS[token]
        elif token == "dozen":  # noqa: S105 - a number word, not a password
            current = (current or 1) * 12
        elif token == "hundred":  # noqa: S105
            current = (current or 1) * 100
        elif token in SCALES:
            total += (current or 1) * SCALES[token]
            current = 0
        else:
            return None
    return Decimal(total + current)


def _word_candidates(text: str) -> list[_Candidate]:
    found = []
    for match in _WORDS.finditer(text):
        start, end = match.span()
        words = match.group("words")
        currency = match.group("currency")
        tokens = [t.lower() for t in re.split(r"[\s-]+", words) if t]
        if tokens == ["one"] or tokens == ["zero"]:
            continue  # "one of the", "one day", "no one": rarely a claim on its own
        if tokens[-1] in {"hundred", "thousand", "million", "billion"} and len(tokens) == 1:
            continue  # "hundreds", "millions" are not matched; a bare "thousand" is vague
        if words[0].isupper() and not _is_sentence_start(text, start) and not currency:
            continue  # "Channel Four", "the Gang of Four"
        if _preceding_word_is_name(text, start):
            continue
        after = text[end : end + 3]
        if re.match(r"-?(?:th|st|nd|rd|ieth)\b", after) or re.match(r"\w", after[:1]):
            continue
        value = _word_value(words)
        if value is None:
            continue
        c = _Candidate(start=start, end=end, value=value, is_word=True)
        if currency:
            c.unit = CURRENCY_SYMBOLS[currency]
        _extend_after(text, c, has_currency=bool(currency))
        if _is_time_after_at(text, c):
            continue
        c.qualifier = _qualifier(text, start)
        found.append(c)
    return found


def _is_year(text: str, c: _Candidate, number: str, currency: str | None, tail: str) -> bool:
    if currency or tail or "," in number or "." in number or c.scaled:
        return False
    if not (len(number) == 4 and 1000 <= int(number) <= 2099):
        return False
    previous = [w.lower() for w in _previous_words(text, c.start, 1)]
    if previous and previous[-1] in YEAR_WORDS:
        return True
    # "1,500 people" is a count; so is "1500 people". "The 2020 election" is a year.
    return c.unit not in MEASURES.values() and not (c.unit and _is_plural(c.unit.split()[-1]))


def _is_time_after_at(text: str, c: _Candidate) -> bool:
    """ "start at eight", "at 9": a time of day when nothing counted follows."""
    if c.unit or c.value > 24 or c.value != c.value.to_integral_value():
        return False
    previous = [w.lower() for w in _previous_words(text, c.start, 1)]
    return bool(previous) and previous[-1] in {"at", "until", "till", "past"}


def _is_address(text: str, c: _Candidate) -> bool:
    return bool(
        re.match(
            r"\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|Road|Lane|Avenue|Way|Drive|Close|Square|Place|"
            r"Terrace|Crescent|Row|Quay)\b",
            text[c.end :],
        )
    )


_CONNECTOR = re.compile(
    r"^\s*(?:(?:to|and|or)\s+|[-–]\s*)(?:(?:" + "|".join(map(re.escape, QUALIFIERS)) + r")\s+)?$",
    re.IGNORECASE,
)


def _share_units_across_ranges(text: str, candidates: list[_Candidate]) -> list[_Candidate]:
    """In "5,200 to 3,000 troops" or "£3m-£5m", the first end takes the second's unit."""
    result = list(candidates)
    for i in range(len(result) - 2, -1, -1):
        a, b = result[i], result[i + 1]
        if a.unit or not b.unit:
            continue
        if not _CONNECTOR.match(text[a.end : b.start]):
            continue
        updated = replace(a, unit=b.unit)
        multiplier = _multiplier_of(text[b.start : b.end]) if b.scaled and not a.scaled else 0
        if multiplier and a.value * multiplier <= b.value:
            # "between 3 and 5 million people": the multiplier belongs to both ends.
            updated = replace(updated, value=a.value * multiplier, scaled=True)
        result[i] = updated
    return result


def _multiplier_of(text: str) -> int:
    m = re.search(r"(thousand|million|billion|trillion|bn|mn|m|k)\b", text, re.IGNORECASE)
    if not m:
        return 0
    word = m.group(1).lower()
    return SCALES.get(word) or SHORT_SCALES.get(word, 0)
