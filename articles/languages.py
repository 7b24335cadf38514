"""The site's one language (NEWSROOM_LANGUAGE) as each consumer spells it.

Django knows the language as a code such as "en-gb"; a page wants the BCP 47 tag ("en-GB") and
a direction, a feed its language, the Google News sitemap an ISO 639 code, PostgreSQL the name
of a text-search configuration and SQLite's FTS5 a tokenizer. Each of these is one function
here, so a new language is a row in a table, not a hunt through templates and SQL.

The functions read the active language (`translation.get_language()`), which outside a
`translation.override()` is settings.LANGUAGE_CODE, since the site has no per-reader language.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

# PostgreSQL's built-in text-search configurations (`SELECT cfgname FROM pg_ts_config` on
# PostgreSQL 15), by primary language subtag. A language PostgreSQL has no stemmer for is
# searched with "simple": every word as it is written, lower-cased, no stop words.
POSTGRES_CONFIGS = {
    "ar": "arabic",
    "ca": "catalan",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "ne": "nepali",
    "nb": "norwegian",
    "nn": "norwegian",
    "no": "norwegian",
    "nl": "dutch",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}
POSTGRES_FALLBACK_CONFIG = "simple"

# FTS5's tokenizers: unicode61 folds case and, with remove_diacritics 2, every accent (so
# "camion" finds "camión", and "Ñandú" is found by "nandu"); the porter stemmer is English-only
# and would cut other languages' words at English suffixes, so only English gets it.
FTS5_STEMMED_TOKENIZER = "porter unicode61 remove_diacritics 2"
FTS5_PLAIN_TOKENIZER = "unicode61 remove_diacritics 2"


def current() -> str:
    """The active language code, e.g. "en-gb" (settings.LANGUAGE_CODE outside an override)."""
    return translation.get_language() or settings.LANGUAGE_CODE


def primary(code: str | None = None) -> str:
    """The primary subtag: "en" for "en-gb", "es" for "es-mx"."""
    return (code or current()).split("-")[0].lower()


def html_tag(code: str | None = None) -> str:
    """The BCP 47 tag for `lang=""`: "en-GB", "es", "zh-Hans", "sr-Latn"."""
    parts = (code or current()).split("-")
    tag = [parts[0].lower()]
    for part in parts[1:]:
        # Regions are upper case (GB, MX), scripts title case (Hans, Latn).
        tag.append(part.upper() if len(part) == 2 else part.title())
    return "-".join(tag)


def is_rtl(code: str | None = None) -> bool:
    """Whether the language is written right to left (Arabic, Hebrew, Persian, Urdu…)."""
    try:
        return bool(translation.get_language_info(code or current())["bidi"])
    except KeyError:
        return False


def direction(code: str | None = None) -> str:
    """The page's `dir=""`: "rtl" or "ltr"."""
    return "rtl" if is_rtl(code) else "ltr"


def news_sitemap_language(code: str | None = None) -> str:
    """Google News' <news:language>: ISO 639, except Chinese, which it wants as zh-cn/zh-tw."""
    code = (code or current()).lower()
    if code.startswith("zh"):
        return "zh-tw" if code in {"zh-hant", "zh-tw", "zh-hk"} else "zh-cn"
    return primary(code)


def feed_language(code: str | None = None) -> str:
    """RSS <language>: the tag as RSS 2.0 lists them, lower-cased ("en-gb", "es")."""
    return (code or current()).lower()


def postgres_search_config(code: str | None = None) -> str:
    """The PostgreSQL text-search configuration for the language, "simple" if it has none."""
    return POSTGRES_CONFIGS.get(primary(code), POSTGRES_FALLBACK_CONFIG)


def fts5_tokenizer(code: str | None = None) -> str:
    """The FTS5 tokenizer for the language: Porter stemming for English only."""
    return FTS5_STEMMED_TOKENIZER if primary(code) == "en" else FTS5_PLAIN_TOKENIZER
