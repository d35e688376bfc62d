"""The KPI workbook: the figures with their methods, one row per session, and charts."""

from __future__ import annotations

from pathlib import Path

from qualikit.base.files import write_atomic_with
from qualikit.quality.figures import Kpis


def write_kpi_workbook(path: Path, overall: Kpis, per_session: list[tuple[str, str, Kpis]]) -> None:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    ws.title = "Indicateurs"
    _row(ws, [f"Indicateurs — {overall.scope}, période {overall.period}"], bold=True)
    _row(ws, [])
    _row(ws, ["Indicateur", "Valeur", "Numérateur", "Dénominateur (n)", "Méthode de calcul"], bold=True)
    for f in overall.figures:
        _row(ws, [f.label, f.text(), _plain(f.numerator), f.denominator, f.method])
    _row(ws, [])
    _row(ws, ["Causes d'abandon", "Nombre"], bold=True)
    for cause, n in overall.dropout_causes.most_common():
        _row(ws, [cause, n])
    for column, width in zip("ABCDE", (38, 22, 12, 16, 80), strict=True):
        ws.column_dimensions[column].width = width

    sessions = book.create_sheet("Par session")
    _row(sessions, [f"Sessions de la période {overall.period}"], bold=True)
    _row(sessions, ["Session", "Fin", "Apprenants", "Achèvement (%)", "Abandon (%)", "Satisfaction (%)",
                    "Réponse à chaud (%)"], bold=True)
    for sid, ended, k in per_session:
        values = [k.get(label) for label in ("Apprenants", "Taux d'achèvement", "Taux d'abandon", "Satisfaction",
                                             "Taux de réponse à chaud")]
        _row(sessions, [sid, ended, *[(_plain(v.numerator) if v.unit == "" else _plain(v.value)) for v in values]])
    for column, width in zip("ABCDEFG", (24, 12, 12, 16, 14, 16, 20), strict=True):
        sessions.column_dimensions[column].width = width
    if per_session:
        n = len(per_session) + 2
        for title, col, anchor in (("Abandon par session (%)", 5, "I2"), ("Satisfaction par session (%)", 6, "I20")):
            chart = BarChart()
            chart.title = title
            chart.add_data(Reference(sessions, min_col=col, min_row=2, max_row=n), titles_from_data=True)
            chart.set_categories(Reference(sessions, min_col=1, min_row=3, max_row=n))
            chart.height, chart.width = 8, 18
            sessions.add_chart(chart, anchor)
    ws["A1"].font = Font(bold=True)
    write_atomic_with(path, book.save)


def _plain(value):
    return float(value) if value is not None and not isinstance(value, int) else value


def _row(ws, values: list, bold: bool = False) -> None:
    from openpyxl.styles import Font

    ws.append([None] * len(values))
    r = ws.max_row
    for c, value in enumerate(values, start=1):
        cell = ws.cell(r, c)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # an answer starting with « = » stays text
        if bold:
            cell.font = Font(bold=True)
