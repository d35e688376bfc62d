"""When a form was answered: the many ways form tools write a date and time, read to one moment.

Split from presets.py (which says what each column means) because it is its own job: day or month
first decided on the whole column, time zones written as offsets, abbreviations or not at all.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from qualikit.quality.surveys.readers import Cell

_ZONES = {"utc": 0, "gmt": 0, "z": 0, "ut": 0, "wet": 0, "bst": 1, "cet": 1, "west": 1, "cest": 2, "eet": 2,
          "eest": 3, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
          "akst": -9, "akdt": -8, "hst": -10, "jst": 9, "aest": 10, "aedt": 11}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(.*)")
_YMD = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp]\.?[Mm]\.?)?)?\s*(.*)")
_DMY = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})(?:(?:\s*-\s*|\s+|T)(\d{1,2})[:h](\d{2})(?::(\d{2}))?"
                  r"\s*([AaPp]\.?[Mm]\.?)?)?\s*(.*)")


def _zone(text: str, default: tzinfo) -> tzinfo | None:
    """`UTC+1`, `GMT+2`, `+01:00`, `EST`, `Z`, '' (→ default); None when it is not a zone."""
    text = text.strip()
    if not text:
        return default
    m = re.fullmatch(r"(?:UTC|GMT|UT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?", text, re.I)
    if m:
        hours, minutes = int(m.group(2)), int(m.group(3) or 0)
        if hours > 14 or minutes > 59:
            return None
        sign = -1 if m.group(1) == "-" else 1
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    if text.lower() in _ZONES:
        return timezone(timedelta(hours=_ZONES[text.lower()]))
    if re.fullmatch(r"[A-Za-z]{2,5}", text):  # an abbreviation we do not know: the tool's default
        return default
    return None


def day_order(values: list[Cell], default: bool) -> bool:
    """Day first (21/07/2023) or month first (1/15/2025), decided on the whole column."""
    day = month = False
    for value in values:
        if isinstance(value, str) and (m := _DMY.fullmatch(value.strip())):
            a, b = int(m.group(1)), int(m.group(2))
            day |= a > 12
            month |= b > 12
    if day != month:
        return day
    return default


def parse_moment(value: Cell, zone: tzinfo, day_first: bool = True) -> datetime | None:
    """A submission time, timezone-aware (`zone` when the export gives none); None if unreadable."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), zone)
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if m := _ISO.fullmatch(text):
            y, mo, d, hh, mm, ss, rest = m.groups()
            ampm = None
        elif m := _YMD.fullmatch(text):
            y, mo, d, hh, mm, ss, ampm, rest = m.groups()
        elif m := _DMY.fullmatch(text):
            a, b, y, hh, mm, ss, ampm, rest = m.groups()
            d, mo = (a, b) if day_first else (b, a)
            y = str(2000 + int(y)) if len(y) == 2 else y
        else:
            return None
        tz = _zone(rest.strip(), zone)
        if tz is None:
            return None
        hour = int(hh or 0)
        if ampm:
            if hour > 12 or hour == 0:
                return None
            hour = hour % 12 + (12 if ampm.lower().startswith("p") else 0)
        return datetime(int(y), int(mo), int(d), hour, int(mm or 0), int(ss or 0), tzinfo=tz)
    except (ValueError, OverflowError):
        return None
