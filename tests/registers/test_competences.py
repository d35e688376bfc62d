"""The trainers' competencies (indicator 21) and their own trainings (22): typed, checked, proved in the pack."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import DEMO
from qualikit.cli import app
from qualikit.quality.registers import competences

runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, [*args], env={"COLUMNS": "160"})
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return Path(shutil.copytree(DEMO, tmp_path / "demo"))


def statuses(folder: Path) -> dict[int, str]:
    from openpyxl import load_workbook

    ws = load_workbook(folder / "index.xlsx", read_only=True)["Indicateurs"]
    return {row[0]: row[4] for row in ws.iter_rows(min_row=2, values_only=True)}


def test_competences_prove_21_and_22_with_their_files(demo):
    p = str(demo)
    (demo / "cv.pdf").write_bytes(b"%PDF-1.4 cv")
    added = run("competence", "add", "--formateur", "claire-clement", "-t", "diplôme", "-i", "Titre FPA",
                "--date", "2017-06-30", "-f", "cv.pdf", "-p", p, "--today", "2026-11-20")
    assert added.exit_code == 0, added.output
    assert "indicateur 21" in added.output
    unproved = run("competence", "add", "--formateur", "claire-clement", "-t", "formation", "-i", "Évaluer les acquis",
                   "--date", "2026-06-19", "--heures", "14", "-p", p, "--today", "2026-11-20")
    assert unproved.exit_code == 0 and "Joignez la pièce" in unproved.output
    assert [e.kind.value for e in competences.load(demo).register.entries] == ["diplôme", "formation suivie"]

    run("audit-pack", "-p", p, "--today", "2026-11-20", "--audit-date", "2026-11-20")
    folder = demo / "audit" / "2025-11-21_2026-11-20"
    status = statuses(folder)
    assert status[21] == "prouvé"
    assert status[22] == "partiel"  # the training has no attestation attached
    assert (next(folder.glob("21-*")) / "pieces" / "C-2017-001.pdf").read_bytes() == b"%PDF-1.4 cv"
    # a year later, the training is too old to show the trainer keeps up
    run("audit-pack", "-p", p, "--today", "2027-09-01", "--audit-date", "2027-09-01")
    assert statuses(demo / "audit" / "2026-09-02_2027-09-01")[22] == "à fournir par vous"


def test_competence_add_refuses_bad_input_in_french(demo):
    p = str(demo)
    unknown = run("competence", "add", "--formateur", "inconnue", "-t", "diplôme", "-i", "x", "--date", "2020-01-01",
                  "-p", p)
    assert unknown.exit_code == 2 and "formateur" in unknown.output and "claire-clement" in unknown.output
    bad_date = run("competence", "add", "--formateur", "claire-clement", "-t", "diplôme", "-i", "x", "--date",
                   "30/02/2020", "-p", p)
    assert bad_date.exit_code == 2 and "--date" in bad_date.output
    assert not (demo / competences.FILENAME).exists()
