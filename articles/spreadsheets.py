"""Text cells a spreadsheet opens as text: the one guard every CSV export passes its cells through.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula, and many importers
first drop leading spaces and control characters ("Trim spaces" in LibreOffice), so
` =1+1` and `\\n=1+1` count as well: a donor or a commenter choosing their name must not choose
what the desk's spreadsheet runs. OWASP's advice ("CSV Injection"): a cell starting with one of
those, or with a tab, carriage return or line feed, gets a leading apostrophe, which shows it
as text. Newlines inside a cell stay inside it: the csv module quotes such a cell.
"""

from __future__ import annotations

import unicodedata

FORMULA_STARTS = frozenset("=+-@")
CONTROL_STARTS = frozenset("\t\r\n")


def _ignored(char: str) -> bool:
    """Whitespace and control or format characters (a zero-width space) an importer may drop."""
    return char.isspace() or unicodedata.category(char).startswith("C")


def safe_cell(value: object) -> str:
    """The value as a CSV cell that no spreadsheet evaluates."""
    text = "" if value is None else str(value)
    if text[:1] in CONTROL_STARTS:
        return f"'{text}"
    first = next((char for char in text if not _ignored(char)), "")
    # Fullwidth "＝" is "=" once normalised (NFKC), as some importers do.
    if unicodedata.normalize("NFKC", first)[:1] in FORMULA_STARTS:
        return f"'{text}"
    return text
