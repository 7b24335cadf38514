"""Finding quoted speech in a story: `find_quotes(text)`. Pure text: no models.

Quotation marks hold many things besides a person's words: scare quotes (‘hasty’, “outlaws”),
terms, and names of reports or operations (“Clean Harbours Plan”). A passage counts as a quote
when it is attributed — a speaking verb ("said", "told", "warned"), "according to", or a colon
after the speaker just before the opening mark — and runs to four words or more, or when it is
a whole sentence or more (eight words, or a capitalised clause ending in punctuation) even
with no attribution in sight. Shorter passages and title-cased names never are.

For each quote the detector also reads who said it and how the story describes them, so an
editor can record it in one click: "…,” said Harriet Okafor, a spokeswoman for the council."
gives speaker "Harriet Okafor" and role "a spokeswoman for the council"; "Coalition spokesman
Harriet Okafor said: “…”" gives role "Coalition spokesman".

Languages: English only (`LANGUAGES`): the speaking verbs, "according to" and the patterns
for speaker and role are English. Other languages quote differently too (« » and — in
Spanish and French, „ “ in German), so for a site in another language the sourcing check
does not run the detector and says so (articles/sourcing.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from articles.figures import sentences

# Primary language subtags the detector reads.
LANGUAGES = frozenset({"en"})


def understands(language_code: str) -> bool:
    """Whether the detector reads text in this language ("en-gb" yes, "ar" no)."""
    return language_code.split("-")[0].lower() in LANGUAGES


SPEAKING_VERBS = (
    "said|says|say|told|tells|added|adds|stated|states|announced|announces|warned|warns|wrote|"
    "writes|declared|declares|confirmed|confirms|insisted|insists|explained|explains|noted|"
    "notes|argued|argues|claimed|claims|replied|replies|asked|asks|urged|urges|tweeted|posted|"
    "continued|stressed|stresses|recalled|admitted|acknowledged|concluded|commented|remarked|"
    "pledged|vowed|promised|denied|alleged|accused|conceded|complained|predicted|cautioned"
)
_VERB = re.compile(rf"\b(?:{SPEAKING_VERBS})\b|\baccording to\b", re.I)
# Quotation marks in their pairs. A closing ’ must not be an apostrophe ("council’s").
_MARKS = re.compile(
    r"“(?P<a>[^”\n]+)(?:”|(?=\n|$))"
    r"|(?<![\w])\"(?P<b>[^\"\n]+)\""
    r"|(?<![\w])‘(?P<c>[^\n]+?)’(?![\w])"
    r"|«\s?(?P<d>[^»\n]+?)\s?»"
)
_NAME_WORD = r"(?:[A-Z][\w’'\-]*|al-[A-Z][\w’'\-]*|bin|de|van|von|la)"
_NAME = rf"[A-Z][\w’'\-]*(?:\s+{_NAME_WORD}){{0,3}}"
# Who spoke, as a story names them: a person, "the ministry", "a spokesman for the coalition".
_WHO = rf"(?:(?i:the|a|an)\s+[\w’'\-]+(?:\s+(?:of|for|at|in|to|the|[\w’'\-]+)){{0,6}}?|{_NAME})"
# "Interior Minister Dalia Roussel": a title, then a given name and a family name.
_ROLE_THEN_NAME = re.compile(
    r"^(?P<role>(?:[A-Za-z][\w’'\-]*\s+){1,5}?)"
    r"(?P<name>[A-Z][\w’'\-]*\s+(?:(?:al|de|van|von|bin|la|le|du)\s+)?[A-Z][\w’'\-]*)$"
)
_TITLE_WORDS = {"of", "the", "and", "for", "in", "on", "a", "an", "to", "at", "de"}


@dataclass(frozen=True)
class FoundQuote:
    """Quoted words as the story prints them, where they stand and who said them."""

    start: int
    end: int
    text: str
    sentence: str
    speaker: str = ""
    role: str = ""
    attributed: bool = False

    def as_json(self) -> dict[str, str | int | bool]:
        return {
            "text": self.text,
            "speaker": self.speaker,
            "role": self.role,
            "start": self.start,
            "end": self.end,
            "sentence": self.sentence,
        }


def find_quotes(text: str) -> list[FoundQuote]:
    """Each quotation of a person or body in `text`, in order, with speaker and role."""
    spans = sentences(text)
    found = []
    for match in _MARKS.finditer(text):
        group = next(name for name in "abcd" if match.group(name) is not None)
        inner = match.group(group).strip().rstrip(",")
        start = match.start(group)
        words = re.findall(r"[\w’'\-]+", inner)
        if len(words) < 4 or _is_a_name(inner, words):
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end == -1 else line_end
        sentence = " ".join(
            s for s_start, s_end, s in spans if s_start < line_end and s_end > line_start
        )
        before = _sentence_part_before(text, line_start, match.start())
        after = _sentence_part_after(text, match.end(), line_end)
        speaker, role, attributed = _attribution(before, after)
        if not attributed and not _is_a_sentence(inner, words):
            continue
        found.append(
            FoundQuote(
                start=start,
                end=start + len(match.group(group).rstrip().rstrip(",")),
                text=inner,
                sentence=_sentence_of(spans, match.start()) or sentence,
                speaker=speaker,
                role=role,
                attributed=attributed,
            )
        )
    return found


def covers(recorded: str, found: str) -> bool:
    """Whether a recorded quote's words stand for quoted words found in the text.

    The same words in order, one within the other (an editor may record part of a long
    quote, or the whole of one the story splits), or most of the shorter one's words.
    """
    a, b = _words(recorded), _words(found)
    if not a or not b:
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if " ".join(short) in " ".join(long):
        return True
    shared = len(set(short) & set(long))
    return shared >= 0.7 * len(set(short))


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "'"))


def _is_a_name(inner: str, words: list[str]) -> bool:
    """ "Clean Harbours Plan", "Operation Northern Shield": every main word capitalised."""
    if re.search(r"[.!?,;:]", inner):
        return False
    main = [w for w in words if w.lower() not in _TITLE_WORDS]
    return bool(main) and all(w[0].isupper() or w[0].isdigit() for w in main)


def _is_a_sentence(inner: str, words: list[str]) -> bool:
    if len(words) >= 8:
        return True
    return inner[0].isupper() and inner.rstrip('”’"')[-1:] in ".!?" and len(words) >= 5


def _sentence_of(spans: list[tuple[int, int, str]], position: int) -> str:
    return next((s for start, end, s in spans if start <= position < end), "")


def _sentence_part_before(text: str, line_start: int, position: int) -> str:
    """From the start of the sentence holding the opening mark up to it."""
    part = text[line_start:position]
    cut = max((m.end() for m in re.finditer(r"[.!?][\"”’]?\s+(?=[A-Z“\"‘])", part)), default=0)
    return part[cut:]


def _sentence_part_after(text: str, position: int, line_end: int) -> str:
    part = text[position:line_end]
    match = re.search(r"(?<!\b[A-Z])(?<!\bMr|\bDr|\bMs)[.!?](?:\s|$)", part)
    return part[: match.end()] if match else part


def _attribution(before: str, after: str) -> tuple[str, str, bool]:
    """(speaker, role, attributed) from the words either side of the quotation marks."""
    after = after.strip()
    # “…,” said Harriet Okafor, a spokeswoman for the council.
    m = re.match(
        rf"^[,.!?]?\s*(?:{SPEAKING_VERBS})\s+(?P<who>{_WHO})(?:,\s*(?P<role>[^,.]+))?",
        after,
        re.I,
    )
    if m:
        return (*_person(m.group("who"), m.group("role")), True)
    # “…,” Harriet Okafor said. / “…,” the ministry said in a statement.
    m = re.match(
        rf"^[,.!?]?\s*(?P<who>{_WHO}|(?:[\w’'\-]+\s+){{0,4}}{_NAME})"
        rf"(?:,\s*(?P<role>[^,]+),)?\s+(?:{SPEAKING_VERBS})\b",
        after,
    )
    if m:
        return (*_person(m.group("who"), m.group("role")), True)
    # Harriet Okafor, a spokeswoman, said: “…” / The ministry told Reuters: “…”
    m = re.search(
        rf"(?P<who>(?:[\w’'\-]+\s+){{0,4}}?{_NAME}|{_WHO})(?:,\s*(?P<role>[^,]+),)?\s+"
        rf"(?:{SPEAKING_VERBS})\b[^“\"‘]*$",
        before,
    )
    if m:
        return (*_person(m.group("who"), m.group("role")), True)
    m = re.search(rf"\baccording to\s+(?P<who>{_WHO})", before + " " + after)
    if m:
        return (*_person(m.group("who"), None), True)
    # The ministry’s statement: “…” — a colon straight after the speaker.
    m = re.search(rf"(?P<who>{_NAME}|{_WHO})(?:’s|'s)?(?:\s+[a-z]+)?:\s*$", before)
    if m:
        return (*_person(m.group("who"), None), True)
    if _VERB.search(after) or _VERB.search(before):
        return "", "", True
    return "", "", False


def _person(who: str, role: str | None) -> tuple[str, str]:
    who = " ".join(who.split()).strip(" ,")
    # "The ministry’s communiqué": the speaker is the ministry.
    who = re.sub(r"[’']s\s+[a-z][\w\-]*$", "", who)
    role = " ".join((role or "").split()).strip(" ,.")
    if role and re.fullmatch(_NAME, role) and who.lower().startswith(("the ", "a ", "an ")):
        # "the interior minister, Dalia Roussel, told…": the name is in the commas.
        return role, who
    split = _ROLE_THEN_NAME.match(who)
    if split and not role and not who.lower().startswith(("the ", "a ", "an ")):
        # "Coalition spokesman Harriet Okafor", "Defence Minister Ilse Varga".
        return split.group("name"), split.group("role").strip()
    if role and not role[0].isupper() and re.fullmatch(_NAME, role) is None:
        return who, role
    return who, role if role else ""
