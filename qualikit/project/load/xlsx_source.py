"""The workbook form of a project (qualikit.xlsx) → located tables.

One sheet per table, French headers on the first row; the Organisation and
Paramètres sheets are « Champ | Valeur » lists. Blank rows are skipped, unknown
sheets and columns are reported and ignored. Never raises for bad input.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

from qualikit.base.diagnostics import Location, Report, quote
from qualikit.project.load.fields import fold
from qualikit.project.load.schema import LISTS_SHEET, TABLES, Table
from qualikit.project.load.tables import Cell, Row, Tables

REQUIRED_SHEETS = ("organisation",)


def read_xlsx_project(path: Path, report: Report) -> Tables:
    """The tables (empty when the workbook cannot be opened: the report says why)."""
    from openpyxl.utils import get_column_letter

    tables: Tables = {t.name: [] for t in TABLES}
    filename = path.name
    try:
        sheets = {fold(title): (title, rows) for title, rows in _sheets(path)}
    except Exception as exc:  # calamine's errors, or the file system's
        if isinstance(exc, zipfile.BadZipFile | KeyError | OSError | ValueError) or type(exc).__name__ == "ZipError":
            report.error(Location(filename), "classeur illisible : ce n'est pas un fichier .xlsx valide "
                         f"({type(exc).__name__}) ; enregistrez-le au format « Classeur Excel (.xlsx) »")
        else:
            report.error(Location(filename), f"classeur refusé ({type(exc).__name__}) : contenu XML non sûr ou "
                         "corrompu")
        return tables
    wanted = {fold(t.sheet): t for t in TABLES}
    for key, (title, _) in sheets.items():
        if key not in wanted and key != fold(LISTS_SHEET):
            report.warning(Location(filename, sheet=title), "feuille inconnue, ignorée "
                           f"(feuilles attendues : {', '.join(t.sheet for t in TABLES)})")
    for table in TABLES:
        if (found := sheets.get(fold(table.sheet))) is None:
            if table.name in REQUIRED_SHEETS:
                report.error(Location(filename), f"feuille {quote(table.sheet)} manquante")
            continue
        title, rows = found
        reader = _SheetReader(filename, title, report, get_column_letter)
        if table.keyvalue:
            tables[table.name].append(reader.keyvalue(table, rows))
        else:
            tables[table.name].extend(reader.records(table, rows))
    return tables


def _sheets(path: Path) -> list[tuple[str, list[tuple]]]:
    """Each worksheet's title and cached values from A1, as openpyxl's `iter_rows(values_only=True)`
    gives them (None for an empty cell, an int for a whole number, a datetime for a date), read by
    calamine (Rust): a year's workbook in 0.15 s where openpyxl's read-only mode takes 1.5 s. Its XML
    reader expands no entity, so a crafted workbook cannot blow up."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    book = CalamineWorkbook.from_path(str(path))
    try:
        out = []
        for meta in book.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            out.append((meta.name, [tuple(_value(v) for v in row) for row in rows]))
        return out
    finally:
        book.close()


def _value(v):
    if v == "":
        return None
    kind = type(v)
    if kind is float and v.is_integer():
        return int(v)
    if kind is date:
        return datetime(v.year, v.month, v.day)
    return v


class _SheetReader:
    def __init__(self, filename: str, sheet: str, report: Report, letter):
        self.filename, self.sheet, self.report, self.letter = filename, sheet, report, letter

    def loc(self, row: int, col: int | None = None) -> Location:
        cell = f"{self.letter(col)}{row}" if col else f"A{row}"
        return Location(self.filename, sheet=self.sheet, cell=cell)

    def keyvalue(self, table: Table, rows: list[tuple]) -> Row:
        record = Row(Location(self.filename, sheet=self.sheet))
        for r, values in enumerate(rows, start=1):
            label, value = (*values, None, None)[:2]
            if _blank(label):
                continue
            if r == 1 and fold(str(label)) == "champ":
                continue
            column = table.by_label(str(label))
            if column is None:
                if "mot de passe" in fold(str(label)):
                    self.report.error(self.loc(r, 1), "un mot de passe ne s'écrit jamais dans un fichier : "
                                      "mettez-le dans la variable d'environnement QUALIKIT_SMTP_PASSWORD")
                else:
                    self.report.error(self.loc(r, 1), f"champ inconnu {quote(label)}")
                continue
            if column.key in record.cells:
                self.report.error(self.loc(r, 1), f"champ {quote(label)} en double")
                continue
            if not _blank(value):
                record.cells[column.key] = Cell(_clean(value), self.loc(r, 2))
        return record

    def records(self, table: Table, rows: list[tuple]) -> list[Row]:
        header_at = next((i for i, v in enumerate(rows) if any(not _blank(x) for x in v)), None)
        if header_at is None:
            return []
        columns = {}
        for c, label in enumerate(rows[header_at], start=1):
            if _blank(label):
                continue
            column = table.by_label(str(label))
            if column is None:
                self.report.warning(self.loc(header_at + 1, c), f"colonne {quote(label)} inconnue, ignorée")
            elif column.key in columns.values():
                self.report.error(self.loc(header_at + 1, c), f"colonne {quote(label)} en double")
            else:
                columns[c] = column.key
        for column in table.columns:
            if column.required and column.key not in columns.values():
                self.report.error(self.loc(header_at + 1), f"colonne {quote(column.label)} manquante "
                                  f"dans la feuille {quote(self.sheet)}")
        letters = {c: self.letter(c) for c in columns}
        where, new = (self.filename, None, None, self.sheet), tuple.__new__  # Location, without its keywords
        out = []
        for r, values in enumerate(rows[header_at + 1:], start=header_at + 2):
            cells = {}
            for c, key in columns.items():
                v = values[c - 1] if c <= len(values) else None
                if v is None:
                    continue
                if type(v) is str:
                    v = v.strip()
                    if not v:
                        continue
                cells[key] = Cell(v, new(Location, (*where, f"{letters[c]}{r}")))
            if cells:
                out.append(Row(self.loc(r), cells))
        return out


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean(value):
    return value.strip() if isinstance(value, str) else value
