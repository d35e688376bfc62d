"""The KPI workbook: the figures with their methods, one row per session, and charts.

Values are numbers Excel can sort and add up: a rate is 0.75 shown « 75 % », a mean 4.3, the
NPS +25, a date a date. The wording of each figure (« 2 sur 4 » on a small n) sits beside it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from qualikit.base.files import write_atomic_with
from qualikit.quality.figures import SMALL_N, Figure, Kpis

SESSION_FIGURES = ("Apprenants", "Taux d'achèvement", "Taux d'abandon", "Satisfaction", "Taux de réponse à chaud")


def write_kpi_workbook(path: Path, overall: Kpis, per_session: list[tuple[str, date, Kpis]]) -> None:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font

    from qualikit.base.xlsx import finish, put

    book = Workbook()
    book.properties.creator = "qualikit"
    bold = Font(bold=True)
    ws = book.active
    ws.title = "Indicateurs"
    put(ws.cell(1, 1), f"Indicateurs — {overall.scope}, période {overall.period}")
    ws.cell(1, 1).font = bold
    _header(ws, 3, ("Indicateur", "Valeur", "Lecture", "Numérateur", "Dénominateur (n)", "Méthode de calcul"))
    for r, f in enumerate(overall.figures, start=4):
        put(ws.cell(r, 1), f.label)
        value, number_format = _value(f)
        put(ws.cell(r, 2), value, number_format)
        put(ws.cell(r, 3), f.text())
        put(ws.cell(r, 4), f.numerator)
        put(ws.cell(r, 5), f.denominator if f.unit else None)  # a count has no n
        put(ws.cell(r, 6), f.method)
        ws.cell(r, 6).alignment = Alignment(wrap_text=True, vertical="top")
    finish(ws, header_row=3, widths={6: 80})

    causes = book.create_sheet("Causes d'abandon")
    _header(causes, 1, ("Cause d'abandon", "Nombre"))
    for r, (cause, n) in enumerate(overall.dropout_causes.most_common(), start=2):
        put(causes.cell(r, 1), cause)
        put(causes.cell(r, 2), n)
    finish(causes)

    sessions = book.create_sheet("Par session")
    _header(sessions, 1, ("Session", "Fin", "Apprenants", "Achèvement", "Abandon", "Satisfaction", "Réponse à chaud"))
    for r, (sid, ended, k) in enumerate(per_session, start=2):
        put(sessions.cell(r, 1), sid)
        put(sessions.cell(r, 2), ended)
        for c, label in enumerate(SESSION_FIGURES, start=3):
            f = k.get(label)
            if f is not None:
                put(sessions.cell(r, c), *_value(f, small_n=1))  # one session: its own rate, whatever its n
    finish(sessions)
    if per_session:
        n = len(per_session) + 1
        for title, col, anchor in (("Abandon par session", 5, "I2"), ("Satisfaction par session", 6, "I20")):
            chart = BarChart()
            chart.title = title
            chart.add_data(Reference(sessions, min_col=col, min_row=1, max_row=n), titles_from_data=True)
            chart.set_categories(Reference(sessions, min_col=1, min_row=2, max_row=n))
            chart.y_axis.numFmt = "0%"
            chart.height, chart.width = 8, 18
            sessions.add_chart(chart, anchor)
    write_atomic_with(path, book.save)


def _value(f: Figure, small_n: int = SMALL_N):
    """The figure as a number and its Excel format; None for a rate on too small an n (read « Lecture »),
    as `Figure.text()` gives it in counts."""
    from qualikit.base.xlsx import DECIMAL_FORMAT, PERCENT_FORMAT, SIGNED_FORMAT

    if f.unit == "":
        return f.numerator, None
    if f.value is None or (f.unit in ("%", "±") and f.denominator < small_n):
        return None, None
    if f.unit == "%":
        return float(f.value) / 100, PERCENT_FORMAT
    if f.unit == "±":
        return int(f.value), SIGNED_FORMAT
    return float(f.value), DECIMAL_FORMAT


def _header(ws, row: int, titles: tuple[str, ...]) -> None:
    from openpyxl.styles import Font, PatternFill

    from qualikit.base.xlsx import put

    for c, title in enumerate(titles, start=1):
        cell = ws.cell(row, c)
        put(cell, title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", start_color="DDE4EE")
