"""Dates and amounts as a French reader expects them (« lundi 1er décembre 2026 »)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal


def long_date(day: date) -> str:
    from babel.dates import format_date

    text = format_date(day, "EEEE d MMMM y", locale="fr_FR")
    return text.replace(" 1 ", " 1er ", 1) if day.day == 1 else text


def short_date(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def hours(value: Decimal) -> str:
    """7 → « 7 h », 3.5 → « 3,5 h »."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") + "\u00a0h"


def clock_time(t) -> str:
    """09:00 → « 9 h », 12:30 → « 12 h 30 »."""
    return f"{t.hour}\u00a0h" + (f"\u00a0{t.minute:02d}" if t.minute else "")


def time_range(r) -> str:
    """A TimeRange as « 9 h – 12 h 30 »."""
    return f"{clock_time(r.start)} – {clock_time(r.end)}"
