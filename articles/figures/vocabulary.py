"""The words the figure finder knows: number words, multipliers, currencies, measures, and
the words around a number that make it a date, a label or a name instead of a quantity."""

from __future__ import annotations

UNITS: dict[str, int] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES: dict[str, int] = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}
# Abbreviated multipliers written against digits ("€1.2bn", "£4.2m", "$40k"). A bare "m"
# after digits means millions only with a currency; otherwise it is metres.
SHORT_SCALES: dict[str, int] = {
    "bn": 1_000_000_000,
    "b": 1_000_000_000,
    "mn": 1_000_000,
    "m": 1_000_000,
    "k": 1_000,
    "tn": 1_000_000_000_000,
}
CURRENCY_SYMBOLS = {
    "US$": "USD",
    "A$": "AUD",
    "C$": "CAD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "$": "USD",
    "£": "GBP",
    "€": "EUR",
    "¥": "JPY",
    "₹": "INR",
}
CURRENCY_WORDS = {
    "dollars": "USD",
    "dollar": "USD",
    "us dollars": "USD",
    "pounds": "GBP",
    "pound": "GBP",
    "pounds sterling": "GBP",
    "euros": "EUR",
    "euro": "EUR",
    "yen": "JPY",
    "rupees": "INR",
    "usd": "USD",
    "gbp": "GBP",
    "eur": "EUR",
}
# Subunits: the value is stored in the main unit (50p is 0.50 GBP).
CURRENCY_SUBUNITS = {"pence": ("GBP", 100), "p": ("GBP", 100), "cents": ("USD", 100)}
MEASURES = {
    "kilometres": "km",
    "kilometers": "km",
    "kilometre": "km",
    "kilometer": "km",
    "km": "km",
    "metres": "m",
    "meters": "m",
    "metre": "m",
    "meter": "m",
    "centimetres": "cm",
    "centimeters": "cm",
    "centimetre": "cm",
    "centimeter": "cm",
    "cm": "cm",
    "millimetres": "mm",
    "millimeters": "mm",
    "mm": "mm",
    "miles": "miles",
    "mile": "miles",
    "feet": "ft",
    "foot": "ft",
    "ft": "ft",
    "inches": "in",
    "kilograms": "kg",
    "kilogram": "kg",
    "kilos": "kg",
    "kilo": "kg",
    "kg": "kg",
    "grams": "g",
    "tonnes": "tonnes",
    "tonne": "tonnes",
    "tons": "tonnes",
    "litres": "litres",
    "liters": "litres",
    "hectares": "ha",
    "hectare": "ha",
    "ha": "ha",
    "acres": "acres",
    "megawatts": "MW",
    "mw": "MW",
    "gigawatts": "GW",
    "kwh": "kWh",
    "mph": "mph",
    "km/h": "km/h",
    "knots": "knots",
    "degrees": "degrees",
    "°c": "°C",
    "seconds": "seconds",
    "minutes": "minutes",
    "minute": "minutes",
    "hours": "hours",
    "hour": "hours",
    "days": "days",
    "day": "days",
    "weeks": "weeks",
    "week": "weeks",
    "months": "months",
    "month": "months",
    "years": "years",
    "year": "years",
    "decades": "decades",
}


def _word_list(words: str) -> list[str]:
    return words.split()


def _word_set(words: str) -> set[str]:
    return set(words.split())


# Units written straight after digits ("65km", "6cm", "38m").
ATTACHED_MEASURES = {"km", "m", "cm", "mm", "kg", "ft", "mi", "ha", "mw", "gw", "kwh", "mph"}
MONTHS = _word_list(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
WEEKDAYS = _word_list("monday tuesday wednesday thursday friday saturday sunday")
# Words that, before a number, make it part of a name or a label rather than a quantity.
LABEL_WORDS = _word_set(
    "page pages chapter section article clause paragraph room flat apartment platform gate "
    "line route junction exit bus number no no. level grade phase stage episode season volume "
    "version vol issue act part year form unit ward district zone block lot category class "
    "type tier model squad division league"
)
# Words before a year: "in 1994", "since 2019", "the 2020 election".
YEAR_WORDS = _word_set(
    "in since until till by during before after from of the early late mid circa c. around"
)
QUALIFIERS = [
    "as many as",
    "as much as",
    "as few as",
    "at least",
    "at most",
    "more than",
    "fewer than",
    "less than",
    "just over",
    "just under",
    "up to",
    "nearly",
    "almost",
    "about",
    "around",
    "roughly",
    "approximately",
    "some",
    "over",
    "under",
    "exactly",
    "only",
    "just",
]
# Capitalised words that may stand before a number at any point without naming it.
FUNCTION_WORDS = _word_set(
    "about around nearly almost some over under more fewer less just only exactly up at in of "
    "since by from to with and the all another than roughly approximately as between a an but "
    "or for on when while after before some those these their its our his her they we i it he "
    "she there this that if"
)
# Lower-case words after a number that are not what it counts.
NOT_NOUNS = _word_set(
    "a an the to and or of in on at by for from with than per as is are was were be been has "
    "have had will would could should may might that which who this these those it its their "
    "there then so but if when while since until after before into onto out up down off over "
    "under again more less most least percent per cent times each every other others such "
    "same last next new old all both some any no not also only just i we you he she they them "
    "his her our your my me us do did does"
)

IRREGULAR_PLURALS = _word_set(
    "people children men women police staff cattle sheep fish deer personnel crew"
)


NUMBER_WORD_RE = "|".join(sorted([*UNITS, *SCALES], key=len, reverse=True))
MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
