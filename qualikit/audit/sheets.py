"""Byte-stable workbooks: sheets, cells that stay text, fixed zip times and document dates."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Any

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


# --- workbooks, byte-stable ------------------------------------------------------------------------

@dataclass
class Sheet:
    title: str
    headers: tuple[str, ...]
    rows: list[list[Any]]
    widths: tuple[int, ...] = ()


def workbook(about: list[tuple[str, str]], sheets: list[Sheet], stamp: date) -> bytes:
    """A workbook: an « À propos » sheet (organisation, grid, period), then the sheets; byte-stable.

    Cells are typed by `base.xlsx.put` (dates, numbers, rates as `Percent`); every sheet has
    its header frozen and filtered."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from qualikit.base.xlsx import finish, put

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
        finish(ws, widths={c: min(max(w + 2, 10), 60) for c, w in enumerate(sheet.widths, start=1)})
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
