"""The registers of what project data cannot show — the watch (indicators 23–25), the trainers' competencies
(21, 22): typed by the trainer, checked, and read by the audit pack."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import DEMO
from qualikit.cli import app
from qualikit.quality.registers import competences, watch

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


def test_veille_add_writes_a_located_entry_and_the_pack_proves_23_to_25(demo):
    p = str(demo)
    (demo / "veille").mkdir()
    (demo / "veille" / "decret.pdf").write_bytes(b"%PDF-1.4 decret")
    result = run("veille", "add", "-t", "légale", "-s", "Légifrance", "-c", "Nouveau référentiel au 1er novembre",
                 "-a", "Procédures revues", "-f", "veille/decret.pdf", "--date", "2026-09-01", "-p", p,
                 "--today", "2026-11-20")
    assert result.exit_code == 0, result.output
    assert "V-2026-001" in result.output and "indicateur 23" in result.output
    run("veille", "add", "-t", "metiers", "-s", "France Travail, BMO", "-c", "Besoins en automatisation",
        "--date", "2026-10-01", "-p", p, "--today", "2026-11-20")
    doc = watch.load(demo)
    assert doc.ok and [e.kind.value for e in doc.register.entries] == ["légale", "métiers"]
    assert "watch.recorded" in (demo / "journal.jsonl").read_text(encoding="utf-8")

    out = run("audit-pack", "-p", p, "--today", "2026-11-20", "--audit-date", "2026-11-20")
    assert out.exit_code == 0, out.output
    folder = demo / "audit" / "2025-11-21_2026-11-20"
    status = statuses(folder)
    assert status[23] == "prouvé"
    assert status[24] == "partiel"  # no action noted after the watch
    assert status[25] == "à fournir par vous"
    copied = folder / "23-veille-legale" / "sources" / "V-2026-001.pdf"
    assert copied.read_bytes() == b"%PDF-1.4 decret"

    # as of a day before the second entry: it is not there yet
    run("audit-pack", "-p", p, "--today", "2026-11-20", "--audit-date", "2026-09-15")
    assert statuses(demo / "audit" / "2025-09-16_2026-09-15")[24] == "à fournir par vous"


def test_veille_add_refuses_bad_input_in_french(demo):
    p = str(demo)
    bad_kind = run("veille", "add", "-t", "astrologie", "-s", "x", "-c", "y", "-p", p)
    assert bad_kind.exit_code == 2 and "--type" in bad_kind.output
    missing = run("veille", "add", "-t", "légale", "-c", "y", "-p", p)
    assert missing.exit_code == 2 and "--source est obligatoire" in missing.output
    outside = run("veille", "add", "-t", "légale", "-s", "x", "-c", "y", "-f", "../secret.pdf", "-p", p)
    assert outside.exit_code == 2 and "introuvable" in outside.output
    assert not (demo / watch.FILENAME).exists()


def test_a_hand_written_watch_register_gets_located_errors(demo):
    (demo / watch.FILENAME).write_text(
        "- id: V-2026-001\n  date: 2026-13-01\n  type: légale\n  source: x\n  constat: y\n"
        "- id: V-2026-002\n  date: 2026-10-01\n  type: horoscope\n  source: x\n", encoding="utf-8")
    result = run("check", "-p", str(demo))
    assert result.exit_code != 0
    text = " ".join(result.output.split())
    assert f"{watch.FILENAME}:2:9: date" in text
    assert f"{watch.FILENAME}:8:" in text and "horoscope" in text
    assert f"{watch.FILENAME}:6:3: constat : champ obligatoire manquant" in text


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
    # the demo's external intervenant gives a session of the period too: his diploma, with its copy
    external = run("competence", "add", "--formateur", "mathieu-lefort", "-t", "diplôme", "-i", "Master",
                   "--date", "2008-09-30", "-f", "preuves-intervenants/diplome-mathieu-lefort.pdf", "-p", p,
                   "--today", "2026-11-20")
    assert external.exit_code == 0, external.output

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
