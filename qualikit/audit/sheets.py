"""Byte-stable workbooks for the audit pack: sheets, cells that stay text, fixed document dates."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass
class Sheet:
    title: str
    headers: tuple[str, ...]
    rows: list[list[Any]]
    widths: tuple[int, ...] = ()


def workbook(about: list[tuple[str, str]], sheets: list[Sheet], stamp: date) -> bytes:
    """A workbook: an « À propos » sheet (organisation, grid, period), then the sheets.

    Cells are typed by `base.xlsx.typed` (dates, numbers, rates as `Percent`, text never a
    formula); every sheet has its header frozen and filtered. Written with XlsxWriter, which
    streams rows and dates its zip entries 1980-01-01 (same data, same bytes): a year's reminder
    log (30,000 rows) takes 1.5 s where openpyxl took 3.5 s (write-only) to 9 s."""
    import xlsxwriter

    from qualikit.base.xlsx import fitted_widths, typed

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"author": "qualikit", "created": datetime(stamp.year, stamp.month, stamp.day)})
    formats: dict[tuple, Any] = {}

    def style(number_format: str | None, head: bool = False, wrap: bool = False, bold: bool = False):
        key = (number_format, head, wrap, bold)
        if key not in formats:
            spec: dict[str, Any] = {"num_format": number_format} if number_format else {}
            if head or bold:
                spec["bold"] = True
            if head:
                spec.update(bg_color="#DDE4EE", pattern=1)
            if wrap:
                spec.update(text_wrap=True, valign="top")
            formats[key] = book.add_format(spec)
        return formats[key]

    def write(ws, r: int, c: int, raw: Any, head: bool = False, bold: bool = False) -> None:
        value, number_format, text = typed(raw)
        if value is None:
            if head:
                ws.write_blank(r, c, None, style(None, head))
        elif bold:
            ws.write_string(r, c, str(value), style(number_format, bold=True))
        elif text:
            ws.write_string(r, c, value, style(number_format, head, wrap=not head and len(value) > 40))
        elif isinstance(value, date | datetime):
            ws.write_datetime(r, c, value, style(number_format, head))
        else:
            ws.write_number(r, c, value, style(number_format, head))

    info = book.add_worksheet("À propos")
    info.set_column(0, 0, 22)
    info.set_column(1, 1, 100)
    for r, (label, value) in enumerate(about):
        write(info, r, 0, label, bold=True)
        write(info, r, 1, value)
    for sheet in sheets:
        ws = book.add_worksheet(sheet.title[:31])
        given = {c: min(max(w + 2, 10), 60) for c, w in enumerate(sheet.widths, start=1)}
        widths = fitted_widths(sheet.headers, sheet.rows, given)
        for c, width in widths.items():
            ws.set_column(c - 1, c - 1, width)
        ws.freeze_panes(1, 0)
        if widths:
            ws.autofilter(0, 0, max(len(sheet.rows), 1), max(widths) - 1)
        for c, title in enumerate(sheet.headers):
            write(ws, 0, c, title, head=True)
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row):
                write(ws, r, c, value)
    book.close()
    return buffer.getvalue()
