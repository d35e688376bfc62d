"""Cells and tables for every workbook qualikit writes, so Excel can sort, filter and add them up.

- `put()`: dates are real dates (« JJ/MM/AAAA »), numbers real numbers, shares (`Percent`)
  numbers shown as percentages, and text always a
  string cell — a learner's answer starting with « = », « + », « - » or « @ » never becomes a
  formula, an error code or a guess;
- `finish()`: the header row frozen and filtered, the columns as wide as their content.

openpyxl is imported by the callers, inside their functions (start-up speed): nothing here
imports it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
TEXT_FORMAT = "@"
PERCENT_FORMAT = "0%"  # 0.75 shows as 75 % in a French Excel
DECIMAL_FORMAT = "0.0"
SIGNED_FORMAT = "+0;-0;0"  # the NPS: +75, -10, 0
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters XML cannot hold


class Percent(float):
    """A share (0.75) that a workbook shows as a percentage (75 %): rows stay plain lists."""


def typed(value: Any) -> tuple[Any, str | None, bool]:
    """What a Python value becomes in a cell: (cell value, number format, is text). Text is always
    text, never a formula; dates in Paris time; `None` for nothing. The one rule every writer follows."""
    if isinstance(value, str):
        value = _ILLEGAL.sub("", value)
        return (value, TEXT_FORMAT, True) if value else (None, None, False)
    if value is None:
        return None, None, False
    if isinstance(value, bool):
        return ("oui" if value else "non"), None, True
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            from qualikit.base.clock import PARIS

            value = value.astimezone(PARIS).replace(tzinfo=None)
        return value, (DATE_FORMAT if value.time() == time(0) else DATETIME_FORMAT), False
    if isinstance(value, date):
        return value, DATE_FORMAT, False
    if isinstance(value, Percent):
        return float(value), PERCENT_FORMAT, False
    if isinstance(value, Decimal):
        return (int(value) if value == value.to_integral_value() else float(value)), None, False
    if isinstance(value, int | float):
        return value, None, False
    return _ILLEGAL.sub("", str(value)), TEXT_FORMAT, True


def put(cell, value: Any, number_format: str | None = None) -> None:
    """Set an openpyxl cell from a Python value, typed by `typed()`."""
    value, fmt, text = typed(value)
    cell.value = value  # an empty string cell is no value, and Excel dislikes it
    if text:
        cell.data_type = "s"  # "=HYPERLINK(…)", "+33…", "-", "@x", "#N/A" stay text
    if fmt is not None:
        cell.number_format = fmt
    if number_format is not None and value is not None and not text:
        cell.number_format = number_format


def finish(ws, header_row: int = 1, widths: dict[int, int] | None = None, filter_: bool = True) -> None:
    """Freeze the rows down to the header, filter on the header, fit each column to its content
    (a width given in `widths`, by column number, wins)."""
    from openpyxl.utils import get_column_letter

    last_col = ws.max_column
    ws.freeze_panes = f"A{header_row + 1}"
    if filter_ and last_col:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(last_col)}{max(ws.max_row, header_row + 1)}"
    fitted: dict[int, int] = {}  # the header gets room for its filter button
    for row in ws.iter_rows(min_row=header_row):
        for cell in row:
            if cell.value is not None:
                room = value_width(cell.value, cell.number_format) + (3 if cell.row == header_row else 0)
                fitted[cell.column] = max(fitted.get(cell.column, 0), room)
    for c in range(1, last_col + 1):
        width = (widths or {}).get(c) or min(max(fitted.get(c, 0) + 2, 8), 60)
        ws.column_dimensions[get_column_letter(c)].width = width


def fitted_widths(headers, rows, widths: dict[int, int] | None = None) -> dict[int, int]:
    """`finish()`'s column widths computed from the values, for a write-only sheet (whose cells
    cannot be read back): the same widths for the same table."""
    fitted = {c: len(str(h)) + 3 for c, h in enumerate(headers, start=1)}
    for row in rows:
        for c, value in enumerate(row, start=1):
            if value is not None and value != "":
                room = value_width(value, PERCENT_FORMAT if isinstance(value, Percent) else "")
                if room > fitted.get(c, 0):
                    fitted[c] = room
    last = max([len(headers), *fitted])
    return {c: (widths or {}).get(c) or min(max(fitted.get(c, 0) + 2, 8), 60) for c in range(1, last + 1)}


def value_width(value, number_format: str) -> int:
    """Characters a value needs once shown: a date 10, a date and time 16, a share 5, text its longest line."""
    if isinstance(value, datetime):
        return 16 if number_format == DATETIME_FORMAT or value.time() != time(0) else 10
    if isinstance(value, date):
        return 10
    if isinstance(value, float) and "%" in number_format:
        return 5
    text = value if isinstance(value, str) else str(value)
    if "\n" not in text:
        return len(text)
    return max((len(line) for line in text.splitlines()), default=0)
