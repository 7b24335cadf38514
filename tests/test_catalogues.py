"""The translation catalogues: Spanish complete, every catalogue well formed and compiled.

Spanish is Newsroom's complete second language: a string added to the code and extracted by
`make messages` fails here until it is translated (empty or fuzzy entries both count). The
Arabic catalogue is partial by design (the right-to-left smoke test), so only its form and its
placeholders are checked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

from newsroom.catalogues import catalogues, compile_stale

LOCALE = Path(settings.BASE_DIR) / "locale"
COMPLETE = ["es"]
PARTIAL = ["ar"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")


def _read(language: str):
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as source:
        return read_po(source, locale=language)


@pytest.mark.parametrize("language", COMPLETE)
def test_the_catalogue_is_complete(language: str) -> None:
    catalogue = _read(language)
    assert len(catalogue) > 300
    untranslated = [
        message.id
        for message in catalogue
        if message.id
        and (
            not message.string
            or (isinstance(message.string, tuple) and not all(message.string))
            or message.fuzzy
        )
    ]
    assert not untranslated, f"{len(untranslated)} untranslated or fuzzy in {language}:\n" + (
        "\n".join(f"  {m!r}" for m in untranslated[:40])
    )
    assert not catalogue.fuzzy, "the catalogue's header is marked fuzzy"


@pytest.mark.parametrize("language", COMPLETE + PARTIAL)
def test_translations_keep_their_placeholders(language: str) -> None:
    # A translation that drops or renames %(name)s fails at run time with a KeyError.
    for message in _read(language):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            if text:
                assert sorted(PLACEHOLDER.findall(text)) == wanted, (message.id, text)


def test_the_partial_arabic_catalogue_covers_the_front_page() -> None:
    catalogue = _read("ar")
    for words in ["Front page", "Search", "Skip to content", "Latest", "Support our journalism"]:
        assert catalogue[words].string, words


def test_the_catalogues_are_compiled() -> None:
    compile_stale()
    assert {c.language for c in catalogues()} >= {"es", "ar"}
    assert all(not c.stale for c in catalogues())
    with translation.override("es"):
        assert translation.gettext("Front page") == "Portada"
        assert translation.pgettext("byline", "By") == "Por"
        assert (
            translation.ngettext("%(count)s story matching", "%(count)s stories matching", 2)
            % {"count": 2}
            == "2 noticias con"
        )
    with translation.override("ar"):
        assert translation.gettext("Front page") == "الصفحة الأولى"


def test_a_stale_catalogue_is_recompiled(tmp_path: Path, settings) -> None:
    # A .po newer than its .mo (a translator's edit, a fresh clone) is compiled again.
    folder = tmp_path / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Front page"\nmsgstr "Página delantera"\n\n'
        '#, fuzzy\nmsgid "Search"\nmsgstr "Buscar quizá"\n',
        encoding="utf-8",
    )
    settings.LOCALE_PATHS = [tmp_path]
    assert [c.language for c in compile_stale()] == ["xx"]
    assert (folder / "django.mo").exists()
    assert compile_stale() == []
    from babel.messages.mofile import read_mo

    with (folder / "django.mo").open("rb") as compiled:
        messages = {m.id: m.string for m in read_mo(compiled) if m.id}
    # The fuzzy guess is left out, as msgfmt leaves it out.
    assert messages == {"Front page": "Página delantera"}
