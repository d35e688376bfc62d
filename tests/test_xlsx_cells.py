"""The one cell writer every workbook uses: typed values, text that never turns into a formula."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from qualikit.base.clock import PARIS
from qualikit.base.xlsx import Percent, finish, put

# LibreOffice's CSV export, UTF-8, cells as shown (their number formats applied)
AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true"


def test_put_types_values_and_keeps_user_text_as_text(tmp_path):
    book = Workbook()
    ws = book.active
    values = ["Colonne", "=HYPERLINK(\"http://x\")", "+33 6 12 34 56 78", "-", "@SUM(A1)", date(2026, 11, 5),
              datetime(2026, 11, 5, 8, 30, tzinfo=PARIS),
              Percent(0.75), Decimal("10.5"), Decimal("7"), True, "a\x01b"]
    for r, value in enumerate(values, start=1):
        put(ws.cell(r, 1), value)
    finish(ws)
    path = tmp_path / "cells.xlsx"
    book.save(path)
    back = load_workbook(path).active
    got = [back.cell(r, 1) for r in range(1, len(values) + 1)]
    for cell in got[1:5]:  # formula-looking text stays a string cell
        assert cell.data_type == "s" and isinstance(cell.value, str)
    assert got[1].value == "=HYPERLINK(\"http://x\")"
    assert got[5].value == datetime(2026, 11, 5) and got[5].number_format == "DD/MM/YYYY"
    assert got[6].value == datetime(2026, 11, 5, 8, 30) and got[6].number_format == "DD/MM/YYYY HH:MM"
    assert got[7].value == 0.75 and got[7].number_format == "0%"
    assert got[8].value == 10.5 and got[9].value == 7 and isinstance(got[9].value, int)
    assert got[10].value == "oui" and got[11].value == "ab"
    assert back.freeze_panes == "A2" and back.auto_filter.ref == "A1:A12"
    assert back.column_dimensions["A"].width >= len("=HYPERLINK(\"http://x\")")


def test_a_utc_time_is_written_as_the_time_in_paris(tmp_path):
    from datetime import UTC

    book = Workbook()
    put(book.active.cell(1, 1), datetime(2026, 11, 5, 8, 0, tzinfo=UTC))
    assert book.active.cell(1, 1).value == datetime(2026, 11, 5, 9, 0)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_the_kpi_workbook(tmp_path):
    from test_kpi import test_figures_match_hand_computation  # writes tmp_path / "kpi.xlsx"

    test_figures_match_hand_computation(tmp_path)
    done = subprocess.run(["soffice", "--headless", "--convert-to", AS_SHOWN, "--outdir", str(tmp_path),
                           str(tmp_path / "kpi.xlsx")], capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    shown = (tmp_path / "kpi.csv").read_text(encoding="utf-8").splitlines()
    assert shown[0].startswith('"Indicateurs')
    assert any(line.startswith("Taux de réponse à chaud,80%,") for line in shown)  # the number, as a percentage
    assert any(line.startswith("Accueil (moyenne),4.3,") for line in shown)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_an_audit_workbook(tmp_path):
    from qualikit.audit.sheets import Sheet, workbook

    sheet = Sheet("Par session", ("Session", "Début", "Taux d'abandon"), [["s1", date(2026, 11, 4), Percent(1 / 6)]])
    data = workbook([("Organisme", "Atelier")], [sheet], date(2026, 11, 15))
    path = tmp_path / "tableau.xlsx"
    path.write_bytes(data)
    done = subprocess.run(["soffice", "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(path)],
                          capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "tableau.csv").read_text(encoding="utf-8", errors="replace").startswith("Organisme")
