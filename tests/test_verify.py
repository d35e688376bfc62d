"""The PDFs the demo delivers, read back: fonts embedded, real dates and codes in the metadata, a
verdict from `qualikit verify` for each, a QR code a phone opens, and publishable pages without
personal data."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader
from typer.testing import CliRunner

from qualikit.base.clock import Clock
from qualikit.cli import app
from qualikit.project.journal_check import open_journal

PDFTOPPM = shutil.which("pdftoppm")
WORDS = ("Authentique", "Signé", "Altéré", "Inconnu")


def delivered(root: Path) -> list[Path]:
    return sorted((root / "sortie").rglob("*.pdf"))


def unembedded_fonts(path: Path) -> set[str]:
    missing = set()

    def walk(resources) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            if font.get("/Subtype") == "/Type3":
                continue
            if font.get("/Subtype") == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.add(str(font.get("/BaseFont")))
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    for page in PdfReader(path).pages:
        walk(page.get("/Resources"))
    return missing


def verify(*args: str):
    return CliRunner().invoke(app, ["verify", *map(str, args)])


def test_every_font_of_every_demo_pdf_is_embedded(built_demo):
    pdfs = sorted(built_demo.rglob("*.pdf"))
    assert len(pdfs) > 100
    assert {p.relative_to(built_demo).as_posix(): unembedded_fonts(p) for p in pdfs if unembedded_fonts(p)} == {}


def test_delivered_pdfs_carry_their_issue_date_kind_and_code(built_demo):
    issued = {e.data["file"]: e for e in open_journal(built_demo, Clock()).entries() if e.data.get("sha256")}
    for path in delivered(built_demo):
        entry = issued[path.relative_to(built_demo).as_posix()]
        meta = PdfReader(path).metadata
        assert meta.creation_date.year == 2026 and meta.creation_date.date() == entry.ts.date(), path
        assert meta.modification_date == meta.creation_date
        assert entry.data["code"] in meta["/Keywords"], path
        assert meta["/Subject"], path


def test_verify_knows_every_delivered_pdf_and_says_so_in_french(built_demo, tmp_path):
    paths = delivered(built_demo)
    names = {p.name.split("-")[0] for p in paths}
    assert {"contrat", "convention", "information", "certificat", "attestation", "emargement.pdf"} <= names
    altered_kinds = set()
    for path in paths:
        result = verify(path, "-p", built_demo)
        assert result.exit_code == 0 and result.output.startswith(f"Authentique : {path.name}"), result.output
        assert "None" not in result.output and "close." not in result.output and "contract." not in result.output
        kind = path.parent.name if path.parent.name in ("contrats", "convocations") else path.stem.split("-")[0]
        if kind in altered_kinds:
            continue
        altered_kinds.add(kind)
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01  # one byte, in the middle of a page
        copy = tmp_path / f"copie-{path.name}"
        copy.write_bytes(bytes(data))
        changed = verify(copy, "-p", built_demo)
        assert changed.exit_code == 1 and changed.output.startswith(f"Altéré : {copy.name}"), changed.output
        assert "None" not in changed.output
    assert len(altered_kinds) >= 6


def test_an_unknown_pdf_is_unknown_and_away_from_the_project_nothing_is_claimed(built_demo, tmp_path):
    procedure = next((built_demo / "audit").rglob("procedure-*.pdf"))  # made by the pack, never delivered
    result = verify(procedure, "-p", built_demo)
    assert result.exit_code == 1 and result.output.startswith(f"Inconnu : {procedure.name}")
    away = tmp_path / "ailleurs"
    away.mkdir()
    certificat = next(built_demo.rglob("sortie/*/fin/*/certificat-realisation.pdf"))
    result = verify(certificat, "-p", away)
    assert result.exit_code == 1 and result.output.startswith("Inconnu : ")
    assert "vérifiez-le sur la page de vérification de l'organisme" in result.output
    for output in (result.output, verify(procedure, "-p", away).output):
        assert output.split(" : ")[0] in WORDS and "None" not in output


@pytest.mark.skipif(PDFTOPPM is None, reason="poppler's pdftoppm is not installed")
def test_the_printed_qr_code_opens_the_documents_page(built_demo, tmp_path):
    import zxingcpp
    from PIL import Image

    certificat = next(built_demo.rglob("sortie/*/fin/*/certificat-realisation.pdf"))
    entry = next(e for e in open_journal(built_demo, Clock()).entries()
                 if e.data.get("file") == certificat.relative_to(built_demo).as_posix())
    subprocess.run([PDFTOPPM, "-png", "-r", "200", "-f", "1", "-l", "1", str(certificat), str(tmp_path / "page")],
                   check=True)
    [barcode] = zxingcpp.read_barcodes(Image.open(next(tmp_path.glob("page*.png"))))
    assert barcode.text == f"https://www.atelier-clement-formation.fr/verification/{entry.data['code']}"


def test_published_pages_hold_every_code_and_no_name(built_demo, tmp_path):
    site = tmp_path / "site"
    result = verify("--publish", site, "-p", built_demo)
    assert result.exit_code == 0, result.output
    entries = [e for e in open_journal(built_demo, Clock()).entries() if e.data.get("code")]
    for e in entries:
        page = (site / e.data["code"] / "index.html").read_text(encoding="utf-8")
        assert e.data["sha256"] in page
    index = (site / "index.html").read_text(encoding="utf-8")
    assert all(e.data["sha256"] in index for e in entries)
    assert not any(e.data["code"] in index for e in entries)  # the index lists fingerprints, never codes
    learners = yaml.safe_load((built_demo / "apprenants.yaml").read_text(encoding="utf-8"))
    text = "\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    for learner in learners:
        for word in (learner["nom"], learner["prenom"], learner["id"], learner["email"]):
            assert word not in text, word


def test_the_qr_code_leads_to_a_web_page_even_without_settings():
    from qualikit.base.tokens import verification_link, verification_page

    assert verification_page("https://monsite.fr/verif/", None, None) == ("https://monsite.fr/verif", True)
    assert verification_page(None, "https://www.exemple.fr/", "a@b.fr") == ("https://www.exemple.fr/verification",
                                                                            False)
    assert verification_page(None, None, "julie@durand-formation.fr") == (
        "https://www.durand-formation.fr/verification", False)
    assert verification_page(None, None, None) == (None, False)
    assert verification_link("https://monsite.fr/verif", "QK-2345-6789-ABCD") == "https://monsite.fr/verif/QK-2345-6789-ABCD"
    assert verification_link(None, "QK-2345-6789-ABCD") == ""  # then no QR code is drawn at all
