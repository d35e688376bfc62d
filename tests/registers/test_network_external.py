"""Indicators 26 and 27 from the registers a trainer keeps: the disability network's actions, and what was
checked of each external intervenant (sous-traitant, salarié porté) with the contract of their session —
typed through the CLI, checked, read by the audit pack, on a small project and on the demo."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from conftest import MINI, write_project
from qualikit.cli import app
from qualikit.quality.registers import external, network

runner = CliRunner()
TODAY = "2026-12-05"


def run(*args: str):
    result = runner.invoke(app, [*args], env={"COLUMNS": "200"})
    assert "Traceback" not in result.output
    return result


def flat(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def index(folder: Path) -> dict[int, tuple]:
    ws = load_workbook(folder / "index.xlsx", read_only=True)["Indicateurs"]
    return {row[0]: row for row in ws.iter_rows(min_row=2, values_only=True)}


def pack(root: Path, day: str = TODAY) -> Path:
    result = run("audit-pack", "-p", str(root), "--today", day, "--audit-date", day)
    assert result.exit_code == 0, result.output
    return next((root / "audit").glob(f"*_{day}"))


EXTERNAL = """\
          - id: marc
            nom: Marc Petit
            statut: sous-traitant
            societe: MP Formation
            siret: 912 047 358 00011
            adresse: 4 place Bellecour
            code_postal: "69002"
            ville: Lyon
            representant: Marc Petit, gérant
            tarif_jour: 600
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    files = dict(MINI)
    files["organisation.yaml"] += EXTERNAL
    files["sessions.yaml"] = files["sessions.yaml"].replace("formateur: julie", "formateur: marc")
    root = write_project(tmp_path / "projet", files)
    (root / "pieces").mkdir()
    for name in ("cv", "urssaf", "charte", "compte-rendu"):
        (root / "pieces" / f"{name}.pdf").write_bytes(f"%PDF-1.4 {name}".encode())
    return root


def test_no_external_intervenant_makes_27_not_applicable(tmp_path):
    root = write_project(tmp_path / "projet", MINI)
    row = index(pack(root))[27]
    assert row[4] == "non applicable"
    assert "sous-traitance" in row[7]


