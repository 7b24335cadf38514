"""Finding the numbers a story quotes: `find_figures(text)`.

A focused parser written for newsroom English rather than a general library. quantulum3 0.10
(the candidate on the index) was run, without its scikit-learn classifier extra, on the 75
sentences in tests/test_figures.py: it matched the expected value in 35 of 45 figures (recall
0.78) but reported 69 quantities, 23 of them in sentences with no figure at all (precision
0.51); counting the unit too, precision 0.20 and recall 0.31. It reads years, dates, clock
times, "Route 66" and "Boeing 747" as quantities, never reports counted nouns ("42 attacks"
is dimensionless), and misreads "£4.2 million" and "€1.2bn". Those misses are number
detection, not unit choice, so the classifier extra would not fix them. A sourcing check
that cries wolf on every date gets ignored, so a parser whose exclusions we can read and
test wins. On the same sentences this parser scores 1.0 / 1.0, but they were written while
building it; on 15 fresh sentences tried before any change its precision and recall were
both 0.84 (misses: fractions such as "half" and "a fifth", "one in five"; a match score).

What counts as a figure: digits with thousands separators and decimals, currency symbols and
words ("$3 million", "3 million dollars", "€1.2bn"), percentages ("75 percent", "75%"),
number words ("three drones", "a dozen", "two hundred and fifty"), each end of a range
("from about 5,200 to fewer than 3,000 troops"), and what follows as unit or counted noun.
What does not: dates, years, decades, times of day, ordinals, numbers inside names and
labels ("Boeing 747", "Route 66", "G7", "page 12"), codes with leading zeros, and "one" on its
own ("one of the", "one day"). Fractions ("half", "a third") are not reported yet.

Languages: English only (`LANGUAGES`). Its number words, units, currencies and exclusions
are English ("three drones", "£4.2 million", "Route 66"); in another language it would miss
most figures and misread some words as numbers, so the sourcing check asks `understands()`
first and, for a site in another language, says the figure check is not available there
rather than report what it cannot read (articles/sourcing.py).

The package: `vocabulary` (the words it knows), `plaintext` (text and sentences from HTML),
`finder` (finding numbers and what they are), `units` (what follows a number).
"""

from articles.figures.finder import FoundFigure, find_figures, find_figures_in_html, format_decimal
from articles.figures.plaintext import looks_like_html, sentences, text_from_html

# Primary language subtags the finder reads (NEWSROOM_LANGUAGE "en-gb", "en-us"… all count).
LANGUAGES = frozenset({"en"})


def understands(language_code: str) -> bool:
    """Whether the finder reads text in this language ("en-gb" yes, "es" no)."""
    return language_code.split("-")[0].lower() in LANGUAGES


__all__ = [
    "LANGUAGES",
    "FoundFigure",
    "find_figures",
    "find_figures_in_html",
    "format_decimal",
    "looks_like_html",
    "sentences",
    "text_from_html",
    "understands",
]
