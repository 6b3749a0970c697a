"""Dates feedparser could not read: other languages' month and day names, 12-hour clocks, no zone.

feedparser parses RFC 822 and W3C dates; real feeds also send "Seg, 24 Set 2018 19:42:40 -0300"
(Portuguese), "mer, 16 nov 2022 00:38:15 +0100" (Italian) or "Sat, Dec 16 2023 02:02:33 PM"
(no zone). Names are translated to English and the rest is left to dateutil; a date without a
zone is taken as UTC and says so.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from dateutil import parser as dateutil_parser

MONTHS = {
    # Portuguese, Italian, Spanish, French, German (abbreviated and full), to English
    "jan": "Jan", "janeiro": "Jan", "gennaio": "Jan", "gen": "Jan", "enero": "Jan", "ene": "Jan", "janvier": "Jan",
    "janv": "Jan", "januar": "Jan", "jän": "Jan",
    "fev": "Feb", "fevereiro": "Feb", "febbraio": "Feb", "feb": "Feb", "febrero": "Feb", "février": "Feb",
    "févr": "Feb", "februar": "Feb",
    "mar": "Mar", "março": "Mar", "marzo": "Mar", "mars": "Mar", "märz": "Mar", "mär": "Mar",
    "abr": "Apr", "abril": "Apr", "aprile": "Apr", "apr": "Apr", "avril": "Apr", "avr": "Apr",
    "mai": "May", "maio": "May", "maggio": "May", "mag": "May", "mayo": "May", "may": "May",
    "jun": "Jun", "junho": "Jun", "giugno": "Jun", "giu": "Jun", "junio": "Jun", "juin": "Jun", "juni": "Jun",
    "jul": "Jul", "julho": "Jul", "luglio": "Jul", "lug": "Jul", "julio": "Jul", "juillet": "Jul", "juil": "Jul",
    "juli": "Jul",
    "ago": "Aug", "agosto": "Aug", "aug": "Aug", "août": "Aug", "aout": "Aug", "august": "Aug",
    "set": "Sep", "setembro": "Sep", "settembre": "Sep", "sett": "Sep", "septiembre": "Sep", "sep": "Sep",
    "sept": "Sep", "septembre": "Sep", "september": "Sep",
    "out": "Oct", "outubro": "Oct", "ottobre": "Oct", "ott": "Oct", "octubre": "Oct", "oct": "Oct", "octobre": "Oct",
    "okt": "Oct", "oktober": "Oct",
    "nov": "Nov", "novembro": "Nov", "novembre": "Nov", "noviembre": "Nov", "november": "Nov",
    "dez": "Dec", "dezembro": "Dec", "dicembre": "Dec", "dic": "Dec", "diciembre": "Dec", "déc": "Dec",
    "décembre": "Dec", "dezember": "Dec", "dec": "Dec",
}  # fmt: skip
WEEKDAYS = re.compile(
    r"^\s*(seg|ter|qua|qui|sex|s[áa]b|dom|lun|mar|mer|gio|ven|sab|mi[ée]|jue|vie|mon|tue|wed|thu|fri|sat|sun|"
    r"lu|ma|me|je|ve|sa|di|mo|do|fr|so)[a-zçéèêíóúä\-]*\.?,?\s+",
    re.IGNORECASE,
)
ZONES = {name: hours * 3600 for name, hours in {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8,
    "PDT": -7, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11,
}.items()}  # fmt: skip
WORD = re.compile(r"[^\W\d_]+\.?", re.UNICODE)


def _english(text: str) -> str:
    text = WEEKDAYS.sub("", text.strip())
    return WORD.sub(lambda m: MONTHS.get(m.group(0).rstrip(".").lower(), m.group(0)), text)


def parse_loose_date(text: str | None) -> tuple[datetime | None, bool]:
    """(UTC datetime, zone_assumed) for a date string feedparser gave up on; (None, False) if hopeless."""
    if not text or not text.strip():
        return None, False
    try:
        parsed = dateutil_parser.parse(_english(text), fuzzy=False, tzinfos=ZONES)
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC), True
        # a zone of 24 hours or more ("-2400"), or a UTC time past year 9999 or before year 1, is no date either
        return parsed.astimezone(UTC), False
    except (ValueError, OverflowError, TypeError):
        return None, False