def test_26_and_27_from_the_command_line_to_the_pack(project):
    p = str(project)
    # check: every missing piece, located where the trainer fixes it
    check = run("check", "-p", p, "--today", TODAY)
    assert check.exit_code == 0, check.output
    out = flat(check.output)
    assert "registre-handicap.yaml: aucune action notée avec le réseau handicap" in out
    assert re.search(r"organisation\.yaml:\d+:\d+: statut : intervenant extérieur marc : manque « CV »", out)
    assert re.search(r"sessions\.yaml:\d+:\d+: formateur : session s1, intervenant extérieur marc : aucun contrat",
                     out)
    assert "manque « évaluation après la session »" in out

    # before anything is kept: 26 lacks the network's actions, 27 the checks and the contract
    folder = pack(project)
    rows = index(folder)
    assert rows[26][4] == "partiel" and "qualikit handicap add" in rows[26][6]
    assert rows[27][4] == "partiel"
    html = flat((folder / "index.html").read_text(encoding="utf-8"))
    assert "Marc Petit : CV, diplômes, SIRET et NDA, charte qualité signée" in html

    # the network register: a wrong type refused, a good entry written with its file
    bad = run("handicap", "add", "--partenaire", "Cap emploi", "-t", "apéro", "-c", "x", "-p", p)
    assert bad.exit_code == 2 and "--type" in bad.output
    added = run("handicap", "add", "--partenaire", "Cap emploi Rhône", "-t", "réunion", "-c",
                "Présentation de l'offre d'appui", "-f", "pieces/compte-rendu.pdf", "--date", "2026-11-11",
                "-p", p, "--today", TODAY)
    assert added.exit_code == 0, added.output
    assert "H-2026-001" in added.output and "indicateur 26" in added.output
    entry = network.load(project).register.entries[0]
    assert (entry.partner, entry.kind.value, entry.file) == ("Cap emploi Rhône", "réunion", "pieces/compte-rendu.pdf")

    # the external intervenant: only a declared one, each piece recorded
    wrong = run("sous-traitant", "check", "-i", "julie", "-t", "CV", "-p", p, "--today", TODAY)
    assert wrong.exit_code == 2 and "n'est pas un intervenant extérieur" in flat(wrong.output)
    for kind, file in (("CV", "pieces/cv.pdf"), ("diplômes", "pieces/cv.pdf"), ("siret", None),
                       ("URSSAF", "pieces/urssaf.pdf"), ("charte", "pieces/charte.pdf")):
        args = ["sous-traitant", "check", "-i", "marc", "-t", kind, "--date", "2026-11-02", "-p", p, "--today", TODAY]
        result = run(*args, *(["-f", file] if file else []))
        assert result.exit_code == 0, result.output
    invoice = run("sous-traitant", "facture", "-i", "marc", "-s", "s1", "-m", "600", "-n", "MP-12", "--date",
                  "2026-12-03", "-p", p, "--today", TODAY)
    assert invoice.exit_code == 0, invoice.output
    assert "600,00" in invoice.output
    kinds = [e.kind.value for e in external.load(project).register.entries]
    assert kinds == ["CV", "diplômes", "SIRET et NDA", "attestation URSSAF", "charte qualité signée", "facture"]

    # the contract: one PDF per session of the intervenant, parties, price, quality obligations, signatures
    made = run("sous-traitant", "contrat", "-p", p, "--today", "2026-11-03")
    assert made.exit_code == 0, made.output
    pdf = project / "sortie" / "sous-traitance" / "contrat-marc-s1.pdf"
    text = flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages))
    for piece in ("Contrat de sous-traitance", "Formation Durand", "MP Formation", "912 047 358 00011",
                  "Excel pour la gestion", "mardi 1er décembre 2026", "600,00 € HT", "Respect du référentiel national "
                  "qualité", "attestation de vigilance", "Données personnelles", "Pour le sous-traitant"):
        assert piece in text, piece
    first = pdf.read_bytes()
    again = run("sous-traitant", "contrat", "-p", p, "--today", "2026-11-04")
    assert "déjà établi" in flat(again.output) and pdf.read_bytes() == first  # issued once
    assert run("verify", str(pdf), "-p", p).exit_code == 0

    # the session is over without its evaluation: still partial, and says so
    rows = index(pack(project))
    assert "qualikit handicap add" not in (rows[26][6] or "")  # its actions are kept now
    assert rows[27][4] == "partiel"
    evaluation = run("sous-traitant", "check", "-i", "marc", "-t", "évaluation", "-s", "s1", "-c", "Programme tenu",
                     "--date", "2026-12-02", "-p", p, "--today", TODAY)
    assert evaluation.exit_code == 0, evaluation.output
    folder = pack(project)
    rows = index(folder)
    assert rows[27][4] == "prouvé", rows[27]
    assert (folder / "27-sous-traitance" / "contrats" / "contrat-marc-s1.pdf").read_bytes() == pdf.read_bytes()
    assert (folder / "26-handicap" / "reseau" / "H-2026-001.pdf").read_bytes() == b"%PDF-1.4 compte-rendu"
    listing = flat(run("sous-traitant", "list", "-p", p, "--today", TODAY).output)
    assert "Marc Petit (sous-traitant, MP Formation)" in listing and "manque" not in listing

    # a register written by hand: an invoice without its amount is an error, located
    with (project / external.FILENAME).open("a", encoding="utf-8") as f:
        f.write("- id: ST-2026-099\n  date: 2026-12-04\n  intervenant: marc\n  type: facture\n  session: s1\n")
    broken = run("check", "-p", p, "--today", TODAY)
    assert broken.exit_code == 1
    assert re.search(rf"{external.FILENAME}:\d+:\d+: montant : une facture sans montant", flat(broken.output))


def test_the_demo_pack_proves_26_and_27_with_whole_files(built_demo, tmp_path):
    folder = next((built_demo / "audit").glob("*_2026-11-23"))
    rows = index(folder)
    for number in (26, 27):
        assert rows[number][4] == "prouvé", rows[number]
        listed = rows[number][5].split("\n")
        assert listed
        for rel in listed:
            assert (folder / rel).is_file() and (folder / rel).stat().st_size > 0, rel
    referent = load_workbook(folder / "26-handicap" / "referent-et-reseau-handicap.xlsx", read_only=True)
    values = [row for ws in referent.worksheets for row in ws.iter_rows(values_only=True)]
    assert any(row[0] == "Formation du référent" for row in values)
    assert "26-handicap/registre-reseau-handicap.xlsx" in rows[26][5]
    contract = folder / "27-sous-traitance" / "contrats" / "ST-2026-006.pdf"
    assert "Contrat de sous-traitance" in PdfReader(contract).pages[0].extract_text()
    # the contract qualikit issued before the session, verifiable from the project's journal
    issued = built_demo / "sortie" / "sous-traitance" / "contrat-mathieu-lefort-reunion-2026-10-26.pdf"
    verdict = run("verify", str(issued), "-p", str(built_demo))
    assert verdict.exit_code == 0 and "Contrat avec un intervenant extérieur délivré" in flat(verdict.output)

    # as of the day after the session, its evaluation (29/10) is not yet written: 27 says what is missing
    root = Path(shutil.copytree(built_demo, tmp_path / "demo"))
    before = pack(root, "2026-10-28")
    row = index(before)[27]
    assert row[4] == "partiel"
    assert "Mathieu Lefort : évaluation après la session (reunion-2026-10-26)" in flat(
        (before / "index.html").read_text(encoding="utf-8"))
