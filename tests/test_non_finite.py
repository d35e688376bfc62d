"""NaN, inf, sNaN and absurd magnitudes: a located error in every numeric field, never a traceback,
and a survey export holding one writes nothing to the journal."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import DEMO, DEMO_XLSX
from qualikit.base.tokens import project_secret, survey_token
from qualikit.cli import app
from qualikit.project.load import load_project
from qualikit.quality.figures import _num

BAD = ["NaN", "nan", "-inf", "+Infinity", "sNaN", "-sNaN", "1e999999999", "9" * 5000]


@pytest.mark.parametrize("value", BAD)
def test_yaml_numeric_fields_refuse_non_finite_numbers(tmp_path, value):
    root = shutil.copytree(DEMO, tmp_path / "p")
    path = root / "programmes.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  duree_heures: 14\n", f'  duree_heures: "{value}"\n', 1)
                        .replace("  prix: 690\n", f"  prix: {value}\n", 1), encoding="utf-8")
    errors = [d for d in load_project(root, use_cache=False).report.errors]
    fields = {d.field for d in errors}
    assert {"duree_heures", "prix"} <= fields, [d.format() for d in errors]
    for d in errors:
        if d.field in ("duree_heures", "prix"):
            assert d.loc.file == "programmes.yaml" and d.loc.line and d.loc.col
            assert "nombre" in d.message


@pytest.mark.parametrize("value", ["NaN", "-inf", "sNaN", "1e999999999", "Infinity"])
def test_xlsx_numeric_cells_refuse_non_finite_numbers(tmp_path, value):
    root = shutil.copytree(DEMO_XLSX, tmp_path / "x")
    wb = load_workbook(root / "qualikit.xlsx")
    ws = wb["Programmes"]
    column = next(c.column for c in ws[1] if c.value == "Prix HT par apprenant (€)")
    ws.cell(2, column).value = value
    wb.save(root / "qualikit.xlsx")
    errors = [d for d in load_project(root, use_cache=False).report.errors if d.field == "prix"]
    assert errors and errors[0].loc.sheet == "Programmes" and errors[0].loc.cell.endswith("2")


SESSION = "parole-2026-11-04"
HEADER = ("Horodateur,Adresse e-mail,Comment évaluez-vous l'accueil ?,Le contenu de la formation,"
          "L'équipe pédagogique,Les moyens mis à disposition,L'accompagnement,"
          "Recommanderiez-vous cette formation à un collègue ?,Vous êtes-vous senti(e) accompagné(e) ?,"
          "Commentaire libre,Jeton (ne pas modifier)\r\n")


@pytest.mark.parametrize("score", ["NaN", "-inf", "sNaN", "Infinity"])
def test_a_non_finite_score_refuses_the_whole_file_and_writes_nothing(tmp_path, score):
    root = shutil.copytree(DEMO, tmp_path / "demo")
    secret = project_secret(root)
    good = survey_token(secret, "chaud", SESSION, "karim-haddad")
    bad = survey_token(secret, "chaud", SESSION, "nathalie-fabre")
    export = tmp_path / "reponses.csv"
    export.write_text(HEADER + f"07/11/2026 18:02:11,k@example.com,5,4,5,4,5,9,Oui,Bien,{good}\r\n"
                               f"07/11/2026 18:05:00,s@example.com,{score},2,1,1,1,2,Non,Bof,{bad}\r\n",
                      encoding="utf-8")
    journal = root / "journal.jsonl"
    before = journal.read_bytes() if journal.exists() else None
    result = CliRunner().invoke(app, ["survey", "import", str(export), "-p", str(root), "--today", "2026-11-23"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    assert "reponses.csv:3" in result.output and "nombre fini" in result.output
    assert "Import refusé" in result.output
    assert (journal.read_bytes() if journal.exists() else None) == before


@pytest.mark.parametrize("value", ["NaN", "inf", "-Infinity", "sNaN", "1e999999999", float("nan"), True, None])
def test_figures_ignore_non_numbers_an_old_import_journaled(value):
    assert _num(value) is None
