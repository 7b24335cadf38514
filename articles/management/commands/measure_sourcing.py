"""Print the figure finder's and the quote detector's precision and recall on a set of
sentences: `manage.py measure_sourcing tests/data/sourcing/evaluation.toml`.

Each `[[sentence]]` has its `text`, the `figures` it quotes (text as written and unit) and its
`quotes` (speaker and opening words). A figure is found when the finder reports that text;
its unit counts separately. A quote is found when the detector reports a quote beginning with
those words; its speaker counts separately.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.figures import find_figures
from articles.quotes import find_quotes


@dataclass
class Tally:
    expected: int = 0
    reported: int = 0
    matched: int = 0
    detail_right: int = 0  # unit or speaker, among the matched
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    def line(self, name: str, detail: str) -> str:
        precision = self.matched / self.reported if self.reported else 1.0
        recall = self.matched / self.expected if self.expected else 1.0
        right = self.detail_right / self.matched if self.matched else 1.0
        return (
            f"{name}: precision {precision:.2f} ({self.matched}/{self.reported}), recall "
            f"{recall:.2f} ({self.matched}/{self.expected}); {detail} right in {right:.2f} "
            f"({self.detail_right}/{self.matched})"
        )


class Command(BaseCommand):
    help = "Measure the figure finder and the quote detector on a TOML set of sentences."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="A TOML file of [[sentence]] tables.")
        parser.add_argument("--misses", action="store_true", help="List misses and false alarms.")

    def handle(self, *args: object, path: str, misses: bool = False, **options: object) -> None:
        try:
            sentences = tomllib.loads(Path(path).read_text(encoding="utf-8"))["sentence"]
        except (OSError, KeyError, tomllib.TOMLDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        figures, quotes = Tally(), Tally()
        for sentence in sentences:
            text = sentence["text"]
            _measure_figures(text, sentence.get("figures", []), figures)
            _measure_quotes(text, sentence.get("quotes", []), quotes)
        self.stdout.write(f"{len(sentences)} sentences")
        self.stdout.write(figures.line("figure finder", "unit"))
        self.stdout.write(quotes.line("quote detector", "speaker"))
        if misses:
            for name, tally in (("figures", figures), ("quotes", quotes)):
                for miss in tally.misses:
                    self.stdout.write(f"missed {name}: {miss}")
                for alarm in tally.false_alarms:
                    self.stdout.write(f"false alarm {name}: {alarm}")
                for wrong in tally.wrong:
                    self.stdout.write(f"wrong detail in {name}: {wrong}")


def _measure_figures(text: str, expected: list[list[str]], tally: Tally) -> None:
    found = find_figures(text)
    tally.expected += len(expected)
    tally.reported += len(found)
    wanted = {written: unit for written, unit in expected}
    for figure in found:
        if figure.text in wanted:
            tally.matched += 1
            unit = wanted.pop(figure.text)
            tally.detail_right += figure.unit == unit
            if figure.unit != unit:
                tally.wrong.append(f"“{figure.text}” unit {figure.unit!r}, not {unit!r}")
        else:
            tally.false_alarms.append(f"“{figure.text}” ({figure.unit}) in {text}")
    tally.misses.extend(f"“{written}” in {text}" for written in wanted)


def _measure_quotes(text: str, expected: list[list[str]], tally: Tally) -> None:
    found = find_quotes(text)
    tally.expected += len(expected)
    tally.reported += len(found)
    wanted = list(expected)
    for quote in found:
        match = next((w for w in wanted if quote.text.startswith(w[1])), None)
        if match is None:
            tally.false_alarms.append(f"“{quote.text}” in {text}")
            continue
        wanted.remove(match)
        tally.matched += 1
        tally.detail_right += quote.speaker == match[0]
        if quote.speaker != match[0]:
            tally.wrong.append(f"speaker {quote.speaker!r}, not {match[0]!r}, in {text}")
    tally.misses.extend(f"“{words}” ({speaker}) in {text}" for speaker, words in wanted)
