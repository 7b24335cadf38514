"""Every word a person reads in a template goes through the translation catalogue.

Each template under templates/ is cut into Django's own tokens (its Lexer, as the engine
does). Text inside {% translate %}, {% blocktranslate %}…{% endblocktranslate %} and
{% comment %} is set aside; variables and tags stand in as placeholders that carry no letters.
What is left is read as HTML (html.parser): the text of the page, outside <script> and
<style>, and the attributes a person reads or hears (alt, title, placeholder, aria-label,
the value of a button, the content of a description <meta>). Any of those with a letter in
it is a string left untranslatable, and the test names it with its file and line.

Not checked: templates/newsroom/news_sitemap.xml, whose element names and values are read by
machines (its language is the site's, tested in tests/test_i18n.py). Plain-text templates
(e-mails, *.txt) are read whole, as their recipients do.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Machine-read files: see the module docstring.
NOT_READ_BY_PEOPLE = {"newsroom/news_sitemap.xml"}
# Stands in for a variable or a tag: no letter in it, so it never counts as text.
PLACEHOLDER = "\ue000"
# Blocks whose text is an attribute value, not text: the admin's base.html writes
# {% block bodyclass %} into <body class="">, so "login" there is a class name.
ATTRIBUTE_BLOCKS = {"bodyclass"}
READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description", "label"}


def _letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def untranslated_text(source: str, *, html: bool = True) -> list[tuple[int, str]]:
    """(line, text) for every visible string with letters outside the translation tags."""
    kept: list[str] = []
    skipping: str | None = None  # the end tag we are waiting for
    for token in Lexer(source).tokenize():
        raw = token.contents
        if token.token_type == TokenType.BLOCK:
            name = raw.split()[0] if raw.split() else ""
            if skipping:
                if name == skipping:
                    skipping = None
                # Keep the line count right for what follows.
                kept.append("\n" * raw.count("\n"))
                continue
            if name in {"blocktranslate", "blocktrans"}:
                skipping = "end" + name
            elif name == "comment":
                skipping = "endcomment"
            elif name == "block" and raw.split()[1:2] and raw.split()[1] in ATTRIBUTE_BLOCKS:
                skipping = "endblock"
            kept.append(PLACEHOLDER + "\n" * raw.count("\n"))
        elif skipping:
            kept.append("\n" * raw.count("\n"))
        elif token.token_type == TokenType.TEXT:
            kept.append(raw)
        else:  # a variable or a {# comment #}
            kept.append(PLACEHOLDER + "\n" * raw.count("\n"))
    text = "".join(kept)
    if not html:
        return [
            (number, line.strip())
            for number, line in enumerate(text.splitlines(), start=1)
            if _letters(line)
        ]
    reader = _VisibleText()
    reader.feed(text)
    reader.close()
    return reader.found


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = dict(attrs)
        for name, value in attrs:
            if value and name in READ_ATTRIBUTES and _letters(value):
                self.found.append((line, f'{name}="{value}"'))
        if tag == "meta" and values.get("name") == "description":
            content = values.get("content") or ""
            if _letters(content):
                self.found.append((line, f'content="{content}"'))
        if tag == "input" and values.get("type") in {"submit", "button", "reset"}:
            value = values.get("value") or ""
            if _letters(value):
                self.found.append((line, f'value="{value}"'))
        if tag in {"script", "style"}:
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if self._hidden or not _letters(data):
            return
        # The line of the first letter, not of the whitespace before it.
        line = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
        self.found.append((line, re.sub(r"\s+", " ", data.replace(PLACEHOLDER, "…")).strip()))


def _templates() -> list[Path]:
    return sorted(
        path
        for path in TEMPLATES.rglob("*")
        if path.is_file() and path.relative_to(TEMPLATES).as_posix() not in NOT_READ_BY_PEOPLE
    )


def test_every_template_is_read() -> None:
    # A guard against the glob finding nothing (and the check below passing vacuously).
    assert len(_templates()) > 50


@pytest.mark.parametrize("path", _templates(), ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_template_text_is_translatable(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    found = untranslated_text(source, html=path.suffix in {".html", ".htm"})
    where = path.relative_to(TEMPLATES).as_posix()
    assert not found, "Text a person reads is not in {% translate %}:\n" + "\n".join(
        f"  templates/{where}:{line}: {text}" for line, text in found
    )


# The check itself: it finds what it should and leaves alone what it should.
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>Hello</p>", ["Hello"]),
        ('<img src="x" alt="A harbour">', ['alt="A harbour"']),
        ('<input placeholder="Search">', ['placeholder="Search"']),
        ('<meta name="description" content="News">', ['content="News"']),
        ("<p>{{ name }} wrote</p>", ["… wrote"]),
        ("<p>\n\n  Line three</p>", ["Line three"]),
    ],
)
def test_the_check_finds_plain_text(source: str, expected: list[str]) -> None:
    assert [text for _, text in untranslated_text(source)] == expected


@pytest.mark.parametrize(
    "source",
    [
        "{% load i18n %}<p>{% translate 'Hello' %}</p>",
        "<p>{% blocktranslate trimmed %}\n  Hello {{ name }}\n{% endblocktranslate %}</p>",
        "<p>{{ headline }} · {{ date }}</p>",
        "<p>&copy; &mdash; 12 — 3%</p>",
        "<script>const x = 'words';</script><style>p { color: red }</style>",
        "{% comment %}A note for developers{% endcomment %}{# and another #}",
        '<a href="/about" class="link wide">{{ label }}</a>',
        "{% block bodyclass %}{{ block.super }} login{% endblock %}",
    ],
)
def test_the_check_leaves_translated_and_machine_text(source: str) -> None:
    assert untranslated_text(source) == []


def test_the_check_names_the_line() -> None:
    assert untranslated_text("{% load i18n %}\n<p>\n{{ x }}\n</p>\n<p>Stray</p>") == [(5, "Stray")]


def test_plain_text_templates_are_read_whole() -> None:
    source = "{% load i18n %}{% translate 'Hello' %}\nPlain line {{ x }}\n{{ url }}\n"
    assert untranslated_text(source, html=False) == [(2, "Plain line \ue000")]


@pytest.mark.parametrize(
    "path",
    [p for p in _templates() if p.suffix in {".html", ".txt", ".xml"}],
    ids=lambda p: p.relative_to(TEMPLATES).as_posix(),
)
def test_template_compiles(path: Path) -> None:
    # A tag or filter used without its {% load %} fails here, not on the page that needs it.
    from django.template import engines

    engines["django"].from_string(path.read_text(encoding="utf-8"))
