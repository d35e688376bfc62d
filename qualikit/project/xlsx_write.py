"""Tables → the workbook form of a project (qualikit.xlsx).

The writing side of load/xlsx_source.py: one sheet per table in schema order,
French headers on row 1, the Organisation and Paramètres sheets as
« Champ | Valeur | Aide » lists with every field listed, so an empty workbook is
a form to fill in. Given tables (read from YAML, say), values are written typed
(real dates, real numbers, canonical choice labels), so reading the workbook
back builds the same model.

Drop-down lists read their choices from a hidden « Listes » sheet: an inline
list is limited to 255 characters and cannot hold a comma. Every text cell is
written as a string, never as a formula, whatever it starts with.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from qualikit.base.files import write_atomic_with
from qualikit.base.xlsx import DATE_FORMAT, TEXT_FORMAT, put
from qualikit.project.load import fields as f
from qualikit.project.load.schema import LISTS_SHEET, TABLES, Column, Table
from qualikit.project.load.tables import Row, Tables
from qualikit.project.model import TimeRange

KEYVALUE_HEADER = ("Champ", "Valeur", "Aide")
# TEXT_FORMAT on a column: typed 01000 or 06 12 34 56 78 stays text, 9-12 does not become a date
VALIDATED_ROWS = 1000  # drop-down lists cover rows 2..1000 (more when the data is longer)
_NUMBER_PARSERS = (f.INTEGER, f.POSITIVE, f.DECIMAL, f.PERCENT)
_EXCEL_DIGITS = 10**15  # Excel keeps 15 significant digits; longer integers are written as text
_FIRST_EXCEL_DATE = date(1900, 3, 1)  # earlier serials are ambiguous (Excel's 1900 leap-year bug)


def write_workbook(path: Path, tables: Tables | None = None) -> None:
    """Write the project workbook at `path`, atomically; empty (a form) when `tables` is None."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    book.properties.creator = "qualikit"
    lists = _Lists()
    for table in TABLES:
        ws = book.create_sheet(table.sheet)
        rows = (tables or {}).get(table.name, [])
        if table.keyvalue:
            _write_keyvalue(ws, table, rows[0] if rows else None, lists)
        else:
            _write_records(ws, table, rows, lists)
    lists.write(book.create_sheet(LISTS_SHEET))
    book.active = 0
    _save_atomically(book, Path(path))


# --- sheets -------------------------------------------------------------------------------------


def _write_keyvalue(ws, table: Table, row: Row | None, lists: _Lists) -> None:
    from openpyxl.styles import Alignment, Font

    for c, title in enumerate(KEYVALUE_HEADER, start=1):
        _header(ws.cell(1, c), title)
    ws.freeze_panes = "A2"
    widths = [len(h) for h in KEYVALUE_HEADER]
    top_wrap = Alignment(wrap_text=True, vertical="top")
    for r, column in enumerate(table.columns, start=2):
        label = ws.cell(r, 1)
        put(label, column.label)
        label.alignment = top_wrap
        if column.required:
            label.font = Font(bold=True)
        value = ws.cell(r, 2)  # created even when empty: its format guides what the trainer types
        _style_value(value, column)
        cell = row.cells.get(column.key) if row is not None else None
        if cell is not None:
            put(value, _native(column, cell.value))
        aide = ws.cell(r, 3)
        put(aide, _help(column))
        aide.alignment = top_wrap
        widths[0] = max(widths[0], len(column.label))
        widths[1] = max(widths[1], _width(value.value))
        if column.parser.choices:
            _validate(ws, column, f"B{r}", lists)
    ws.column_dimensions["A"].width = min(max(widths[0] + 2, 20), 50)
    ws.column_dimensions["B"].width = min(max(widths[1] + 2, 40), 60)
    ws.column_dimensions["C"].width = 70


