"""A session delivered for another organisme (the donneur d'ordre), end to end on the demo: its
contrat de sous-traitance, no learner contract, the documents in its name or none, one invoice to
it alone, the BPF's line C-10 and frame G, and what `check` says before a document needs it."""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime
from decimal import Decimal
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from conftest import DEMO
from qualikit.admin.bpf import compute_bpf
from qualikit.admin.invoicing.ledger import read_ledger
from qualikit.base.clock import PARIS, Clock
from qualikit.cli import app
from qualikit.project.journal_check import open_journal
from qualikit.project.load import load_project

SESSION = "excel-2026-11-12"
DONOR = "Forma'Pro Rhône"


@pytest.fixture
def demo(tmp_path) -> Path:
    return shutil.copytree(DEMO, tmp_path / "demo")


def text_of(path: Path) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return " ".join(re.sub(r"[\u00a0\u202f]", " ", text.replace("\u2019", "'")).split())


def invoke(*args: str):
    result = CliRunner().invoke(app, list(args), terminal_width=200)
    return result, " ".join(result.output.replace("\u2019", "'").split())


def mails(root: Path) -> list:
    return [BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in sorted(root.glob("outbox/*.eml"))]


def test_a_session_for_a_donneur_d_ordre_from_contract_to_bpf(demo: Path) -> None:
    result, out = invoke("contract", SESSION, "-p", str(demo), "--outbox", "--today", "2026-10-20")
    assert result.exit_code == 0, out
    contracts = demo / "sortie" / SESSION / "contrats"
    assert [p.name for p in contracts.iterdir()] == ["contrat-sous-traitance.pdf"]  # nothing for the learners
    text = text_of(contracts / "contrat-sous-traitance.pdf")
    for part in ("Contrat de sous-traitance d'une action de formation", DONOR, "SIRET : 443 061 841 00013",
                 "déclaration d'activité enregistrée sous le numéro 84691122334", "représenté par Bertrand Lemoine, "
                 "en qualité de directeur", "Atelier Clément Formation", "1 800,00 € HT pour la session (14 h",
                 "12 novembre 2026", "Margot Vasseur", "établit, au nom et pour le compte du donneur d'ordre",
                 "Qualiopi", "article 28 du règlement (UE) 2016/679", "Exonération de TVA, article 261-4-4° a du CGI",
                 "payable à 45 jours", "Pour le donneur d'ordre", "Pour le sous-traitant"):
        assert part in text, part
    (sent,) = mails(demo)
    assert sent["To"].addresses[0].addr_spec == "coordination@formapro-rhone.example.fr"
    assert [a.get_filename() for a in sent.iter_attachments()] == ["contrat-de-sous-traitance.pdf"]
    refused, out = invoke("contract", SESSION, "margot-vasseur", "-p", str(demo), "--outbox", "--today", "2026-10-20")
    assert refused.exit_code == 1 and "le contrat ou la convention des stagiaires est celui du donneur d'ordre" in out

    # the closing: attestations and certificats in the donneur d'ordre's name, as the contract says
    closed, out = invoke("close-session", SESSION, "-p", str(demo), "--outbox", "--today", "2026-11-14")
    assert closed.exit_code == 0, out
    certificat = text_of(demo / "sortie" / SESSION / "fin" / "margot-vasseur" / "certificat-realisation.pdf")
    assert f"Bertrand Lemoine, représentant légal du dispensateur de l'action concourant au développement des " \
           f"compétences {DONOR}" in certificat and "pour une durée de 14 heures" in certificat
    assert "84691122334" in certificat and "Claire Clément" not in certificat

    # one invoice, to the donneur d'ordre alone, at the contract's price
    billed, out = invoke("invoice", "-p", str(demo), "--today", "2026-11-14")
    assert billed.exit_code == 0, out
    assert "sous-traitance (donneur d'ordre" not in out
    ledger = read_ledger(open_journal(demo, Clock(datetime(2026, 12, 31, 18, tzinfo=PARIS))).entries())
    ours = [inv for inv in ledger.invoices.values() if inv.session == SESSION]
    assert [(inv.buyer.name, inv.total, inv.payer_kind) for inv in ours] == [
        (DONOR, Decimal("1800"), "autre organisme de formation")]
    assert "Déclaration d'activité n° 84691122334" in ours[0].buyer.extra
    assert ours[0].due_on == date(2026, 12, 29)  # its 45 days

    # the BPF: that income on line C-10, its learners in frame G under the donneur d'ordre's name
    project = load_project(demo).project
    bpf = compute_bpf(project, 2026, invoices=list(ledger.invoices.values()))
    assert bpf.income["C-10"] == Decimal("1800")
    assert (bpf.entrusted[DONOR].count, bpf.entrusted[DONOR].hours) == (3, Decimal("42"))
    shown, out = invoke("bpf", "--year", "2026", "-p", str(demo), "--today", "2027-01-15")
    assert shown.exit_code == 0 and "1 800" in out


def test_attestations_left_to_the_donneur_d_ordre_and_what_check_says(demo: Path) -> None:
    sessions = demo / "sessions.yaml"
    sessions.write_text(sessions.read_text(encoding="utf-8").replace("  attestations: donneur_ordre\n",
                                                                     "  attestations: aucune\n"), encoding="utf-8")
    closed, out = invoke("close-session", SESSION, "-p", str(demo), "--outbox", "--today", "2026-11-14")
    assert closed.exit_code == 0, out
    assert sorted(p.name for p in (demo / "sortie" / SESSION / "fin" / "romain-dufour").iterdir()) == [
        "pack-fin-de-formation.pdf"]  # no attestation, no certificat: the donneur d'ordre issues them

    clients = demo / "clients.yaml"
    clients.write_text(clients.read_text(encoding="utf-8").replace('  nda: "84691122334"\n', "").replace(
        "  representant:\n    nom: Bertrand Lemoine\n    qualite: directeur\n", ""), encoding="utf-8")
    sessions.write_text(sessions.read_text(encoding="utf-8").replace("  attestations: aucune\n", "").replace(
        "  prix: 1800\n", ""), encoding="utf-8")
    _, out = invoke("check", "-p", str(demo))
    assert "donneur d'ordre « formapro-rhone » : nda, representant à renseigner avant le contrat de " \
           "sous-traitance" in out
    assert f"session {SESSION} en sous-traitance : prix à renseigner" in out
    assert f"session {SESSION} en sous-traitance : attestations à préciser" in out
    sessions.write_text(sessions.read_text(encoding="utf-8").replace("donneur_ordre: formapro-rhone",
                                                                     "donneur_ordre: formapro"), encoding="utf-8")
    _, out = invoke("check", "-p", str(demo))
    assert "donneur d'ordre « formapro » absent des clients" in out
