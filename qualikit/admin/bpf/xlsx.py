"""Writing the BPF as a workbook to copy from: the form's lines, then the points to check."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from qualikit.admin.bpf.form import CENT, FRAMES, ZERO, Bpf
from qualikit.admin.bpf.lines import bpf_lines


def write_bpf_xlsx(bpf: Bpf, path: Path) -> None:
    """One sheet in the cerfa's order (figures as numbers), one sheet of points to check; atomic."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from qualikit.base.files import write_atomic_with
    from qualikit.base.xlsx import finish, put

    book = Workbook()
    book.properties.creator = "qualikit"
    ws = book.active
    ws.title = f"BPF {bpf.year}"
    bold = Font(bold=True)
    fill = PatternFill("solid", start_color="DDE4EE")
    put(ws.cell(1, 1), f"Bilan pédagogique et financier {bpf.year} (cerfa 10443) — document de travail à "
                        "reporter sur Mon Activité Formation")
    ws.cell(1, 1).font = Font(bold=True, size=12)
    header = ("Cadre", "Ligne", "Montant (€ HT)", "Nombre", "Heures", "Valeur")
    for c, title in enumerate(header, start=1):
        cell = ws.cell(3, c)
        put(cell, title)
        cell.font, cell.fill = bold, fill
    r, frame = 3, None
    for line in bpf_lines(bpf):
        if line.frame != frame:
            frame = line.frame
            r += 1
            put(ws.cell(r, 1), frame)
            put(ws.cell(r, 2), FRAMES[frame])
            ws.cell(r, 1).font = ws.cell(r, 2).font = bold
        r += 1
        put(ws.cell(r, 1), line.frame)
        put(ws.cell(r, 2), line.label)
        ws.cell(r, 2).alignment = Alignment(wrap_text=True, vertical="top")
        if line.amount is not None:
            put(ws.cell(r, 3), _excel_number(line.amount))
            ws.cell(r, 3).number_format = "#,##0.00"
        if line.count is not None:
            put(ws.cell(r, 4), line.count)
            put(ws.cell(r, 5), _excel_number(line.hours or ZERO))
        if line.text is not None:
            put(ws.cell(r, 6), line.text)
        if line.total or line.heading:
            for c in range(2, 7):
                ws.cell(r, c).font = bold
    finish(ws, header_row=3, widths=dict(enumerate((8, 80, 16, 10, 10, 40), start=1)))

    check = book.create_sheet("À vérifier")
    for c, title in enumerate(("Type", "Texte"), start=1):
        cell = check.cell(1, c)
        put(cell, title)
        cell.font, cell.fill = bold, fill
    r = 1
    for kind, items in (("Point à vérifier", bpf.problems), ("Note", bpf.notes)):
        for item in items:
            r += 1
            put(check.cell(r, 1), kind)
            put(check.cell(r, 2), item)
            check.cell(r, 2).alignment = Alignment(wrap_text=True, vertical="top")
    finish(check, widths={1: 18, 2: 120})
    write_atomic_with(Path(path), book.save)


def _excel_number(value: Decimal) -> int | float:
    q = value.quantize(CENT, ROUND_HALF_UP)
    return int(q) if q == q.to_integral_value() else float(q)
