"""Byte-stable workbooks: sheets, cells that stay text, fixed zip times and document dates."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


# --- workbooks, byte-stable ------------------------------------------------------------------------

@dataclass
class Sheet:
    title: str
    headers: tuple[str, ...]
    rows: list[list[Any]]
    widths: tuple[int, ...] = ()


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def put(cell, value: Any) -> None:
    """A cell from a Python value; text is always text, never a formula."""
    if value is None or value == "":
        cell.value = None
    elif isinstance(value, bool):
        cell.value = "oui" if value else "non"
        cell.data_type = "s"
    elif isinstance(value, datetime):
        cell.value = value.replace(tzinfo=None)
        cell.number_format = "DD/MM/YYYY HH:MM"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "DD/MM/YYYY"
    elif isinstance(value, int | float):
        cell.value = value
    elif isinstance(value, Decimal):
        cell.value = float(value)
    else:
        cell.value = _ILLEGAL.sub("", str(value))
        cell.data_type = "s"  # « =… » stays text
        cell.number_format = "@"


def workbook(about: list[tuple[str, str]], sheets: list[Sheet], stamp: date) -> bytes:
    """A workbook: an « À propos » sheet (organisation, grid, period), then the sheets; byte-stable."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    info = book.active
    info.title = "À propos"
    for r, (label, value) in enumerate(about, start=1):
        put(info.cell(r, 1), label)
        info.cell(r, 1).font = Font(bold=True)
        put(info.cell(r, 2), value)
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 100
    head_fill = PatternFill("solid", start_color="DDE4EE")
    wrap = Alignment(wrap_text=True, vertical="top")  # one shared style: 30,000 rows stay fast
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        for c, title in enumerate(sheet.headers, start=1):
            put(ws.cell(1, c), title)
            ws.cell(1, c).font = Font(bold=True)
            ws.cell(1, c).fill = head_fill
        for r, row in enumerate(sheet.rows, start=2):
            for c, value in enumerate(row, start=1):
                cell = ws.cell(r, c)
                put(cell, value)
                if isinstance(value, str) and len(value) > 40:
                    cell.alignment = wrap
        ws.freeze_panes = "A2"
        if sheet.headers:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.headers))}{max(len(sheet.rows) + 1, 2)}"
        for c in range(1, len(sheet.headers) + 1):
            width = sheet.widths[c - 1] if c - 1 < len(sheet.widths) else max(
                [len(str(sheet.headers[c - 1]))] + [len(str(row[c - 1])) for row in sheet.rows if c - 1 < len(row)])
            ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 10), 60)
    book.properties.creator = "qualikit"
    buffer = io.BytesIO()
    book.save(buffer)
    return stable_zip(buffer.getvalue(), stamp)


def stable_zip(data: bytes, stamp: date) -> bytes:
    """The same zip (an .xlsx) with fixed entry times and fixed document dates: same data, same bytes."""
    moment = f"{stamp.isoformat()}T00:00:00Z".encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                                 lambda m: m.group(1) + moment + m.group(3), content)
            entry = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, content)
    return out.getvalue()
