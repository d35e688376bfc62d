"""A form tool's export (CSV/TSV text or .xlsx workbook) → one located table. Never raises.

Text files come in many shapes (see docs on survey exports): UTF-8 with or
without BOM, Windows-1252 after a French Excel re-save, UTF-16 from Excel's
"Unicode text"; `,` `;` or tab; CRLF, LF or CR; quoted multi-line answers; no
final newline or an extra empty line; Framaforms' three header rows. The CSV
reader is written here rather than taken from the `csv` module because it
must (1) give the physical line where each record starts, for messages the
trainer can find in an editor, and (2) refuse a file cut inside a quoted
field instead of silently reading the rest as one huge answer.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from qualikit.base.diagnostics import Location, Report, quote

Cell = str | int | float | bool | datetime | date | time

SEPARATORS = ("\t", ";", ",")  # tie-break order when two separators score the same
SNIFF_RECORDS = 60  # records read with each separator to choose one
BLANK_ROWS_STOP = 10_000  # a sheet formatted down to row 1,048,576 is not read to the end
# C0 controls that never appear in a text export (tab, LF, VT, FF, CR are allowed)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class RawTable:
    """Headers and data rows as read, each row with the line (or sheet row) where it starts."""

    source: str  # the file name, for locations
    headers: list[str]
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)
    kind: str = "csv"  # csv | xlsx
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None  # xlsx only
    title: str | None = None  # a form-title row above the headers (Framaforms)
    groups: list[str] = field(default_factory=list)  # Framaforms' group row, aligned with headers
    header_line: int = 1

    def loc(self, line: int, column: int | None = None) -> Location:
        """A row (and column) as the trainer finds it: `file:14` or `file.xlsx:Feuil1!C14`."""
        if self.sheet is not None:
            return Location(self.source, sheet=self.sheet, cell=f"{column_letter(column or 0)}{line}")
        return Location(self.source, line)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def read_table(path: Path, report: Report) -> RawTable | None:
    """The table, or None with located errors when the file cannot be read as a whole."""
    name = Path(path).name
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        report.error(Location(name), f"fichier illisible\u00a0: {exc.strerror or type(exc).__name__}")
        return None
    if raw.startswith(b"PK\x03\x04"):
        return _read_xlsx(Path(path), name, report)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        report.error(Location(name), "classeur Excel 97-2003 (.xls) non pris en charge\u00a0: ouvrez-le et "
                     "enregistrez-le en «\u00a0Classeur Excel (.xlsx)\u00a0» ou en CSV")
        return None
    return _read_text(raw, name, report)


# -- text ------------------------------------------------------------------------------------------


def _decode(raw: bytes) -> tuple[str, str] | None:
    if raw.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "cp1252"]
    for encoding in encodings:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None


class _Malformed(Exception):
    def __init__(self, offset: int, message: str, records: list[tuple[int, list[str]]]):
        super().__init__(message)
        self.offset = offset
        self.message = message
        self.records = records  # those read before the problem


class _Text:
    """The decoded text with its line breaks, to turn offsets into physical line numbers."""

    def __init__(self, text: str):
        self.text = text
        self.breaks = [m.end() for m in _BREAK.finditer(text)]

    def line(self, offset: int) -> int:
        return bisect_right(self.breaks, offset) + 1

    def records(self, sep: str, limit: int | None = None) -> list[tuple[int, list[str]]]:
        """RFC 4180 records with `sep`, each with the line where it starts; _Malformed if broken."""
        text, n = self.text, len(self.text)
        unquoted = re.compile(f"[^{re.escape(sep)}\r\n]*")
        out: list[tuple[int, list[str]]] = []
        pos = 0
        while pos < n and (limit is None or len(out) < limit):
            start = pos
            fields: list[str] = []
            while True:
                if pos < n and text[pos] == '"':
                    opening, parts, i = pos, [], pos + 1
                    while True:
                        j = text.find('"', i)
                        if j < 0:
                            raise _Malformed(opening, "guillemet ouvert à cette ligne et jamais refermé", out)
                        if j + 1 < n and text[j + 1] == '"':
                            parts.append(text[i : j + 1])
                            i = j + 2
                            continue
                        parts.append(text[i:j])
                        pos = j + 1
                        break
                    while pos < n and text[pos] == " " and sep != " ":
                        pos += 1
                    if pos < n and text[pos] not in (sep, "\r", "\n"):
                        raise _Malformed(pos, "texte collé après un guillemet fermant", out)
                    fields.append("".join(parts))
                else:
                    m = unquoted.match(text, pos)
                    fields.append(m.group())
                    pos = m.end()
                if pos < n and text[pos] == sep:
                    pos += 1
                    continue
                break
            if text.startswith("\r\n", pos):
                pos += 2
            elif pos < n:
                pos += 1
            out.append((self.line(start), fields))
        return out


def _blank(cells: list) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _sniff(doc: _Text) -> str:
    """The separator giving the most rows of one same width (> 1), quotes respected.

    A separator that breaks the quoting early loses; one that only meets a problem later
    (a file cut inside a quoted answer) is scored on the records before it, so that the
    full read with it reports the problem where it is.
    """
    best: tuple | None = None
    chosen = ","
    for rank, sep in enumerate(reversed(SEPARATORS)):
        try:
            records = doc.records(sep, SNIFF_RECORDS)
        except _Malformed as exc:
            records = exc.records
        widths = [len(cells) for _, cells in records if not _blank(cells)]
        width, count = Counter(widths).most_common(1)[0] if widths else (0, 0)
        score = (width > 1, count, width, rank)
        if best is None or score > best:
            best, chosen = score, sep
    return chosen


def _read_text(raw: bytes, name: str, report: Report) -> RawTable | None:
    decoded = _decode(raw)
    if decoded is None:
        report.error(Location(name), "encodage non reconnu (ni UTF-8 ni Windows-1252)\u00a0: ce n'est pas un "
                     "export CSV lisible")
        return None
    text, encoding = decoded
    text = text.lstrip("\ufeff")
    if control := _CONTROL.search(text):
        line = text.count("\n", 0, control.start()) + 1
        col = control.start() - text.rfind("\n", 0, control.start())
        report.error(Location(name, line, col), f"caractère de contrôle (code {ord(control.group()[0]):#04x})\u00a0: "
                     "ce n'est ni un fichier texte (CSV) ni un classeur .xlsx\u00a0; téléchargez les réponses au "
                     "format CSV ou .xlsx")
        return None
    head = text[:2000].lower()
    if head.lstrip().startswith("<") and ("<table" in head or "<html" in head):
        report.error(Location(name), "page HTML déguisée en classeur\u00a0: ouvrez-la dans Excel et "
                     "enregistrez-la en .xlsx, ou exportez les réponses en CSV")
        return None
    if not text.strip():
        report.error(Location(name), "fichier vide\u00a0: aucune ligne d'en-tête")
        return None
    doc = _Text(text)
    sep = _sniff(doc)
    try:
        records = doc.records(sep)
    except _Malformed as exc:
        report.error(Location(name, doc.line(exc.offset)), f"{exc.message}\u00a0: fichier tronqué ou abîmé, "
                     "rien n'est importé (téléchargez à nouveau l'export)")
        return None
    table = _table(records, name, report)
    if table is not None:
        table.encoding, table.separator = encoding, sep
    return table


# -- xlsx ------------------------------------------------------------------------------------------


def _read_xlsx(path: Path, name: str, report: Report) -> RawTable | None:
    from openpyxl import load_workbook  # heavy: only when a workbook is read

    try:
        # Not data_only: a learner's answer starting with « = » is stored by some tools as a formula
        # with no cached value; its text is the answer (kept as a plain string, never evaluated).
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a corrupt or non-xlsx archive
        report.error(Location(name), "classeur illisible\u00a0: ce n'est pas un fichier .xlsx valide "
                     f"({type(exc).__name__})\u00a0; enregistrez-le au format «\u00a0Classeur Excel (.xlsx)\u00a0»")
        return None
    try:
        if not book.worksheets:
            report.error(Location(name), "classeur sans feuille")
            return None
        ws = book.worksheets[0]
        records: list[tuple[int, list[Cell]]] = []
        blank_run = 0
        for number, values in enumerate(ws.iter_rows(min_row=1, values_only=True), 1):
            cells = ["" if v is None else v for v in values]
            if _blank(cells):
                blank_run += 1
                if blank_run > BLANK_ROWS_STOP:
                    break
                continue
            blank_run = 0
            records.append((number, cells))
        sheet = ws.title
    except Exception as exc:
        report.error(Location(name), f"classeur illisible ({type(exc).__name__})\u00a0: contenu corrompu")
        return None
    finally:
        book.close()
    table = _table(records, name, report, sheet=sheet)
    if table is not None:
        table.kind = "xlsx"
    return table


# -- shared ----------------------------------------------------------------------------------------


def _text(cell: Cell) -> str:
    return cell.strip() if isinstance(cell, str) else str(cell)


def _filled(cells: list[Cell]) -> int:
    return sum(1 for c in cells if not _blank([c]))


def _is_framaforms(records: list[tuple[int, list[Cell]]]) -> bool:
    """Title row (one cell), `Submission Details` row, then `Serial`/`SID` headers."""
    if len(records) < 3:
        return False
    first, second, third = (cells for _, cells in records[:3])
    lead = _text(second[0]).lower() if second else ""
    labels = {_text(c).lower() for c in third}
    return (_filled(first) == 1 and (not lead or "submission" in lead or "soumission" in lead)
            and bool(labels & {"serial", "sid"}))


def _table(records: list[tuple[int, list[Cell]]], name: str, report: Report,
           sheet: str | None = None) -> RawTable | None:
    records = [(line, cells) for line, cells in records if not _blank(cells)]
    if not records:
        report.error(Location(name), "fichier vide\u00a0: aucune ligne d'en-tête")
        return None
    title, title_line, groups = None, 0, []
    if _is_framaforms(records):
        title = next(_text(c) for c in records[0][1] if not _blank([c]))
        groups = [_text(c) for c in records[1][1]]
        records = records[2:]
    else:  # a title line above the headers (hand-made exports): skipped
        while len(records) > 1 and _filled(records[0][1]) == 1 and _filled(records[1][1]) > 1 and title is None:
            title_line = records[0][0]
            title = next(_text(c) for c in records[0][1] if not _blank([c]))
            records = records[1:]
    header_line, header_cells = records[0]
    headers = [_text(c).replace("\ufeff", "") for c in header_cells]
    table = RawTable(name, headers, sheet=sheet, title=title, header_line=header_line)
    if sum(1 for h in headers if h) < 2:
        report.error(table.loc(header_line), "pas de ligne d'en-tête reconnaissable (une seule colonne)\u00a0: "
                     "est-ce bien l'export des réponses\u00a0?")
        return None
    table.groups = (groups + [""] * len(headers))[: len(headers)]
    width = len(headers)
    for line, cells in records[1:]:
        if len(cells) > width:
            extra = cells[width:]
            if not _blank(extra) and sheet is None:
                report.error(table.loc(line), f"{len(cells)} valeurs pour {width} colonnes\u00a0: séparateur ou "
                             "guillemets incohérents, rien n'est importé (l'export a-t-il été modifié\u00a0?)")
                return None
            cells = cells[:width]
        elif len(cells) < width:  # Excel drops trailing separators on some rows
            cells = cells + [""] * (width - len(cells))
        table.rows.append((line, cells))
    if title_line:
        report.warning(table.loc(title_line), f"ligne de titre {quote(title)} ignorée au-dessus des en-têtes")
    return table
