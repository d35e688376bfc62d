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


def put(cell, value: Any, number_format: str | None = None) -> None:
    """Set a cell from a Python value, typed; text is always text."""
    if isinstance(value, str):
        value = _ILLEGAL.sub("", value)
    if value is None or value == "":
        cell.value = None  # an empty string cell is no value, and Excel dislikes it
    elif isinstance(value, bool):
        cell.value = "oui" if value else "non"
        cell.data_type = "s"
    elif isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # "=HYPERLINK(…)", "+33…", "-", "@x", "#N/A" stay text
        cell.number_format = TEXT_FORMAT
    elif isinstance(value, datetime):
        if value.tzinfo is not None:
            from qualikit.base.clock import PARIS

            value = value.astimezone(PARIS).replace(tzinfo=None)
        cell.value = value
        cell.number_format = DATE_FORMAT if value.time() == time(0) else DATETIME_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, Percent):
        cell.value = float(value)
        cell.number_format = PERCENT_FORMAT
    elif isinstance(value, Decimal):
        cell.value = int(value) if value == value.to_integral_value() else float(value)
    elif isinstance(value, int | float):
        cell.value = value
    else:
        cell.value = _ILLEGAL.sub("", str(value))
        cell.data_type = "s"
        cell.number_format = TEXT_FORMAT
    if number_format is not None and cell.value is not None and cell.data_type != "s":
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
                room = _width(cell) + (3 if cell.row == header_row else 0)
                fitted[cell.column] = max(fitted.get(cell.column, 0), room)
    for c in range(1, last_col + 1):
        width = (widths or {}).get(c) or min(max(fitted.get(c, 0) + 2, 8), 60)
        ws.column_dimensions[get_column_letter(c)].width = width


def _width(cell) -> int:
    value = cell.value
    if isinstance(value, datetime):
        return 16 if cell.number_format == DATETIME_FORMAT else 10
    if isinstance(value, date):
        return 10
    if isinstance(value, float) and "%" in cell.number_format:
        return 5
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)
