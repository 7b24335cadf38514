"""Dates and times in Spanish (NEWSROOM_LANGUAGE=es): "2 de diciembre de 2026, 14:02" on the
reader site, "2 dic 2026, 14:02" in the admin, the 24-hour clock as Spanish newsrooms write it.
Django's own Spanish module supplies the rest (input formats, the decimal comma)."""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
LONG_DATE_FORMAT = r"j \d\e F \d\e Y"
LONG_DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i"
DAY_TIME_FORMAT = "j M, H:i"
SECONDS_DATETIME_FORMAT = "j M Y, H:i:s"
