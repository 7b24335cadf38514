"""The figure finder on sentences written for it: what must be found, and what must not.

Each case lists every figure the sentence quotes as (text as written, value, unit). The last
test measures precision and recall over all of them and prints the numbers (run with -s).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.figures import find_figures, format_decimal, text_from_html

F = tuple[str, str, str]

# Numbers that must be found, with value and unit. The text as written includes a currency,
# percent or measure ("£4.2 million", "65 kilometers") but not the counted noun ("2,500").
FOUND: list[tuple[str, list[F]]] = [
    ("The ministry said 2,500 troops remain in the country.", [("2,500", "2500", "troops")]),
    ("The council will spend $3 million on the quay.", [("$3 million", "3000000", "USD")]),
    (
        "Repairs will cost 3 million dollars, the report says.",
        [("3 million dollars", "3000000", "USD")],
    ),
    (
        "The bank lent the yard €1.2bn over ten years.",
        [("€1.2bn", "1200000000", "EUR"), ("ten years", "10", "years")],
    ),
    ("Turnout fell to 75 percent in the harbour ward.", [("75 percent", "75", "percent")]),
    ("About 75% of the boats stayed in port.", [("75%", "75", "percent")]),
    ("Only 12 per cent of households replied.", [("12 per cent", "12", "percent")]),
    ("Three drones were seen over the barrier.", [("Three", "3", "drones")]),
    ("Police found a dozen cars with smashed windows.", [("a dozen", "12", "cars")]),
    (
        "Numbers fell from about 5,200 to fewer than 3,000 troops.",
        [("5,200", "5200", "troops"), ("3,000", "3000", "troops")],
    ),
    (
        "The march covered 65 kilometers in two days.",
        [("65 kilometers", "65", "km"), ("two days", "2", "days")],
    ),
    ("There were 42 attacks on shipping last year.", [("42", "42", "attacks")]),
    ("At least 36 people were taken to hospital.", [("36", "36", "people")]),
    ("The council approved a £4.2 million repair.", [("£4.2 million", "4200000", "GBP")]),
    ("Crab fetched £5.10 a kilo at the auction.", [("£5.10", "5.10", "GBP")]),
    ("Volunteers counted 212 grey seals on the sandbanks.", [("212", "212", "grey seals")]),
    (
        "The barrier closed in 37 minutes, against a target of 45 minutes.",
        [("37 minutes", "37", "minutes"), ("45 minutes", "45", "minutes")],
    ),
    ("The school has room for 210 children.", [("210", "210", "children")]),
    ("A petition was signed by 1,400 residents.", [("1,400", "1400", "residents")]),
    ("Forty crews rowed to the island.", [("Forty", "40", "crews")]),
    ("The path now runs 20 metres inland.", [("20 metres", "20", "m")]),
    ("The wall moved by up to 6 centimetres.", [("6 centimetres", "6", "cm")]),
    ("The yard will take on twelve apprentices.", [("twelve", "12", "apprentices")]),
    (
        "Some two hundred and fifty boats are registered.",
        [("two hundred and fifty", "250", "boats")],
    ),
    (
        "Inflation rose by 0.4 percentage points.",
        [("0.4 percentage points", "0.4", "percentage points")],
    ),
    ("The fund holds $40k for repairs.", [("$40k", "40000", "USD")]),
    ("Parking costs 50p an hour.", [("50p", "0.5", "GBP")]),
    (
        "Between 3 and 5 million people live on the coast.",
        [("3", "3000000", "people"), ("5 million", "5000000", "people")],
    ),
    ("A 54-year-old man was arrested.", [("54-year", "54", "years old")]),
    ("The turbines produce 12MW at full speed.", [("12MW", "12", "MW")]),
    ("The council voted 17 to 4 on Tuesday.", [("17", "17", ""), ("4", "4", "")]),
    ("The count stood at 212 this autumn.", [("212", "212", "")]),
    ("In 2019 the trust recorded 1500 seals.", [("1500", "1500", "seals")]),
    ("The ferry runs three return crossings a day.", [("three", "3", "return crossings")]),
    ("Rents rose 8% in 2023, to £950 a month.", [("8%", "8", "percent"), ("£950", "950", "GBP")]),
    ("He scored 3 goals in the 2-1 win over Skerrin.", [("3", "3", "goals")]),
    ("The harbour authority borrowed £12m in 2022.", [("£12m", "12000000", "GBP")]),
    ("The trawler landed 2.3 tonnes of hake.", [("2.3 tonnes", "2.3", "tonnes")]),
]

# Sentences whose numbers are dates, years, times, ordinals or parts of names: nothing to find.
NOT_FOUND: list[str] = [
    "The school opened in 1994.",
    "The story was first published on 12 March 2021.",
    "The vote is set for March 12, 2021, at the town hall.",
    "The ferry now leaves at 08:15 every weekday.",
    "The library opens from 1pm to 5pm on Sundays.",
    "Doors open at 7.30 p.m. sharp.",
    "Jobs that start at eight will be hard to reach.",
    "The meeting is on the 3rd of May.",
    "It was the 21st century's worst storm.",
    "For a third year the count has risen.",
    "A Boeing 747 landed at the airfield.",
    "The COVID-19 rules were lifted.",
    "Leaders of the G7 met in the capital.",
    "Traffic on Route 66 was heavy.",
    "The prime minister returned to 10 Downing Street.",
    "The rules are in section 8 of the act.",
    "See page 12 for the full timetable.",
    "Music from the 1990s filled the hall.",
    "She was one of the first to arrive.",
    "The 2020 election changed the council.",
    "Figures for 2019-20 were published late.",
    "The shop is open 24/7.",
    "He drove along the M25 to get there.",
    "Formula One cars raced along the seafront.",
    "The report was dated 2024-05-01.",
    "Call the office on 01632 960 123 for details.",
    "Watch it on Channel 4 tonight.",
    "The ship was launched on Tuesday 14 June.",
    "The club won 3-1 at Skerrin and then drew at home.",
    "The 1st Battalion marched through town on 11 November.",
]


def _found(sentence: str) -> list[F]:
    return [
        (figure.text, format_decimal(figure.value), figure.unit)
        for figure in find_figures(sentence)
    ]


def _expected(cases: list[F]) -> list[F]:
    return [(text, format_decimal(Decimal(value)), unit) for text, value, unit in cases]


@pytest.mark.parametrize(("sentence", "expected"), FOUND, ids=[s for s, _ in FOUND])
def test_it_finds_each_figure_with_its_value_and_unit(sentence: str, expected: list[F]) -> None:
    assert _found(sentence) == _expected(expected)


@pytest.mark.parametrize("sentence", NOT_FOUND)
def test_it_reports_no_dates_years_times_ordinals_or_names(sentence: str) -> None:
    assert _found(sentence) == []


def test_there_are_at_least_forty_sentences() -> None:
    assert len(FOUND) + len(NOT_FOUND) >= 40


def test_precision_and_recall_on_the_written_sentences() -> None:
    expected = {(i, f) for i, (_, figures) in enumerate(FOUND) for f in _expected(figures)}
    found = {(i, f) for i, (sentence, _) in enumerate(FOUND) for f in _found(sentence)}
    false_alarms = sum(len(_found(sentence)) for sentence in NOT_FOUND)
    true_positives = len(expected & found)
    precision = true_positives / (len(found) + false_alarms)
    recall = true_positives / len(expected)
    print(
        f"\nfigure finder: precision {precision:.3f}, recall {recall:.3f} "
        f"({true_positives} of {len(expected)} found, {len(found) - true_positives} wrong, "
        f"{false_alarms} false alarms in {len(NOT_FOUND)} sentences without figures)"
    )
    assert precision >= 0.95
    assert recall >= 0.95


def test_each_figure_carries_its_span_and_sentence() -> None:
    text = "The quay closed in May. Repairs cost £4.2 million, the council said. It reopens."
    (figure,) = find_figures(text)
    assert text[figure.start : figure.end] == "£4.2 million"
    assert figure.sentence == "Repairs cost £4.2 million, the council said."


def test_it_keeps_the_qualifier_of_an_approximate_figure() -> None:
    first, second = find_figures("Numbers fell from about 5,200 to fewer than 3,000 troops.")
    assert first.qualifier == "about"
    assert second.qualifier == "fewer than"


def test_sentences_do_not_break_at_decimals_or_titles() -> None:
    text = "Dr. Brightwater said 4.5 metres of mud had gone. The rest stayed."
    (figure,) = find_figures(text)
    assert figure.sentence == "Dr. Brightwater said 4.5 metres of mud had gone."


def test_text_from_html_keeps_paragraphs_apart_and_decodes_entities() -> None:
    html = "<p>Costs rose to &pound;3m.</p><p>Then <a href='https://x.example'>42 boats</a></p>"
    assert text_from_html(html) == "Costs rose to £3m.\nThen 42 boats"


# --- manage.py find_figures -----------------------------------------------------------------------


def test_the_command_prints_json_with_decimal_strings(tmp_path, capsys) -> None:
    story = tmp_path / "story.html"
    story.write_text("<p>The council will spend $3 million.</p><p>It has 42 boats.</p>")
    call_command("find_figures", str(story), "--json")
    rows = json.loads(capsys.readouterr().out)
    assert [(r["text"], r["value"], r["unit"]) for r in rows] == [
        ("$3 million", "3000000", "USD"),
        ("42", "42", "boats"),
    ]
    assert rows[0]["sentence"] == "The council will spend $3 million."
    assert {"start", "end"} <= rows[0].keys()


def test_the_command_prints_one_line_per_figure_for_plain_text(tmp_path, capsys) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Volunteers counted 212 grey seals in 2024.")
    call_command("find_figures", str(story))
    out = capsys.readouterr().out
    (line,) = out.splitlines()
    assert line.split("\t")[:3] == ["19-22", "212", "= 212 grey seals"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.txt", "No such file"),
        (lambda p: p, "is a directory"),
        (lambda p: _write(p / "image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00"), "not a text file"),
        (lambda p: _write(p / "latin.txt", "caf\xe9 £3".encode("latin-1")), "not UTF-8 text"),
    ],
    ids=["missing", "directory", "binary", "not-utf8"],
)
def test_the_command_refuses_what_it_cannot_read_in_one_line(tmp_path, make, message) -> None:
    with pytest.raises(CommandError, match=message) as error:
        call_command("find_figures", str(make(tmp_path)))
    assert "\n" not in str(error.value)


def test_the_command_exits_with_1_and_no_traceback(tmp_path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "manage.py", "find_figures", str(tmp_path / "nope.txt")],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "NEWSROOM_DEBUG": "1"},
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0


def _write(path, data: bytes):
    path.write_bytes(data)
    return path
