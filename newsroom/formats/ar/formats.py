"""Dates and times in Arabic (NEWSROOM_LANGUAGE=ar): day, month name, year, as Arabic news
sites write them; Django's own Arabic module supplies the rest."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y، H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
LONG_DATE_FORMAT = "j F Y"
LONG_DATETIME_FORMAT = "j F Y، H:i"
DAY_TIME_FORMAT = "j F، H:i"
SECONDS_DATETIME_FORMAT = "j F Y، H:i:s"
