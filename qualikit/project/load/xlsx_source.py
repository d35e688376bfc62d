"""The workbook form of a project (qualikit.xlsx) → located tables.

One sheet per table, French headers on the first row; the Organisation and
Paramètres sheets are « Champ | Valeur » lists. Blank rows are skipped, unknown
sheets and columns are reported and ignored. Never raises for bad input.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from qualikit.base.diagnostics import Location, Report, quote
from qualikit.project.load.fields import fold
from qualikit.project.load.schema import LISTS_SHEET, TABLES, Table
from qualikit.project.load.tables import Cell, Row, Tables

REQUIRED_SHEETS = ("organisation",)


def read_xlsx_project(path: Path, report: Report) -> Tables:
    """The tables (empty when the workbook cannot be opened: the report says why)."""
    from openpyxl import load_workbook  # heavy: only when a workbook is read
    from openpyxl.utils import get_column_letter

    tables: Tables = {t.name: [] for t in TABLES}
    filename = path.name
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        report.error(Location(filename), "classeur illisible : ce n'est pas un fichier .xlsx valide "
                     f"({type(exc).__name__}) ; enregistrez-le au format « Classeur Excel (.xlsx) »")
        return tables
    except Exception as exc:
        report.error(Location(filename), f"classeur refusé ({type(exc).__name__}) : contenu XML non sûr ou corrompu")
        return tables
    try:
        sheets = {fold(ws.title): ws for ws in book.worksheets}
        wanted = {fold(t.sheet): t for t in TABLES}
        for key, ws in sheets.items():
            if key not in wanted and key != fold(LISTS_SHEET):
                report.warning(Location(filename, sheet=ws.title), "feuille inconnue, ignorée "
                               f"(feuilles attendues : {', '.join(t.sheet for t in TABLES)})")
        for table in TABLES:
            ws = sheets.get(fold(table.sheet))
            if ws is None:
                if table.name in REQUIRED_SHEETS:
                    report.error(Location(filename), f"feuille {quote(table.sheet)} manquante")
                continue
            reader = _SheetReader(filename, ws.title, report, get_column_letter)
            rows = list(ws.iter_rows(values_only=True))
            if table.keyvalue:
                tables[table.name].append(reader.keyvalue(table, rows))
            else:
                tables[table.name].extend(reader.records(table, rows))
    finally:
        book.close()
    return tables


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
        out = []
        for r, values in enumerate(rows[header_at + 1:], start=header_at + 2):
            cells = {
                columns[c]: Cell(_clean(v), self.loc(r, c))
                for c, v in enumerate(values, start=1)
                if c in columns and not _blank(v)
            }
            if cells:
                out.append(Row(self.loc(r), cells))
        return out


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean(value):
    return value.strip() if isinstance(value, str) else value
