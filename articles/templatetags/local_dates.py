"""`{{ value|local_date:"LONG_DATE_FORMAT" }}`: a date written the way the site's language does.

Django's `date` filter knows a fixed set of format names (DATE_FORMAT, YEAR_MONTH_FORMAT…);
the reader site also writes long dates ("2 December 2026", "2 de diciembre de 2026") and the
desks short ones with a time. Those formats are named here and looked up in the language's
format module (newsroom/formats/<locale>/formats.py, then Django's own), with the English
pattern as the last resort, so a new language only adds a formats module.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from django import template
from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.utils import translation
from django.utils.formats import iter_format_modules

register = template.Library()

# The named formats and their English patterns (the fallback for a language without them).
NAMED_FORMATS = {
    # "2 December 2026": story cards, corrections, sources.
    "LONG_DATE_FORMAT": "j F Y",
    # "2 December 2026, 14:02": a story's published and updated times.
    "LONG_DATETIME_FORMAT": "j F Y, H:i",
    # "2 Dec, 14:02": the editors' desk on the admin's home page.
    "DAY_TIME_FORMAT": "j M, H:i",
    # "2 Dec 2026, 14:02:09": the moderation log, where seconds order the events.
    "SECONDS_DATETIME_FORMAT": "j M Y, H:i:s",
}


@cache
def named_format(name: str, language: str) -> str:
    """The pattern `name` has in `language`'s format modules, else its English one."""
    if name not in NAMED_FORMATS:
        raise template.TemplateSyntaxError(f"Unknown date format name {name!r}.")
    for module in iter_format_modules(language, settings.FORMAT_MODULE_PATH):
        pattern = getattr(module, name, None)
        if pattern:
            return str(pattern)
    return NAMED_FORMATS[name]


@register.filter(expects_localtime=True, is_safe=False)
def local_date(value: dt.date | dt.datetime | None, name: str) -> str:
    if value in (None, ""):
        return ""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return date_filter(value, named_format(name, language))
