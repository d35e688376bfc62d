"""Issuing: compare what is payable (plan) with what was invoiced (ledger), number, write.

For each key of the plan without a standing invoice: a new invoice. For each standing invoice
whose key left the plan or whose total changed (a drop-out recorded after the invoice, a price
corrected): a credit note cancelling it, then, if still payable, a new invoice. Each document is
written as `facture-<numéro>.pdf` / `avoir-<numéro>.pdf` (Factur-X) with its XML beside it.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from qualikit.admin.invoicing.ledger import ISSUED_KIND, NUMBER_KIND, Ledger, number_key, read_ledger
from qualikit.admin.invoicing.plan import Item, due_date, plan_invoices, seller_party
from qualikit.base.files import write_atomic
from qualikit.documents.invoice import CREDIT_NOTE, INVOICE, Invoice
from qualikit.project import vat
from qualikit.project.model import Project

FOLDER = Path("sortie") / "factures"
PAUSE_ENV = "QUALIKIT_TEST_PAUSE_AFTER_NUMBER"  # tests: seconds to wait between numbering and writing


class InvoiceError(Exception):
    """The invoices cannot be issued as asked; French message."""


@dataclass
class InvoiceRun:
    written: list[str] = field(default_factory=list)  # project-relative paths
    invoices: list[Invoice] = field(default_factory=list)  # allocated in this run (or recovered)
    problems: list[str] = field(default_factory=list)
    ledger: Ledger | None = None


def issue_invoices(project: Project, root: Path, journal, today: date, *, dry_run: bool = False,
                   workers: int | None = None) -> InvoiceRun:
    """Numbers are journaled here, one after the other, before any PDF is rendered: the PDFs are then
    rendered on every core (`workers`: None = one per core, none for a small batch) and written and
    journaled here in the numbers' order. A crash in between leaves numbered invoices that the next
    run writes (`ledger.pending`): the numbering stays gapless."""
    from qualikit.journey import as_of

    run = InvoiceRun()
    with journal.locked():
        entries = journal.entries()
        ledger = read_ledger(entries, project.payments, today)
        run.ledger = ledger
        if not dry_run:
            pending = list(ledger.pending())  # a crash between numbering and writing: finish the job
            run.written += _write_all(project, root, journal, ledger, pending, workers)
            run.invoices += pending
        last = ledger.last_date()
        plan = plan_invoices(project, as_of(project, entries, today), today)
        run.problems = plan.problems
        wanted = {item.key: item for item in plan.items}
        live = ledger.live()
        todo: list[tuple[str, Item | Invoice]] = []
        for key, inv in live.items():
            item = wanted.get(key)
            if item is None or item.total != inv.total or item.buyer != inv.buyer:
                todo.append((CREDIT_NOTE, inv))
        for key, item in wanted.items():
            standing = live.get(key)
            if standing is None or (standing.total != item.total or standing.buyer != item.buyer):
                if item.total > 0:
                    todo.append((INVOICE, item))
        if todo and last is not None and today < last:
            raise InvoiceError(f"une facture est déjà datée du {last:%d/%m/%Y} : la numérotation doit rester "
                               f"chronologique, aucune facture ne peut être datée du {today:%d/%m/%Y}")
        mention, rate = vat.mention(project.organisation), vat.rate(project.organisation)
        seller = seller_party(project)
        numbered: list[Invoice] = []
        for kind, what in todo:
            number = ledger.next_number(today.year)
            if kind == CREDIT_NOTE:
                inv = Invoice(number, CREDIT_NOTE, what.key, today, today, what.seller, what.buyer, what.lines,
                              what.vat_mention, what.professional, what.payer_kind,
                              (f"Annulation de la facture n° {what.number}", *what.notes),
                              (what.number, what.issued_on.isoformat()), what.session, what.vat_rate,
                              what.payer)
            else:
                inv = Invoice(number, INVOICE, what.key, today, due_date(today, what.payment_days), seller,
                              what.buyer, what.lines, mention, what.professional, what.payer_kind, what.notes,
                              None, what.session, rate, what.payer)
            run.invoices.append(inv)
            if dry_run:
                ledger.invoices[number] = inv
                continue
            journal.append(NUMBER_KIND, {"number": number, "invoice": inv.to_json()}, key=number_key(number))
            ledger.invoices[number] = inv
            if inv.credit:
                ledger.credited[inv.refers_to[0]] = number
            numbered.append(inv)
        if numbered and os.environ.get(PAUSE_ENV):
            time.sleep(float(os.environ[PAUSE_ENV]))
        run.written += _write_all(project, root, journal, ledger, numbered, workers)
    return run


def render_pdf(project: Project, root: Path, inv: Invoice, now, code: str) -> tuple[bytes, bytes]:
    """(the Factur-X PDF, its CII XML): always from the journaled record, never from the project."""
    from qualikit.documents.facturx import cii_xml, embed
    from qualikit.documents.invoice import render_invoice
    from qualikit.documents.pdf_common import issued

    xml = cii_xml(inv)
    pdf = issued(render_invoice(inv, project.organisation, root), now, code)
    return embed(pdf, xml, f"{'Avoir' if inv.credit else 'Facture'} {inv.number}", now, code), xml


def invoice_pdf(project: Project, root: Path, ledger: Ledger, inv: Invoice, now) -> bytes:
    """The PDF of an issued invoice, to attach to a reminder: its file, or rebuilt if it was removed."""
    issued_row = ledger.issued.get(inv.number) or {}
    path = root / issued_row.get("file", (FOLDER / inv.file_name).as_posix())
    if path.is_file():
        return path.read_bytes()
    from qualikit.base.tokens import project_secret
    from qualikit.documents.signing import verification_code

    code = issued_row.get("code") or verification_code(project_secret(root), number_key(inv.number))
    return render_pdf(project, root, inv, now, code)[0]


def _render(context: tuple[Project, Path, datetime], item: tuple[Invoice, str]) -> tuple[bytes, bytes]:
    """In a worker process (or here, for a small batch): one numbered invoice's PDF and XML."""
    project, root, now = context
    inv, code = item
    return render_pdf(project, root, inv, now, code)


def _write_all(project: Project, root: Path, journal, ledger: Ledger, invoices: list[Invoice],
               workers: int | None) -> list[str]:
    """Render the numbered invoices on every core; write and journal each one here, in order."""
    if not invoices:
        return []
    from qualikit.base.batch import ordered
    from qualikit.base.tokens import project_secret
    from qualikit.documents.signing import verification_code

    secret = project_secret(root)
    items = [(inv, verification_code(secret, number_key(inv.number))) for inv in invoices]
    rendered = ordered(_render, (project, root, journal.now()), items, workers=workers)
    return [_write(root, journal, ledger, inv, code, pdf, xml)
            for (inv, code), (pdf, xml) in zip(items, rendered, strict=True)]


def _write(root: Path, journal, ledger: Ledger, inv: Invoice, code: str, pdf: bytes, xml: bytes) -> str:
    folder = root / FOLDER
    path = folder / inv.file_name
    write_atomic(path.with_suffix(".xml"), xml)
    write_atomic(path, pdf)
    rel = path.relative_to(root).as_posix()
    data = {"number": inv.number, "file": rel, "xml": path.with_suffix(".xml").relative_to(root).as_posix(),
            "sha256": hashlib.sha256(pdf).hexdigest(), "code": code, "total": str(inv.total), "kind": inv.kind}
    journal.append(ISSUED_KIND, data, key=f"invoice:issued:{inv.number}")
    ledger.issued[inv.number] = data
    return rel
