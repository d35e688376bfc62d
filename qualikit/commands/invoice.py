"""`qualikit invoice`: the invoices and credit notes due on a day, numbered and written (Factur-X).

The job itself is the billing stage's (`admin/invoicing`); this opens the journal and prints nothing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from qualikit.admin.invoicing.issue import InvoiceError, InvoiceRun, issue_invoices
from qualikit.project.model import Project

__all__ = ["InvoiceError", "InvoiceRun", "run_invoices"]


def run_invoices(project: Project, root: Path, journal, today: date, *, dry_run: bool = False,
                 workers: int | None = None) -> InvoiceRun:
    return issue_invoices(project, root, journal, today, dry_run=dry_run, workers=workers)
