"""Invoices on the demo project: what is invoiced, the numbering, Factur-X, the BPF from them."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import date, datetime
from datetime import time as dtime
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from qualikit.admin.bpf import compute_bpf
from qualikit.admin.invoicing.issue import PAUSE_ENV, issue_invoices
from qualikit.admin.invoicing.ledger import read_ledger
from qualikit.base.clock import PARIS, Clock
from qualikit.documents.facturx import check_xml
from qualikit.project.journal_check import open_journal
from qualikit.project.load import load_project

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo"
REPO = DEMO.parent.parent


def at(day: date) -> datetime:
    return datetime.combine(day, dtime(18, 0), PARIS)


@pytest.fixture()
def demo(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    shutil.copytree(DEMO, root)
    return root


def run(root: Path, day: date):
    project = load_project(root).project
    return issue_invoices(project, root, open_journal(root, Clock(at(day))), day)


def text_of(path: Path) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return " ".join(text.replace("\u2019", "'").replace("\u00a0", " ").replace("\u202f", " ").split())


def numbers(root: Path) -> list[int]:
    ledger = read_ledger(open_journal(root, Clock(at(date(2026, 12, 31)))).entries())
    return sorted(int(n.split("-")[1]) for n in ledger.invoices)


def test_one_invoice_per_convention_and_contract_a_dropout_pro_rata(demo: Path) -> None:
    result = run(demo, date(2026, 11, 23))
    by_buyer = {inv.buyer.name: inv for inv in result.invoices}
    # the intra session sold as a whole, invoiced to its OPCO in subrogation for the company
    berthier = by_buyer["OPCO Mobilités"]
    assert berthier.total == Decimal("3450") and berthier.payer_kind == "OPCO"
    assert "pour le compte de Transports Berthier (subrogation de paiement)" in berthier.buyer.extra
    # the inter session: one invoice per buyer; the drop-out pays the 7 h done of 21 h
    assert by_buyer["Menuiserie Dumas"].total == Decimal("350.00")
    assert by_buyer["Pharmacie des Brotteaux"].total == Decimal("1050")
    assert {"OPCO EP", "Afdas", "Perrin Paysage"} <= set(by_buyer)
    # the particulier: the deposit of at most 30 % once the withdrawal period is over, nothing more yet
    emma = by_buyer["Emma Dupuis"]
    assert emma.total == Decimal("345.00") and not emma.professional
    assert (emma.buyer.street, emma.buyer.postcode, emma.buyer.city) == ("3 place Sathonay", "69001", "Lyon")
    assert any("Karim Haddad" in p or "karim-haddad" in p for p in result.problems)  # no signed contract
    assert numbers(demo) == list(range(1, len(result.invoices) + 1))

    pdf = demo / "sortie" / "factures" / f"facture-{by_buyer['Menuiserie Dumas'].number}.pdf"
    text = text_of(pdf)
    for mention in ("FACTURE N°", "Exonération de TVA, article 261-4-4° a du CGI", "SIREN 021 107 289",
                    "Catégorie de l'opération : prestation de services", "40 €", "L441-10",
                    "7 h réalisées sur 21 h", "Déclaration d'activité n° 84691234569"):
        assert mention in text, mention
    assert "40 €" not in text_of(demo / "sortie" / "factures" / f"facture-{emma.number}.pdf")
    assert run(demo, date(2026, 11, 23)).invoices == []  # nothing twice


def test_every_factur_x_xml_is_valid_and_embedded(demo: Path) -> None:
    from facturx import get_xml_from_pdf

    run(demo, date(2026, 12, 20))
    pdfs = sorted((demo / "sortie" / "factures").glob("*.pdf"))
    assert len(pdfs) >= 10
    for pdf in pdfs:
        name, embedded = get_xml_from_pdf(pdf.read_bytes(), check_xsd=False)
        assert name == "factur-x.xml"
        assert embedded == pdf.with_suffix(".xml").read_bytes()
        assert check_xml(embedded), pdf.name
        # dated when issued, not when built: the XMP and the attached XML agree with the Info dictionary
        # (PDF/A), and the same invoice built again gives the same bytes
        reader = PdfReader(pdf)
        assert reader.metadata["/CreationDate"] == "D:20261220180000+01'00'"
        xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
        assert re.findall(r"<xmp:\w+Date>([^<]*)<", xmp) == ["2026-12-20T18:00:00+01:00"] * 2
        spec = reader.trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"][1].get_object()
        assert spec["/EF"]["/F"].get_object()["/Params"]["/ModDate"] == "D:20261220180000+01'00'"


def test_gapless_over_a_year_with_a_credit_note_in_the_middle(demo: Path) -> None:
    first = run(demo, date(2026, 11, 23))
    perrin = next(i for i in first.invoices if i.buyer.name == "Perrin Paysage")
    # a drop-out recorded late: Antoine Perrin left after the first day → his invoice is cancelled
    sessions = demo / "sessions.yaml"
    text = sessions.read_text(encoding="utf-8")
    text = text.replace("    - apprenant: antoine-perrin\n      statut: présent\n",
                        "    - apprenant: antoine-perrin\n      statut: abandon\n      date_abandon: 2026-11-05\n"
                        "      motif_abandon: force majeure\n")
    sessions.write_text(text, encoding="utf-8")
    second = run(demo, date(2026, 11, 30))
    credit = next(i for i in second.invoices if i.credit)
    assert credit.refers_to == (perrin.number, "2026-11-23") and credit.total == perrin.total
    again = next(i for i in second.invoices if not i.credit and i.key == perrin.key)
    assert again.total == Decimal("350.00") and int(again.number[5:]) > int(credit.number[5:])
    assert "Avoir se rapportant à la facture n° " + perrin.number in text_of(
        demo / "sortie" / "factures" / f"avoir-{credit.number}.pdf")
    run(demo, date(2026, 12, 31))
    got = numbers(demo)
    assert got == list(range(1, len(got) + 1)) and len(got) > len(first.invoices) + 2
    # an invoice dated before the last one would break the chronology
    from qualikit.admin.invoicing.issue import InvoiceError

    sessions.write_text(text.replace("prix: 4900", "prix: 5000"), encoding="utf-8")
    with pytest.raises(InvoiceError, match="chronologique"):
        run(demo, date(2026, 12, 1))


def test_bpf_income_is_the_invoices_less_credit_notes_per_kind_of_payer(demo: Path) -> None:
    run(demo, date(2026, 11, 23))
    sessions = demo / "sessions.yaml"
    sessions.write_text(sessions.read_text(encoding="utf-8").replace(
        "    - apprenant: antoine-perrin\n      statut: présent\n",
        "    - apprenant: antoine-perrin\n      statut: abandon\n      date_abandon: 2026-11-05\n"), encoding="utf-8")
    run(demo, date(2026, 12, 31))
    project = load_project(demo).project
    ledger = read_ledger(open_journal(demo, Clock(at(date(2026, 12, 31)))).entries())
    bpf = compute_bpf(project, 2026, invoices=list(ledger.invoices.values()))
    expected: dict[str, Decimal] = {}
    for inv in ledger.invoices.values():
        expected[inv.payer_kind] = expected.get(inv.payer_kind, Decimal(0)) + (-inv.total if inv.credit
                                                                               else inv.total)
    assert bpf.income["C-1"] == expected["entreprise"]
    assert bpf.income["C-2h"] == expected["OPCO"]
    assert bpf.income["C-7"] == expected["France Travail"] == Decimal("1380")
    assert bpf.income["C-9"] == expected["particulier"]
    assert bpf.income_total == sum(expected.values())
    # the drop-outs counted for what they did: 350 € each for 7 h of 21 h
    assert expected["entreprise"] == sum((i.total if not i.credit else -i.total) for i in ledger.invoices.values()
                                         if i.payer_kind == "entreprise")


def _invoice_process(root: Path, day: str, pause: str | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != PAUSE_ENV}
    if pause:
        env[PAUSE_ENV] = pause
    return subprocess.Popen([sys.executable, "-m", "qualikit", "invoice", "-p", str(root), "--today", day],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_two_runs_at_once_and_a_kill_leave_no_gap_and_no_duplicate(demo: Path) -> None:
    journal = demo / "journal.jsonl"
    victim = _invoice_process(demo, "2026-11-23", pause="60")
    deadline = time.monotonic() + 120
    while not (journal.is_file() and b'"invoice.number"' in journal.read_bytes()):
        assert victim.poll() is None and time.monotonic() < deadline, victim.communicate()
        time.sleep(0.1)
    victim.send_signal(signal.SIGKILL)  # killed between journaling its first number and writing the PDF
    victim.wait()
    assert not list(demo.glob("sortie/factures/*.pdf"))  # its number is journaled, its PDF was never written
    a, b = _invoice_process(demo, "2026-12-20"), _invoice_process(demo, "2026-12-20")
    outs = [p.communicate(timeout=300) for p in (a, b)]
    assert a.returncode == 0 and b.returncode == 0, outs
    ledger = read_ledger(open_journal(demo, Clock(at(date(2026, 12, 20)))).entries())
    got = sorted(int(n.split("-")[1]) for n in ledger.invoices)
    assert got == list(range(1, len(got) + 1)) and len(got) >= 15
    keys = [inv.key for inv in ledger.invoices.values() if not inv.credit]
    assert len(keys) == len(set(keys))  # nothing invoiced twice
    for number, inv in ledger.invoices.items():  # the killed run's number was written by the next run
        assert number in ledger.issued
        assert (demo / "sortie" / "factures" / inv.file_name).is_file()
    assert re.search(r"Facture n° 2026-0001", outs[0][0].decode() + outs[1][0].decode())


def test_payments_recorded_leave_what_is_due_and_overdue(demo: Path) -> None:
    from typer.testing import CliRunner

    from qualikit.admin.invoicing.payments import outstanding
    from qualikit.cli import app

    issued = {inv.buyer.name: inv for inv in run(demo, date(2026, 11, 23)).invoices}
    pharmacie, dumas = issued["Pharmacie des Brotteaux"], issued["Menuiserie Dumas"]
    cli = CliRunner()
    paid = cli.invoke(app, ["payment", pharmacie.number, "1050", "-p", str(demo), "--today", "2026-12-01"])
    assert paid.exit_code == 0 and "soldée" in paid.output, paid.output
    part = cli.invoke(app, ["payment", dumas.number, "100,50", "--moyen", "chèque", "-p", str(demo),
                            "--today", "2026-12-02"])
    assert part.exit_code == 0 and "249,50" in part.output, part.output
    too_much = cli.invoke(app, ["payment", dumas.number, "300", "-p", str(demo), "--today", "2026-12-03"])
    assert too_much.exit_code == 1 and "ne reste due que de 249,50" in too_much.output
    unknown = cli.invoke(app, ["payment", "2026-0999", "10", "-p", str(demo), "--today", "2026-12-03"])
    assert unknown.exit_code == 1 and "aucune facture n° 2026-0999" in unknown.output

    ledger = read_ledger(open_journal(demo, Clock(at(date(2027, 1, 10)))).entries())
    due = {o.invoice.number: o for o in outstanding(ledger, date(2027, 1, 10))}
    assert pharmacie.number not in due
    assert due[dumas.number].due == Decimal("249.50") and due[dumas.number].overdue
    assert not outstanding(ledger, date(2026, 11, 24))[0].overdue  # 30 days to pay
    listed = cli.invoke(app, ["invoice", "-p", str(demo), "--today", "2026-12-01"])
    assert "À encaisser" in listed.output and dumas.number in listed.output


def test_check_asks_for_the_address_of_whoever_pays_their_own_training(demo: Path) -> None:
    from typer.testing import CliRunner

    from qualikit.cli import app

    learners = demo / "apprenants.yaml"
    address = '  adresse: 3 place Sathonay\n  code_postal: "69001"\n  ville: Lyon\n'
    learners.write_text(learners.read_text(encoding="utf-8").replace(address, ""), encoding="utf-8")
    out = " ".join(CliRunner().invoke(app, ["check", "-p", str(demo)], env={"COLUMNS": "300"}).output.split())
    assert "« emma-dupuis » paie lui-même sa formation : son adresse" in out.replace("\u00a0", " ")


def test_check_says_what_an_invoice_will_miss(demo: Path) -> None:
    from typer.testing import CliRunner

    from qualikit.cli import app

    sessions = demo / "sessions.yaml"
    sessions.write_text(sessions.read_text(encoding="utf-8").replace("payeur: afdas", "payeur: afdass"),
                        encoding="utf-8")
    clients = demo / "clients.yaml"
    text = clients.read_text(encoding="utf-8")
    clients.write_text(text.replace("  adresse: 9 rue de Brest\n", ""), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "-p", str(demo)])
    out = " ".join(result.output.split())
    assert result.exit_code == 1
    assert "payeur « afdass » inconnu (à déclarer dans les clients)" in out
    assert "client « studio-lumiere » : adresse à renseigner avant sa première facture" in out


def test_a_particulier_who_drops_out_pays_pro_rata_of_what_was_done(demo: Path) -> None:
    sessions = demo / "sessions.yaml"
    sessions.write_text(sessions.read_text(encoding="utf-8").replace(
        "    - apprenant: karim-haddad\n      statut: présent\n",
        "    - apprenant: karim-haddad\n      statut: abandon\n      date_abandon: 2026-11-05\n"
        "      motif_abandon: force majeure (hospitalisation)\n      date_signature: 2026-10-10\n"), encoding="utf-8")
    karim = [inv for inv in run(demo, date(2026, 11, 23)).invoices if inv.buyer.name == "Karim Haddad"]
    # 30 % after the withdrawal period (ended 20/10), then the rest of the 7 h done of 21 h (1 050 € / 3)
    assert [inv.total for inv in karim] == [Decimal("315.00"), Decimal("35.00")]
    assert sum(inv.total for inv in karim) == Decimal("350.00")
    assert all(not inv.professional and inv.payer_kind == "particulier" for inv in karim)
    text = text_of(demo / "sortie" / "factures" / karim[1].file_name)
    assert "solde au prorata (art. L6353-7)" in text and "7 h réalisées sur 21 h" in text


def test_the_convention_names_the_client_from_its_fiche(demo: Path) -> None:
    from qualikit.commands.contracts import issue_contracts
    from qualikit.delivery.send import OutboxTransport

    project = load_project(demo).project
    day = date(2026, 9, 20)
    outbox = OutboxTransport(demo / "outbox", lambda: at(day))
    issue_contracts(project, demo, open_journal(demo, Clock(at(day))), outbox, at(day), "excel-2026-10-15")
    text = text_of(next(demo.glob("sortie/*/contrats/convention.pdf")))
    assert "adresse : 8 avenue Jean Mermoz, 69008 Lyon" in text and "SIRET : 266 473 784 00012" in text
    assert "représenté par Marc Berthier, en qualité de président" in text


def test_payments_written_in_the_project_settle_invoices_and_check_reads_them(demo: Path) -> None:
    from typer.testing import CliRunner

    from qualikit.admin.invoicing.payments import outstanding
    from qualikit.cli import app

    issued = {inv.buyer.name: inv for inv in run(demo, date(2026, 11, 23)).invoices}
    pharmacie, dumas = issued["Pharmacie des Brotteaux"], issued["Menuiserie Dumas"]
    (demo / "paiements.yaml").write_text(
        f"- facture: {pharmacie.number}\n  date: 2026-12-01\n  montant: 1050\n"
        f"- facture: {dumas.number}\n  date: 2026-12-02\n  montant: 100,50\n  moyen: chèque\n"
        "- facture: 2026-0999\n  date: 2026-12-02\n  montant: 10\n", encoding="utf-8")
    project = load_project(demo).project
    ledger = read_ledger(open_journal(demo, Clock(at(date(2027, 1, 10)))).entries(), project.payments,
                         date(2027, 1, 10))
    due = {o.invoice.number: o.due for o in outstanding(ledger, date(2027, 1, 10))}
    assert pharmacie.number not in due and due[dumas.number] == Decimal("249.50")
    # as of a day before the payments, both were owed in full
    before = read_ledger(open_journal(demo, Clock(at(date(2026, 11, 30)))).entries(), project.payments,
                         date(2026, 11, 30))
    assert {o.invoice.number for o in outstanding(before, date(2026, 11, 30))} >= {pharmacie.number, dumas.number}
    cli = CliRunner()
    # the journal's payments and the file's add up: 249,50 € left, no more
    too_much = cli.invoke(app, ["payment", dumas.number, "300", "-p", str(demo), "--today", "2026-12-03"])
    assert too_much.exit_code == 1 and "ne reste due que de 249,50" in too_much.output
    checked = " ".join(cli.invoke(app, ["check", "-p", str(demo), "--today", "2026-12-05"],
                                  env={"COLUMNS": "300"}).output.split())
    assert "paiements.yaml:8:3" in checked and "« 2026-0999 », que qualikit n'a pas émise" in checked
