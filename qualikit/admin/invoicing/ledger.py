"""Invoice numbers and the ledger, read back from the journal.

One sequence per calendar year, invoices and credit notes together (« 2026-0001 », « 2026-0002 »…):
chronological, without gaps, never reused. A number is allocated under the journal lock and
journaled (with the whole invoice) BEFORE its PDF is written, so:

- two runs at once: the second waits for the lock, then sees the first's numbers;
- a crash after the allocation: the next run finds a number without its `invoice.issued` row
  and writes that same invoice under that same number; nothing is skipped or reused.

An issued invoice never changes: a correction is a credit note referring to it, then a new
invoice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from qualikit.documents.invoice import Invoice

NUMBER_KIND, ISSUED_KIND, PAYMENT_KIND = "invoice.number", "invoice.issued", "invoice.payment"
LEDGER_KINDS = (NUMBER_KIND, ISSUED_KIND, PAYMENT_KIND)


def number_key(number: str) -> str:
    return f"invoice:number:{number}"


@dataclass
class Ledger:
    invoices: dict[str, Invoice] = field(default_factory=dict)  # number → invoice, in allocation order
    issued: dict[str, dict] = field(default_factory=dict)  # number → data of its invoice.issued row
    credited: dict[str, str] = field(default_factory=dict)  # invoice number → credit note number
    paid: dict[str, Decimal] = field(default_factory=dict)  # invoice number → sum of payments recorded

    def live(self) -> dict[str, Invoice]:
        """key → the invoice standing for it (issued and not cancelled by a credit note)."""
        return {inv.key: inv for n, inv in self.invoices.items() if not inv.credit and n not in self.credited}

    def next_number(self, year: int) -> str:
        used = [int(n.split("-")[1]) for n in self.invoices if n.startswith(f"{year}-")]
        return f"{year}-{max(used, default=0) + 1:04d}"

    def last_date(self) -> date | None:
        return max((inv.issued_on for inv in self.invoices.values()), default=None)

    def pending(self) -> list[Invoice]:
        """Allocated but whose PDF was never recorded as written (a crash in between)."""
        return [inv for n, inv in self.invoices.items() if n not in self.issued]

    def of_year(self, year: int) -> list[Invoice]:
        return [inv for inv in self.invoices.values() if inv.issued_on.year == year]


def read_ledger(entries, payments=(), day: date | None = None) -> Ledger:
    """The invoices and credit notes from the journal; what was paid, from the journal (`qualikit
    payment`) and from the project's `payments` (paiements.yaml or its sheet) dated by `day`."""
    ledger = Ledger()
    for e in entries:
        if e.kind == NUMBER_KIND:
            inv = Invoice.from_json(e.data["invoice"])
            ledger.invoices[inv.number] = inv
            if inv.credit and inv.refers_to:
                ledger.credited[inv.refers_to[0]] = inv.number
        elif e.kind == ISSUED_KIND:
            ledger.issued[e.data["number"]] = e.data
        elif e.kind == PAYMENT_KIND:
            number = e.data["number"]
            ledger.paid[number] = ledger.paid.get(number, Decimal(0)) + Decimal(e.data["amount"])
    for p in payments:
        if day is None or p.on <= day:
            ledger.paid[p.invoice] = ledger.paid.get(p.invoice, Decimal(0)) + p.amount
    return ledger


def ledger_of(journal, day: date | None = None, payments=()) -> Ledger:
    """The ledger from the invoice rows alone, as known at the end of `day`: a daily run reads
    them without parsing the rest of a year's journal."""
    from qualikit.journey.asof import entries_as_of

    rows = [e for kind in LEDGER_KINDS for e in journal.entries_of(kind)]
    return read_ledger(entries_as_of(rows, day) if day is not None else rows, payments, day)
