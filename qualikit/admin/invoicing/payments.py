"""Payments: recorded in the journal against an invoice; what is still due, and what is overdue.

An invoice cancelled by a credit note is owed no more; a payment is never deleted (a mistake is
corrected by recording a negative amount, which stays in the journal like everything else).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from qualikit.admin.invoicing.ledger import PAYMENT_KIND, Ledger, read_ledger
from qualikit.documents.invoice import Invoice

MEANS = ("virement", "chèque", "carte", "espèces", "prélèvement")


class PaymentError(ValueError):
    """A payment that cannot be recorded; French message."""


@dataclass(frozen=True)
class Outstanding:
    invoice: Invoice
    due: Decimal  # still to be paid
    overdue: bool  # its due date is past


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


def record_payment(journal, number: str, amount: str, day: date, means: str) -> Decimal:
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
        ledger = read_ledger(journal.entries())
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
