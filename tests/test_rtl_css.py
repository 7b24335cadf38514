"""The stylesheets mirror for right-to-left languages: no physical left/right in them.

A page in Arabic or Hebrew has dir="rtl" (templates/base.html); with logical properties
(margin-inline-start, padding-inline, border-inline-start, inset-inline-start, text-align:
start) the browser mirrors the layout by itself. A physical `margin-left` would stay on the
left and break the mirror, so this test names any that comes back.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parent.parent / "static" / "css"
PHYSICAL = re.compile(
    r"(?<![\w-])(?:margin|padding|border)-(?:left|right)(?:-\w+)?\s*:"
    r"|(?<![\w-])(?:left|right)\s*:"
    r"|text-align\s*:\s*(?:left|right)\b"
    r"|float\s*:\s*(?:left|right)\b"
)


def _without_comments(text: str) -> str:
    return re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)


@pytest.mark.parametrize("path", sorted(CSS.glob("*.css")), ids=lambda p: p.name)
def test_no_physical_left_or_right(path: Path) -> None:
    found = [
        f"static/css/{path.name}:{number}: {line.strip()}"
        for number, line in enumerate(_without_comments(path.read_text()).splitlines(), 1)
        if PHYSICAL.search(line)
    ]
    assert not found, "Use logical properties:\n" + "\n".join(found)


def test_the_check_finds_physical_properties() -> None:
    assert PHYSICAL.search("a { margin-left: 1rem }")
    assert PHYSICAL.search("a { border-left-color: red }")
    assert PHYSICAL.search("a { left: 0 }")
    assert PHYSICAL.search("td { text-align: right; }")
    assert not PHYSICAL.search("a { margin-inline-start: 1rem; inset-inline-start: 0 }")
    assert not PHYSICAL.search("td { text-align: start; }")
