"""The dated journey through the commands a trainer types: `status`, `check`, `kpi` and
`indicators` on the played demo say the same thing, as of any date."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from qualikit.cli import app
from qualikit.quality.overview import KEY_FIGURES


def run(*args) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    """The demo played from 1 October to 23 November 2026 (`qualikit demo`)."""
    dest = tmp_path_factory.mktemp("journey") / "demo"
    run("demo", dest)
    return dest


def cells(output: str, label: str) -> list[str]:
    """The cells of the table row that starts with `label` (rich's box drawing), wrapped lines joined."""
    row = None
    for line in output.splitlines():
        parts = [p.strip() for p in line.split("│")][1:-1]
        if row is not None:
            if len(parts) != len(row) or parts[0]:
                break
            row = [f"{a} {b}".strip() for a, b in zip(row, parts, strict=True)]
        elif parts and parts[0] == label:
            row = parts
    assert row is not None, f"{label} absent:\n{output}"
    return row


def test_status_says_where_each_learner_stands_and_what_comes_next(played):
    out = run("status", "-p", played, "--today", "2026-11-23")
    assert "jamais convoqué (contrat de formation non signé)" in cells(out, "Karim Haddad")[1]  # M. Haddad
    assert cells(out, "Pierre Dumas")[1].startswith("abandon le jeudi 5\u00a0novembre\u00a02026")
    assert cells(out, "Julien Morel")[1:] == ["convoqué le lundi 23\u00a0novembre\u00a02026",
                                              "rappel la veille le vendredi 27\u00a0novembre\u00a02026"]
    assert cells(out, "Isabelle Giraud")[1] == "inscrite, contrat de formation non signé"
    assert cells(out, "parole-2026-11-23")[2] == "en cours (jour 1 sur 3)"
    assert "Chiffres clés — période jusqu’au 23/11/2026" in out
    # the positional form of older versions still works
    assert "situation au lundi 23\u00a0novembre\u00a02026" in run("status", played, "--today", "2026-11-23")


def test_status_as_of_an_earlier_day_knows_nothing_later(played):
    out = run("status", "-p", played, "--today", "2026-10-15")
    assert cells(out, "parole-2026-11-04")[2] == "à venir"
    assert cells(out, "excel-2026-10-15")[2] == "en cours (jour 1 sur 2)"
    assert cells(out, "Apprenants")[1] == "5"
    later = [d for d in re.findall(r"\b(\d{2})/(\d{2})/(2026)\b", out) if (d[1], d[0]) > ("10", "15")]
    planned = {("16", "10"), ("04", "11"), ("06", "11"), ("23", "11"), ("25", "11"), ("30", "11"), ("08", "12"),
               ("14", "12"), ("15", "12"),  # the sessions' own dates, shown as planned
               ("26", "10"), ("27", "10"),  # the certifying session reunion-2026-10-26
               ("13", "11"),  # the subcontracted excel-2026-11-12
               ("19", "10"), ("28", "10")}  # the days reunion-… and parole-2026-11-04's convocations are due
    assert {(d, m) for d, m, _ in later} <= planned
    # nothing that happened later: no closing, no document, no answer, no drop-out
    for fact in ("clôturée", "documents remis", "répondue", "abandon le"):
        assert fact not in out, fact
    assert cells(out, "Taux d'abandon")[1] == "0 sur 1" or cells(out, "Taux d'abandon")[1].startswith("0")


def test_check_reports_the_journey_as_located_attention_points(played):
    result = CliRunner().invoke(app, ["check", "-p", str(played), "--today", "2026-11-26"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    karim = [line for line in lines if "Karim Haddad" in line]
    assert any(re.match(r"attention sessions\.yaml:\d+:\d+: .*sans contrat de formation signé", line) for line in karim)
    assert any("jamais convoqué," in line for line in karim)
    assert any(re.match(r"attention sessions\.yaml:\d+:\d+: session parole-2026-11-23 terminée .* pas clôturée", line)
               for line in lines)
    strict = CliRunner().invoke(app, ["check", "-p", str(played), "--today", "2026-11-26", "--strict"])
    assert strict.exit_code == 1


@pytest.mark.parametrize("day", ["2026-10-20", "2026-11-23"])
def test_status_kpi_workbook_and_indicators_give_the_same_figures(played, day, tmp_path):
    status = run("status", "-p", played, "--today", day)
    book = tmp_path / "kpi.xlsx"
    kpi = run("kpi", "-p", played, "--today", day, "--xlsx", book)
    run("indicators", "-p", played, "--today", day)
    sheet = load_workbook(book)["Indicateurs"]
    workbook = {row[0]: row[2] for row in sheet.iter_rows(values_only=True) if row and row[0]}  # « Lecture »
    html = (played / "sortie" / "indicateurs" / "indicateurs.html").read_text(encoding="utf-8")
    period = f"jusqu’au {day[8:]}/{day[5:7]}/{day[:4]}"
    assert f"période {period}" in status and f"période {period}" in kpi and period in html
    assert any(period in str(v) for v in workbook)
    for label in KEY_FIGURES:
        value = cells(status, label)[1]
        assert cells(kpi, label)[1] == value == workbook[label], label
        if label != "Satisfaction" or value != "—":
            assert value.replace(" ", "\u00a0").replace("\u00a0", " ") in html.replace("\u00a0", " "), label


def test_the_audit_pack_gives_the_figures_of_its_period(played):
    """The pack of a 23/11 audit covers 24/11/2025 – 23/11/2026: status and kpi over that period agree."""
    args = ["-p", played, "--today", "2026-11-23", "--du", "2025-11-24", "--au", "2026-11-23"]
    status = run("status", *args)
    kpi = run("kpi", *args)
    run("audit-pack", "-p", played, "--today", "2026-11-23", "--audit-date", "2026-11-23")
    page = next(played.glob("audit/*/**/indicateurs-resultats.html")).read_text(encoding="utf-8")
    page = page.replace("\u00a0", " ")
    assert "période du 24/11/2025 au 23/11/2026" in status and "du 24/11/2025 au 23/11/2026" in page
    for label in KEY_FIGURES:
        value = cells(status, label)[1]
        assert cells(kpi, label)[1] == value, label
        if value != "—":
            assert value.replace("\u00a0", " ") in page, label
