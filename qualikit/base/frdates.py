"""Dates, times and amounts as a French reader expects them (« lundi 1er décembre 2026 », « 9 h 00 »).

A date never breaks across lines: no-break spaces (U+00A0) join the day to its month and the
month to its year, in a PDF paragraph, an e-mail or a web page alike.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

NBSP = "\u00a0"
MINUS = "\u2212"


def long_date(day: date) -> str:
    """« lundi 5 novembre 2026 », « mardi 1er décembre 2026 »."""
    from babel.dates import format_date

    return f"{format_date(day, 'EEEE', locale='fr_FR')} {plain_date(day)}"


def plain_date(day: date) -> str:
    """« 15 octobre 2026 », « 1er décembre 2026 »: the date of a form, without the weekday."""
    from babel.dates import format_date

    month = format_date(day, "MMMM", locale="fr_FR")
    return f"{'1er' if day.day == 1 else day.day}{NBSP}{month}{NBSP}{day.year}"


def short_date(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def hours(value: Decimal) -> str:
    """7 → « 7 h », 3.5 → « 3,5 h »."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") + "\u00a0h"


def clock_time(t) -> str:
    """09:00 → « 9 h 00 », 12:30 → « 12 h 30 » (a time or a datetime)."""
    return f"{t.hour}{NBSP}h{NBSP}{t.minute:02d}"


def time_range(r) -> str:
    """A TimeRange as « 9 h 00 – 12 h 30 »."""
    return f"{clock_time(r.start)} – {clock_time(r.end)}"


def signed(value) -> str:
    """A score that can be negative, as the NPS: « +75 », « −10 » (a true minus sign), « 0 »."""
    number = int(value)
    return f"+{number}" if number > 0 else f"{MINUS}{-number}" if number < 0 else "0"
