"""`manage.py measure_sourcing`: precision and recall of the figure finder and quote detector."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

EVALUATION = Path(__file__).parent / "data" / "sourcing" / "evaluation.toml"


def measure(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("measure_sourcing", str(path), *args, stdout=out)
    return out.getvalue()


def test_the_evaluation_set_has_forty_sentences_or_more_and_is_measured() -> None:
    output = measure(EVALUATION)
    count = int(output.split()[0])
    assert count >= 40
    assert "figure finder: precision" in output and "quote detector: precision" in output


def test_it_counts_a_miss_a_false_alarm_and_a_wrong_unit(tmp_path: Path) -> None:
    data = tmp_path / "set.toml"
    data.write_text(
        '[[sentence]]\ntext = "The wall is 42 metres long and the dock 7 km away."\n'
        'figures = [["42 metres", "km"], ["99", ""]]\n'
        '[[sentence]]\ntext = "“Nobody saw the boats leave the harbour,” said Ines Marlow."\n'
        'quotes = [["Ines Marlow", "Nobody saw the boats"]]\n',
        encoding="utf-8",
    )
    output = measure(data, "--misses")
    assert "figure finder: precision 0.50 (1/2), recall 0.50 (1/2); unit right in 0.00" in output
    assert (
        "quote detector: precision 1.00 (1/1), recall 1.00 (1/1); speaker right in 1.00" in output
    )
    assert "missed figures: “99”" in output
    assert "false alarm figures: “7 km”" in output


def test_an_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        measure(tmp_path / "missing.toml")
