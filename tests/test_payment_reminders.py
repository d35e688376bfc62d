"""Payments followed: what is owed in `status` and the digest, and polite reminders to payers after
the due date, through a real SMTP server, each sent once, with the invoice attached."""

from __future__ import annotations

import io
import shutil
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from conftest import DEMO
from qualikit.admin.invoicing.issue import issue_invoices
from qualikit.base.clock import PARIS, Clock
from qualikit.base.typography import fr
from qualikit.cli import app
from qualikit.commands.remind import remind
from qualikit.delivery.send import SmtpTransport
from qualikit.project.journal_check import open_journal
from qualikit.project.load import load_project

pytest_plugins = ["smtp_server"]


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), PARIS)


@pytest.fixture
def demo(tmp_path):
    return shutil.copytree(DEMO, tmp_path / "demo")


def invoice(root, day: date):
    return issue_invoices(load_project(root).project, root, open_journal(root, Clock(at(day, 18))), day)


def reminders(smtp) -> list:
    return [m for m in smtp.messages if str(m.get("X-Qualikit-Step", "")).startswith("relance-paiement")]


def plain(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def day_of_remind(root, smtp, day: date):
    project = load_project(root).project
    return remind(project, root, open_journal(root, Clock(at(day))), SmtpTransport(smtp.settings(), timeout=5),
                  at(day), digest_to=project.organisation.email)


def test_overdue_invoices_are_reminded_once_per_step_never_when_paid_or_cancelled(demo, smtp):
    issued = {inv.buyer.name: inv for inv in invoice(demo, date(2026, 11, 23)).invoices}
    opco, pharmacie, perrin, dumas = (issued[n] for n in ("OPCO Mobilités", "Pharmacie des Brotteaux",
                                                           "Perrin Paysage", "Menuiserie Dumas"))
    emma = issued["Emma Dupuis"]
    assert opco.due_on == date(2026, 12, 23)  # 30 days
    cli = CliRunner()
    assert cli.invoke(app, ["payment", pharmacie.number, "1050", "-p", str(demo), "--today", "2026-12-01"]
                      ).exit_code == 0
    # Antoine Perrin's drop-out recorded late: his invoice is cancelled by a credit note, a new one issued
    sessions = demo / "sessions.yaml"
    sessions.write_text(sessions.read_text(encoding="utf-8").replace(
        "    - apprenant: antoine-perrin\n      statut: présent\n",
        "    - apprenant: antoine-perrin\n      statut: abandon\n      date_abandon: 2026-11-05\n"), encoding="utf-8")
    again = invoice(demo, date(2026, 11, 30))
    assert any(i.credit and i.refers_to[0] == perrin.number for i in again.invoices)

    # before the due date + 7 days: nothing; the digest already lists what is owed
    day_of_remind(demo, smtp, date(2026, 12, 28))
    assert reminders(smtp) == []
    # 30/12 = due date + 7: a first polite reminder to each payer with an address
    day_of_remind(demo, smtp, date(2026, 12, 30))
    first = {m["X-Qualikit-Invoice"]: m for m in reminders(smtp)}
    assert pharmacie.number not in first and perrin.number not in first  # paid, cancelled
    assert {opco.number, dumas.number, emma.number} <= set(first)
    message = first[opco.number]
    assert message["To"].addresses[0].addr_spec == "prises-en-charge@opco-mobilites.example.fr"
    assert str(message["Subject"]) == fr(f"Facture n° {opco.number} : petit rappel")
    body = plain(message)
    assert "3 450,00 €" in body and "23 décembre 2026" in body and "simple oubli" in body
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == f"facture-{opco.number}.pdf"
    pdf = PdfReader(io.BytesIO(attachment.get_payload(decode=True)))
    assert opco.number in pdf.pages[0].extract_text()
    assert "Bonjour Emma" in plain(first[emma.number])
    # the same day again: nothing twice
    count = len(reminders(smtp))
    day_of_remind(demo, smtp, date(2026, 12, 30))
    day_of_remind(demo, smtp, date(2026, 12, 31))
    assert len(reminders(smtp)) == count

    # Menuiserie Dumas pays; on 22/01/2027 (due date + 30) the others get the second reminder
    assert cli.invoke(app, ["payment", dumas.number, "350", "-p", str(demo), "--today", "2027-01-05"]
                      ).exit_code == 0
    result = day_of_remind(demo, smtp, date(2027, 1, 22))
    second = {m["X-Qualikit-Invoice"]: m for m in reminders(smtp)[count:]}
    assert opco.number in second and dumas.number not in second and pharmacie.number not in second
    text = plain(second[opco.number])
    assert "second rappel" in str(second[opco.number]["Subject"]) and "premier rappel" in text
    assert "40 €" in text  # a professional payer: the penalties are recalled, once
    assert "40 €" not in plain(second[emma.number])
    owed = {o.invoice.number: o for o in result.receivables}
    assert dumas.number not in owed and owed[opco.number].due == Decimal("3450")
    day_of_remind(demo, smtp, date(2027, 1, 25))
    assert len(reminders(smtp)) == count + len(second)

    # status: the same figures, invoice by invoice
    shown = cli.invoke(app, ["status", "-p", str(demo), "--today", "2027-01-25"], terminal_width=200)
    out = " ".join(shown.output.split())
    assert shown.exit_code == 0, shown.output
    assert "Factures à encaisser" in out and opco.number in out and "OPCO Mobilités" in out
    assert "en retard de 33 jours, relance 2 le 22/01/2027" in out
    # the digest: overdue invoices as alerts, and the list of what is owed
    digest = [m for m in smtp.messages if "alerte" in str(m["Subject"]) or "attente" in str(m["Subject"])]
    body = plain(digest[-1])
    assert "Factures à encaisser" in body and f"facture n° {opco.number} (OPCO Mobilités)" in body
    assert "23 décembre 2026 dépassée ; 2e relance envoyée le vendredi 22 janvier 2027" in body


def test_the_reminder_delays_are_the_projects(demo, smtp):
    """`relances_paiement_jours: [3, 10, 20]`: three reminders, the third a « nouveau rappel »."""
    organisation = demo / "organisation.yaml"
    text = organisation.read_text(encoding="utf-8")
    organisation.write_text(text.replace("parametres:\n", "parametres:\n  relances_paiement_jours: [20, 3, 10]\n", 1),
                            encoding="utf-8")
    assert load_project(demo).project.settings.payment_reminder_days == (3, 10, 20)
    opco = next(i for i in invoice(demo, date(2026, 11, 23)).invoices if i.buyer.name == "OPCO Mobilités")
    sent = []
    for day in (date(2026, 12, 24), date(2026, 12, 28), date(2027, 1, 4), date(2027, 1, 12)):
        day_of_remind(demo, smtp, day)
        sent.append([str(m["Subject"]) for m in reminders(smtp) if m["X-Qualikit-Invoice"] == opco.number])
    assert sent[0] == []  # due date + 1
    assert sent[1][-1] == fr(f"Facture n° {opco.number} : petit rappel")  # + 5 (working day after + 3)
    assert sent[2][-1] == fr(f"Facture n° {opco.number} : second rappel")  # + 12
    assert len(sent[3]) == 3 and sent[3][-1] == fr(f"Facture n° {opco.number} : nouveau rappel")  # + 20
