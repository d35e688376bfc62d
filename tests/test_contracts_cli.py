"""Contracts, conventions, information packs and programme sheets through the CLI."""

from __future__ import annotations

import email
import email.policy
import io
import shutil

from pypdf import PdfReader
from typer.testing import CliRunner

from conftest import DEMO
from qualikit.base.clock import Clock
from qualikit.cli import app
from qualikit.project.journal_check import open_journal


def text(path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_contract_and_information_pack_sent_once_to_an_individual(tmp_path):
    root = shutil.copytree(DEMO, tmp_path / "demo")
    run = ["contract", "excel-2026-12-14", "isabelle-giraud", "-p", str(root), "--today", "2026-11-23"]
    result = CliRunner().invoke(app, run)
    assert result.exit_code == 0, result.output
    folder = root / "sortie" / "excel-2026-12-14" / "contrats"
    contract = text(folder / "contrat-isabelle-giraud.pdf")
    assert "L6353-3" in contract and "rétractation" in contract and "207,00" in contract.replace("\u202f", " ")
    assert "demeurant : 27 avenue Berthelot, 69007 Lyon" in " ".join(contract.replace("\u00a0", " ").split())
    info = text(folder / "information-isabelle-giraud.pdf")
    assert ("Claire Clément" in info and "Règlement intérieur" in info) or "règlement intérieur" in info
    emls = list((root / "outbox").glob("*.eml"))
    assert len(emls) == 1
    message = email.message_from_bytes(emls[0].read_bytes(), policy=email.policy.default)
    assert {a.get_filename() for a in message.iter_attachments()} == {"contrat-de-formation.pdf",
                                                                      "information-prealable.pdf"}
    again = CliRunner().invoke(app, run)
    assert again.exit_code == 0 and len(list((root / "outbox").glob("*.eml"))) == 1
    kinds = [e.kind for e in open_journal(root, Clock()).entries()]
    assert kinds.count("contract.contrat") == 1 and kinds.count("contract.email") == 1


def test_programme_sheets_are_published_with_the_formula(tmp_path):
    root = shutil.copytree(DEMO, tmp_path / "demo")
    result = CliRunner().invoke(app, ["programme", "-p", str(root), "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    sheet = text(root / "sortie" / "programmes" / "excel-tcd.pdf")
    for mention in ("Objectifs", "Prérequis", "Durée", "Modalité", "Accessibilité", "Mise à jour",
                    "Cet enregistrement ne vaut pas agrément de l"):
        assert mention.lower() in sheet.lower(), mention
    html = (root / "sortie" / "programmes" / "excel-tcd.html").read_text(encoding="utf-8")
    assert '<html lang="fr"' in html and "agrément de l" in html
    again = CliRunner().invoke(app, ["programme", "-p", str(root), "--today", "2026-11-23"])
    assert "rien de nouveau" in again.output
