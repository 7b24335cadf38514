"""The translation catalogues: locale/<language>/LC_MESSAGES/django.po, compiled to .mo.

The .po files are the source, committed; the .mo files Django reads are built from them and
never committed (.gitignore), so a catalogue and its compiled form cannot drift apart in git.
They are compiled here with Babel rather than Django's compilemessages, which needs GNU
gettext's msgfmt from Debian: `make run`, `make test`, CI and a fresh clone then need only
the Python packages. Extracting new strings (`make messages`) still uses Django's
makemessages and so xgettext; that is a translator's step, not the site's.

`compile_stale()` rewrites only catalogues whose .mo is missing or older than the .po; the
test suite calls it at start (tests/conftest.py), `make compilemessages` by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings


@dataclass(frozen=True)
class Catalogue:
    language: str
    po: Path

    @property
    def mo(self) -> Path:
        return self.po.with_suffix(".mo")

    @property
    def stale(self) -> bool:
        return not self.mo.exists() or self.mo.stat().st_mtime < self.po.stat().st_mtime


def catalogues() -> list[Catalogue]:
    found = []
    for root in settings.LOCALE_PATHS:
        for po in sorted(Path(root).glob("*/LC_MESSAGES/django.po")):
            found.append(Catalogue(language=po.parent.parent.name, po=po))
    return found


def compile_catalogue(catalogue: Catalogue) -> None:
    with catalogue.po.open("rb") as source:
        messages = read_po(source, locale=catalogue.language)
    # Written beside, then renamed: a server reading the .mo never sees half a file.
    partial = catalogue.mo.with_suffix(".mo.partial")
    with partial.open("wb") as target:
        # Fuzzy entries are left out, as msgfmt does: a guess is not a translation.
        write_mo(target, messages, use_fuzzy=False)
    partial.replace(catalogue.mo)


def compile_stale(*, force: bool = False) -> list[Catalogue]:
    """Compile every catalogue whose .mo is missing or older; returns those compiled."""
    done = []
    for catalogue in catalogues():
        if force or catalogue.stale:
            compile_catalogue(catalogue)
            done.append(catalogue)
    return done
