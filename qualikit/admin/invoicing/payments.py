"""Payments: recorded in the journal against an invoice; what is still due, what is overdue,
and which reminder each overdue invoice has reached.

Computed here once, from the ledger as of a day: `status`, the daily digest, `invoice` and the
reminders to payers all read `outstanding()`. An invoice cancelled by a credit note is owed no
more; a payment is never deleted (a mistake is corrected by recording a negative amount, which
stays in the journal like everything else).

Reminders: a polite e-mail to the payer (the client's contact, or the learner paying
themselves) some days after the due date (`relances_paiement_jours`, 7 and 30 by default), with
the invoice attached; one per invoice and step (journal key `invoice:reminder:<numéro>:<n>`),
never for an invoice paid or cancelled. A run that missed a step (the machine was off) sends
only the latest step reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from qualikit.admin.invoicing.ledger import PAYMENT_KIND, Ledger, read_ledger
from qualikit.documents.invoice import Invoice

MEANS = ("virement", "chèque", "carte", "espèces", "prélèvement")
REMINDER_KIND = "invoice.reminder"


class PaymentError(ValueError):
    """A payment that cannot be recorded; French message."""


@dataclass(frozen=True)
class Outstanding:
    invoice: Invoice
    due: Decimal  # still to be paid
    overdue: bool  # its due date is past

    def reminder(self, day: date, days: tuple[int, ...]) -> int:
        """The reminder step reached on `day` (1, 2…), 0 before the first; `days`: the project's
        `payment_reminder_days`."""
        due_on = self.invoice.due_on
        return sum(1 for d in days if day >= due_on + timedelta(days=d))


def outstanding(ledger: Ledger, day: date) -> list[Outstanding]:
    """Every invoice not fully paid nor cancelled, oldest first."""
    out = []
    for number, inv in ledger.invoices.items():
        if inv.credit or number in ledger.credited:
            continue
        due = inv.payable - ledger.paid.get(number, Decimal(0))
        if due > 0:
            out.append(Outstanding(inv, due, day > inv.due_on))
    return sorted(out, key=lambda o: (o.invoice.due_on, o.invoice.number))


def reminder_key(number: str, step: int) -> str:
    return f"invoice:reminder:{number}:{step}"


def reminded(journal_rows) -> dict[str, tuple[int, date]]:
    """invoice number → (latest reminder step sent, its day), from the `invoice.reminder` rows."""
    out: dict[str, tuple[int, date]] = {}
    for e in journal_rows:
        if e.kind == REMINDER_KIND and e.data.get("invoice"):
            step = int(e.data.get("reminder", 1))
            if step >= out.get(e.data["invoice"], (0, None))[0]:
                out[e.data["invoice"]] = (step, e.ts.date())
    return out


def reminders_due(items: list[Outstanding], day: date, sent: set[str],
                  days: tuple[int, ...]) -> list[tuple[Outstanding, int]]:
    """(invoice, step) to send on `day`: the latest step reached, unless its key is journaled."""
    out = []
    for o in items:
        step = o.reminder(day, days)
        if o.overdue and step and reminder_key(o.invoice.number, step) not in sent:
            out.append((o, step))
    return out


@dataclass(frozen=True)
class Payer:
    name: str
    email: str | None
    learner: object | None = None  # the Learner paying themselves (civility for the greeting)


def payer_of(project, invoice: Invoice) -> Payer:
    """Whom to ask for the payment: the invoice's payer as the project knows it today (an address
    corrected since the invoice is used), else its buyer without an address."""
    ref = invoice.payer or _payer_from_key(project, invoice)
    kind, _, ident = (ref or "").partition(":")
    if kind == "apprenant" and (learner := project.learner(ident)) is not None:
        return Payer(learner.full_name, learner.email, learner)
    if kind == "client" and (client := project.client(ident)) is not None:
        return Payer(client.contact.name if client.contact and client.contact.email else client.name,
                     client.email)
    return Payer(invoice.buyer.name, None)


def _payer_from_key(project, invoice: Invoice) -> str | None:
    """Invoices journaled before the payer was recorded: read it back from the item key."""
    parts = invoice.key.split(":")
    if len(parts) == 3:
        return f"apprenant:{parts[1]}"
    if len(parts) == 2 and parts[1] == "convention":
        session = project.session(parts[0])
        return f"client:{session.payer or session.client}" if session else None
    return f"client:{parts[1]}" if len(parts) == 2 else None


def payment_alerts(items: list[Outstanding], day: date, sent: dict[str, tuple[int, date]], project=None) -> list:
    """One alert per overdue invoice, for the daily digest (same `outstanding` as `status`);
    `project` given: says when the payer has no address to be reminded at."""
    from qualikit.base.frdates import long_date
    from qualikit.project.schedule import euros
    from qualikit.quality.alerts import Alert

    out = []
    for o in items:
        if not o.overdue:
            continue
        inv = o.invoice
        told = sent.get(inv.number)
        news = (f" ; {'1re' if told[0] == 1 else f'{told[0]}e'} relance envoyée le {long_date(told[1])}"
                if told else "")
        if project is not None and o.reminder(day, project.settings.payment_reminder_days) \
                and not payer_of(project, inv).email:
            news += " ; aucune adresse pour relancer le payeur (contact à renseigner dans clients.yaml)"
        out.append(Alert("paiement", inv.session or "", f"facture n° {inv.number} ({inv.buyer.name}) : "
                         f"{euros(o.due, cents=True)} non réglés, échéance du {long_date(inv.due_on)} "
                         f"dépassée{news}", inv.number))
    return out


def record_payment(journal, number: str, amount: str, day: date, means: str, payments=()) -> Decimal:
    """Journal a payment of `amount` euros on invoice `number`; returns what is still due."""
    try:
        value = Decimal(str(amount).replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except InvalidOperation:
        raise PaymentError(f"montant « {amount} » illisible (attendu : 345,50)") from None
    if value != value.quantize(Decimal("0.01")) or value == 0:
        raise PaymentError(f"montant « {amount} » : des euros et des centimes, non nul")
    if means not in MEANS:
        raise PaymentError(f"moyen de paiement « {means} » inconnu (attendu : {', '.join(MEANS)})")
    with journal.locked():
        ledger = read_ledger(journal.entries(), payments)  # the project's own payments count too
        inv = ledger.invoices.get(number)
        if inv is None or inv.credit:
            raise PaymentError(f"aucune facture n° {number}")
        if number in ledger.credited:
            raise PaymentError(f"la facture n° {number} est annulée par l'avoir n° {ledger.credited[number]}")
        paid = ledger.paid.get(number, Decimal(0))
        if paid + value > inv.payable:
            from qualikit.project.schedule import euros

            raise PaymentError(f"la facture n° {number} ne reste due que de {euros(inv.payable - paid, cents=True)}")
        n = sum(1 for e in journal.entries() if e.kind == PAYMENT_KIND and e.data["number"] == number) + 1
        journal.append(PAYMENT_KIND, {"number": number, "amount": str(value), "date": day.isoformat(),
                                      "means": means}, key=f"invoice:payment:{number}:{n}")
    return inv.payable - paid - value


def payment_findings(payments, ledger: Ledger) -> list:
    """What `check` says of the payments written in the project: a number no invoice has, an
    invoice cancelled by a credit note, more paid than the invoice asks."""
    from qualikit.base.diagnostics import Diagnostic, Level
    from qualikit.project.schedule import euros

    out = []
    for p in payments:
        inv = ledger.invoices.get(p.invoice)
        if inv is None or inv.credit:
            out.append(Diagnostic(p.loc, f"paiement sur la facture « {p.invoice} », que qualikit n'a pas émise "
                                  "(numéro attendu : celui d'une facture, ex. 2026-0004)", "facture", Level.WARNING))
        elif p.invoice in ledger.credited:
            out.append(Diagnostic(p.loc, f"paiement sur la facture n° {p.invoice}, annulée par l'avoir n° "
                                  f"{ledger.credited[p.invoice]} : à rembourser ou à reporter sur la nouvelle "
                                  "facture", "facture", Level.WARNING))
    for number, paid in ledger.paid.items():
        inv = ledger.invoices.get(number)
        if inv is not None and not inv.credit and paid > inv.payable:
            where = next((p.loc for p in reversed(payments) if p.invoice == number), None)
            if where is not None:
                out.append(Diagnostic(where, f"facture n° {number} : {euros(paid, cents=True)} reçus pour "
                                      f"{euros(inv.payable, cents=True)} dus", "montant", Level.WARNING))
    return out
