"""`qualikit close-session` end to end: hours done, signed documents, verify, exactly once."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from conftest import DEMO
from qualikit.base.clock import Clock
from qualikit.cli import app
from qualikit.documents.signing import create_self_signed
from qualikit.project.journal_check import open_journal

SESSION = "excel-2026-10-15"  # thomas-girard missed the last afternoon
DROPPED_SESSION = "parole-2026-11-04"  # pierre-dumas dropped out on day 2
PASSPHRASE = "phrase secrète de test"


def text_of(path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def close(root, session, *extra, today="2026-11-23"):
    return CliRunner().invoke(app, ["close-session", session, "-p", str(root), "--today", today, *extra],
                              env={"COLUMNS": "150"})


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return create_self_signed(tmp_path_factory.mktemp("cert") / "certificat.p12", name="Claire Clément",
                              email="claire@example.fr", organisation="Atelier Clément Formation",
                              passphrase=PASSPHRASE)


@pytest.fixture
def demo(tmp_path, certificate, monkeypatch):
    root = shutil.copytree(DEMO, tmp_path / "demo")
    shutil.copy(certificate, root / "certificat.p12")
    monkeypatch.setenv("QUALIKIT_CERT_PASSPHRASE", PASSPHRASE)
    return root


def test_documents_state_hours_done_and_results_and_are_signed(demo):
    result = close(demo, SESSION)
    assert result.exit_code == 0, result.output
    folder = demo / "sortie" / SESSION / "fin" / "thomas-girard"
    certificat = text_of(folder / "certificat-realisation.pdf")
    for sentence in ("représentant légal du dispensateur de l'action concourant au développement des compétences",
                     "Atelier Clément Formation", "action de formation", "pour une durée de 10,5 heures",
                     "je m'engage à conserver l'ensemble des pièces justificatives",
                     "Cachet et signature du responsable du dispensateur de formation",
                     "Signé électroniquement par Claire Clément"):
        assert sentence.replace("'", "’") in certificat.replace("'", "’"), sentence
    attestation = text_of(folder / "attestation-fin-formation.pdf")
    assert "Construire un tableau croisé dynamique" in attestation and "/20" in attestation
    assert (demo / "sortie" / SESSION / "fin" / "thomas-girard.zip").is_file()

    pdfsig = subprocess.run(["pdfsig", str(folder / "certificat-realisation.pdf")], capture_output=True, text=True)
    assert "Signature is Valid" in pdfsig.stdout
    verified = CliRunner().invoke(app, ["verify", str(folder / "certificat-realisation.pdf"), "-p", str(demo)])
    assert verified.exit_code == 0, verified.output
    assert verified.output.startswith("Signé : certificat-realisation.pdf")
    assert "Certificat de réalisation délivré le" in verified.output and "contenu identique" in verified.output
    away = demo.parent / "ailleurs"  # a client or an OPCO: no journal, only the signature speaks
    away.mkdir()
    shutil.copy(folder / "certificat-realisation.pdf", away / "certificat.pdf")
    outside = CliRunner().invoke(app, ["verify", str(away / "certificat.pdf"), "-p", str(away)])
    assert outside.exit_code == 0, outside.output
    assert outside.output.startswith("Signé : ") and "émetteur à vérifier sur la liste publiée" in outside.output
    assert "Empreinte SHA-256 du certificat du signataire" in outside.output

    tampered = bytearray((folder / "certificat-realisation.pdf").read_bytes())
    position = tampered.index(b"/Producer") + 12
    tampered[position] ^= 1
    (demo / "copie.pdf").write_bytes(bytes(tampered))
    refused = CliRunner().invoke(app, ["verify", str(demo / "copie.pdf"), "-p", str(demo)])
    assert refused.exit_code == 1 and refused.output.startswith("Altéré : copie.pdf"), refused.output
    (away / "copie.pdf").write_bytes(bytes(tampered))
    broken = CliRunner().invoke(app, ["verify", str(away / "copie.pdf"), "-p", str(away)])
    assert broken.exit_code == 1 and broken.output.startswith("Altéré : copie.pdf"), broken.output


def test_closing_twice_issues_and_sends_nothing_new(demo):
    assert close(demo, SESSION).exit_code == 0
    journal = open_journal(demo, Clock())
    before = len(journal.entries())
    emls = len(list((demo / "outbox").glob("*.eml")))
    again = close(demo, SESSION)
    assert again.exit_code == 0, again.output
    assert len(journal.entries()) == before and len(list((demo / "outbox").glob("*.eml"))) == emls
    session_entry = journal.done(f"close:session:{SESSION}")
    assert float(session_entry.data["delivery_delay_hours"]) > 0
    assert {s["step"] for s in session_entry.data["scheduled"]} >= {"alumni", "froid"}


def test_a_drop_out_gets_a_certificat_for_hours_done_and_no_attestation(demo):
    result = close(demo, DROPPED_SESSION)
    assert result.exit_code == 0, result.output
    folder = demo / "sortie" / DROPPED_SESSION / "fin" / "pierre-dumas"
    assert "pour une durée de 7 heures" in text_of(folder / "certificat-realisation.pdf")
    assert not (folder / "attestation-fin-formation.pdf").exists()
    # the guide and the e-mail name only what they hold
    guide = " ".join(text_of(folder / "pack-fin-de-formation.pdf").split())
    assert "Votre certificat de réalisation accompagne ce guide" in guide and "attestation" not in guide
    from email import policy
    from email.parser import BytesParser

    eml = next((demo / "outbox").glob("*fin-de-formation*pierre-dumas*.eml"), None) or next(
        p for p in (demo / "outbox").glob("*pierre-dumas*.eml"))
    mail = BytesParser(policy=policy.default).parsebytes(eml.read_bytes()).get_body(("plain",)).get_content()
    assert "votre certificat de réalisation (certificat-realisation.pdf)" in mail and "attestation" not in mail
    assert "Abandon en cours de session parole-2026-11-04" in (demo / "registre-ameliorations.yaml").read_text(
        encoding="utf-8")
    # Karim Haddad's contract was never signed: the roll calls' implicit presence counts no hour,
    # so he gets neither attestation nor certificat nor end-of-training e-mail, and the table says why
    assert not (demo / "sortie" / DROPPED_SESSION / "fin" / "karim-haddad").exists()
    assert "contrat de formation non signé" in result.output
    assert not any("karim" in p.read_text(encoding="utf-8", errors="replace").lower()
                   for p in (demo / "outbox").glob("*.eml"))
    completed = demo / "sortie" / DROPPED_SESSION / "fin" / "nathalie-fabre"
    assert "pour une durée de 21 heures" in text_of(completed / "certificat-realisation.pdf")


def test_missing_roll_call_or_results_refuses_unless_forced(demo):
    presences = demo / "presences.yaml"
    presences.write_text("\n".join(line for line in presences.read_text(encoding="utf-8").splitlines()
                                   if "2026-10-16, demi_journee: matin" not in line) + "\n", encoding="utf-8")
    evaluations = demo / "evaluations.yaml"
    text = evaluations.read_text(encoding="utf-8")
    evaluations.write_text(text.replace('resultats: {1: "16/20", 2: "15/20", 3: "16/20", 4: "13/20"}',
                                        'resultats: {1: "16/20", 2: "15/20"}'), encoding="utf-8")
    refused = close(demo, SESSION)
    assert refused.exit_code == 1
    assert "Clôture refusée" in refused.output and "appel non saisi : 16/10/2026 (matin)" in refused.output
    assert "résultat manquant : sophie-lambert, objectifs n° 3, 4" in refused.output
    assert not (demo / "sortie").exists()
    forced = close(demo, SESSION, "--force")
    assert forced.exit_code == 0, forced.output
    entry = open_journal(demo, Clock()).done(f"close:session:{SESSION}")
    assert any("16/10/2026 (matin)" in gap for gap in entry.data["gaps"])


def test_a_session_not_over_is_refused(demo):
    # the morning of the last day: refused, saying from when it will be accepted, even with --force
    for extra in ((), ("--force",)):
        result = close(demo, "parole-2026-11-23", *extra, today="2026-11-25T10:00")
        assert result.exit_code == 1
        assert "se termine le mercredi 25\u00a0novembre\u00a02026 à 17\u00a0h\u00a000" in result.output
        assert "possible à partir de ce moment-là" in result.output
    assert not (demo / "sortie" / "parole-2026-11-23").exists()
    result = close(demo, "parole-2026-11-23", "--force", today="2026-11-25T17:00")
    assert result.exit_code == 0, result.output
    assert "Délai de remise des documents : 0" in result.output


def test_wrong_passphrase_is_a_clear_error(demo, monkeypatch):
    monkeypatch.setenv("QUALIKIT_CERT_PASSPHRASE", "mauvaise")
    result = close(demo, SESSION)
    assert result.exit_code == 1
    assert "QUALIKIT_CERT_PASSPHRASE" in result.output and "mauvaise" not in result.output
    assert "Traceback" not in result.output

