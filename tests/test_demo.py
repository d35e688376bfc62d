"""`qualikit demo`, the README's first command: the whole journey, ending with the audit pack."""

from __future__ import annotations

from typer.testing import CliRunner

from qualikit.base.clock import Clock
from qualikit.cli import app
from qualikit.project.journal_check import open_journal


def test_demo_runs_the_whole_journey(tmp_path):
    dest = tmp_path / "qualikit-demo"
    result = CliRunner().invoke(app, ["demo", str(dest)])
    assert result.exit_code == 0, result.output
    assert "dossier d'audit Qualiopi" in result.output and "index.html" in result.output
    journal = open_journal(dest, Clock())
    assert journal.verify() == []
    kinds = {e.kind for e in journal.entries()}
    for kind in ("programme.sheet", "contract.contrat", "onboard.kit", "onboard.email", "close.certificat",
                 "close.attestation", "remind.rappel-veille", "survey.answer"):
        assert kind in kinds, kind
    assert len(list((dest / "outbox").glob("*.eml"))) > 50
    # the invoices of the closed sessions (the certifying and the subcontracted ones included) and the
    # particulier's deposit, numbered from 1 without a gap
    invoices = sorted(p.name for p in (dest / "sortie" / "factures").glob("facture-*.pdf"))
    assert invoices == [f"facture-2026-{n:04d}.pdf" for n in range(1, len(invoices) + 1)] and len(invoices) == 11
    index = next((dest / "audit").glob("*/index.html"))
    assert "Référentiel national qualité 2026" in index.read_text(encoding="utf-8")
    again = CliRunner().invoke(app, ["demo", str(dest)])
    assert again.exit_code == 1 and "n'est pas vide" in again.output


def test_the_demo_signs_one_session_in_the_room_and_its_pack_shows_the_sheets(built_demo):
    from qualikit.project.signatures import check

    session = "excel-2026-10-15"
    sheets = sorted((built_demo / "sortie" / session / "emargements-signes").glob("*.pdf"))
    assert [p.stem for p in sheets] == ["2026-10-15-apres-midi", "2026-10-15-matin", "2026-10-16-apres-midi",
                                        "2026-10-16-matin"]
    entries = open_journal(built_demo, Clock()).entries()
    count, problems = check(entries, built_demo)
    # five learners or marks and the trainer, per half-day; and Emma Dupuis's contract, signed on the page
    assert count == 4 * 5 + 4 + 1 and problems == []
    closed = [e for e in entries if e.kind == "emargement.close"]
    assert [e.data["absent"] for e in closed] == [[], [], [], ["thomas-girard"]]  # as presences.yaml had it
    packed = sorted(p.name for p in (built_demo / "audit").glob(f"*/*/{session}/emargement-*.pdf"))
    assert packed == [f"emargement-{p.stem}.pdf" for p in sheets]
    result = CliRunner().invoke(app, ["verify", str(sheets[0]), "-p", str(built_demo)])
    assert result.exit_code == 0 and "feuille d'émargement signée dans la salle scellée" in result.output.lower()


def test_the_demo_has_a_contract_signed_on_the_page_and_verified(built_demo):
    signed = built_demo / "sortie" / "projet-2026-11-30" / "contrats" / "contrat-emma-dupuis-signe.pdf"
    result = CliRunner().invoke(app, ["verify", str(signed), "-p", str(built_demo)])
    assert result.exit_code == 0 and "signé par le stagiaire" in result.output, result.output
    rows = [e for e in open_journal(built_demo, Clock()).entries() if e.kind == "countersign.contrat"]
    assert [r.data.get("learner") or r.data.get("party") for r in rows] == ["emma-dupuis"]