def _write_records(ws, table: Table, rows: list[Row], lists: _Lists) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    ws.freeze_panes = "A2"
    widths = {}
    for c, column in enumerate(table.columns, start=1):
        header = ws.cell(1, c)
        _header(header, column.label)
        text = _help(column)
        if text:
            height = max(80, 20 * (1 + len(text) // 40))
            header.comment = Comment(text, "qualikit", height=height, width=300)
        widths[c] = len(column.label) + 4  # room for the filter and comment marks
    r = 1
    for row in rows:
        values = [
            _native(column, row.cells[column.key].value) if column.key in row.cells else None
            for column in table.columns
        ]
        if all(v is None for v in values):
            continue  # nothing to write: the reader skips blank rows anyway
        r += 1
        for c, (column, value) in enumerate(zip(table.columns, values, strict=True), start=1):
            if value is None:
                continue
            cell = ws.cell(r, c)
            _style_value(cell, column)
            put(cell, value)
            widths[c] = max(widths[c], _width(cell.value))
    last_row = max(VALIDATED_ROWS, r + VALIDATED_ROWS // 2)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{max(r, 2)}"
    for c, column in enumerate(table.columns, start=1):
        letter = get_column_letter(c)
        dim = ws.column_dimensions[letter]  # the column's style applies to the rows typed later
        dim.number_format = _format(column)
        if column.many:
            dim.alignment = Alignment(wrap_text=True, vertical="top")
            dim.width = min(max(widths[c], 40), 60)
        else:
            dim.width = min(max(widths[c], 10 if column.parser is not f.DATE else 12), 50)
        if column.parser.choices:
            _validate(ws, column, f"{letter}2:{letter}{last_row}", lists)


def _header(cell, text: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    put(cell, text)
    cell.font = Font(bold=True)
    cell.fill = PatternFill("solid", start_color="DDE4EE")
    cell.alignment = Alignment(vertical="top", wrap_text=True)


def _help(column: Column) -> str:
    """What the trainer needs to fill the column: the same facts the docs give."""
    parts = []
    if column.required:
        parts.append("Obligatoire.")
    if column.help:
        parts.append(column.help)
    if column.parser is not f.TEXT:
        parts.append(f"Attendu\u00a0: {column.parser.expected}.")
    if column.many:
        parts.append("Un élément par ligne (Alt+Entrée pour aller à la ligne dans la cellule).")
    return " ".join(parts)


def _format(column: Column) -> str:
    if column.parser is f.DATE:
        return DATE_FORMAT
    if column.parser is f.PERCENT:
        return TEXT_FORMAT  # typed « 10 % » in a General cell, Excel would store 0.1: read as 0.1 %
    if column.parser in _NUMBER_PARSERS:
        return "General"
    return TEXT_FORMAT


def _style_value(cell, column: Column) -> None:
    from openpyxl.styles import Alignment

    cell.number_format = _format(column)
    if column.many:
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, (date, datetime)):
        return 12
    return max((len(line) for line in str(value).splitlines()), default=0) + 2


# --- drop-down lists ----------------------------------------------------------------------------


class _Lists:
    """The hidden sheet of choices: one column per distinct list, shared by the columns using it."""

    def __init__(self):
        self.columns: dict[tuple[str, ...], tuple[int, str]] = {}  # choices → (column, title)

    def ref(self, column: Column) -> str:
        from openpyxl.utils import get_column_letter, quote_sheetname

        choices = column.parser.choices
        if choices not in self.columns:
            self.columns[choices] = (len(self.columns) + 1, column.label)
        c, _ = self.columns[choices]
        letter = get_column_letter(c)
        return f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(choices) + 1}"

    def write(self, ws) -> None:
        for choices, (c, title) in self.columns.items():
            _header(ws.cell(1, c), title)
            for r, choice in enumerate(choices, start=2):
                put(ws.cell(r, c), choice)
            width = max(len(x) for x in (title, *choices)) + 2
            ws.column_dimensions[ws.cell(1, c).column_letter].width = width
        ws.sheet_state = "hidden"


def _validate(ws, column: Column, cells: str, lists: _Lists) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    message = f"Choisissez une valeur de la liste\u00a0: {', '.join(column.parser.choices)}"
    validation = DataValidation(
        type="list", formula1=lists.ref(column), allow_blank=True,
        showErrorMessage=True, errorStyle="stop", errorTitle="Valeur non prévue",
        error=_clip(message, 255),  # Excel refuses longer messages
    )
    ws.add_data_validation(validation)
    validation.add(cells)


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


# --- values -------------------------------------------------------------------------------------


def _native(column: Column, value: Any) -> Any:
    """The cell value for what a loader read: typed if its parser accepts it, else raw."""
    if value is None:
        return None
    if isinstance(value, list):  # a YAML sequence: one item per line, as the reader splits them
        items = (_item(column, item.value) for item in value if item.value is not None)
        return "\n".join(i for i in items if i) or None
    if column.many:  # one scalar holding the whole list: the reader splits it the same way
        return _raw(value)
    try:
        parsed = column.parser(value)
    except f.Invalid:
        return _raw(value)  # kept so the trainer sees and fixes it; the reader reports it again
    return _typed(column, parsed)


def _item(column: Column, value: Any) -> str:
    try:
        typed = _typed(column, column.parser(value))
    except f.Invalid:
        typed = _raw(value)
    if isinstance(typed, datetime):
        return f"{typed:%d/%m/%Y %H:%M}"
    if isinstance(typed, date):
        return f"{typed:%d/%m/%Y}"
    return "" if typed is None else str(typed).strip()


def _typed(column: Column, value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, TimeRange):
        return str(value)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], date):  # an instalment
        return f"{value[0].isoformat()} : {format(value[1], 'f')}"
    if isinstance(value, date):
        day = value.date() if isinstance(value, datetime) else value
        return value if day >= _FIRST_EXCEL_DATE else value.isoformat()
    if isinstance(value, Decimal):
        if column.parser is f.PERCENT:
            value *= 100  # the parser reads 10 as 10 %, so 0.1 is written 10
        return _number(value)
    if isinstance(value, int):
        return value if abs(value) < _EXCEL_DIGITS else str(value)
    return value


def _number(value: Decimal) -> int | float | str:
    if value == value.to_integral_value() and abs(value) < _EXCEL_DIGITS:
        return int(value)
    number = float(value)
    if Decimal(repr(number)) == value:
        return number
    return format(value, "f")  # more digits than a float holds: text, read back exactly


def _raw(value: Any) -> Any:
    if isinstance(value, (str, int, float, date, datetime)) and not isinstance(value, bool):
        return value
    return str(value)


# --- file ---------------------------------------------------------------------------------------


def _save_atomically(book, path: Path) -> None:
    """Write next to `path`, then rename over it: a reader never sees a half-written workbook."""
    write_atomic_with(path, book.save)
