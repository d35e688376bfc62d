"""`qualikit invoice`: invoices and credit notes (Factur-X), numbered without gaps."""

from __future__ import annotations

from pathlib import Path

import typer

from qualikit.cli.common import ProjectOpt, TodayOpt, clock_from, console, err, load_or_exit


def invoice(
    project: Path = ProjectOpt,
    dry_run: bool = typer.Option(False, "--dry-run", help="Montrer ce qui serait facturé, sans rien numéroter."),
    today: str = TodayOpt,
) -> None:
    from rich.markup import escape

    from qualikit.commands.invoice import InvoiceError, run_invoices
    from qualikit.project.journal_check import open_journal
    from qualikit.project.schedule import euros

    clock = clock_from(today)
    p = load_or_exit(project).project
    try:
        run = run_invoices(p, project, open_journal(project, clock), clock.today(), dry_run=dry_run)
    except InvoiceError as exc:
        err.print(f"[red]Erreur :[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    for inv in run.invoices:
        what = "Avoir" if inv.credit else "Facture"
        amount = euros(inv.payable, cents=True)
        console.print(f"[green]✓[/] {what} n° {inv.number} — {escape(inv.buyer.name)} — {amount}")
    for path in run.written:
        console.print(f"  [dim]{escape(path)}[/]")
    if not run.invoices:
        console.print("Rien de nouveau à facturer.")
    for problem in run.problems:
        console.print(f"[yellow]•[/] {escape(problem)}")
    from qualikit.admin.invoicing.payments import outstanding

    due = outstanding(run.ledger, clock.today()) if run.ledger else []
    if due and not dry_run:
        console.print(f"\nÀ encaisser : {euros(sum((o.due for o in due), start=0), cents=True)}")
        for o in due:
            late = "[red]en retard[/]" if o.overdue else "à échoir"
            console.print(f"  {o.invoice.number} — {escape(o.invoice.buyer.name)} — {euros(o.due, cents=True)}, "
                          f"échéance {o.invoice.due_on:%d/%m/%Y} ({late})")


def payment(
    number: str = typer.Argument(..., metavar="NUMÉRO", help="Le numéro de la facture (2026-0001)."),
    amount: str = typer.Argument(..., metavar="MONTANT", help="Le montant reçu, en euros (345,50)."),
    means: str = typer.Option("virement", "--moyen", help="virement, chèque, carte, espèces ou prélèvement."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from rich.markup import escape

    from qualikit.admin.invoicing.payments import PaymentError, record_payment
    from qualikit.project.journal_check import open_journal
    from qualikit.project.schedule import euros

    clock = clock_from(today)
    p = load_or_exit(project).project
    try:
        left = record_payment(open_journal(project, clock), number, amount, clock.today(), means, p.payments)
    except PaymentError as exc:
        err.print(f"[red]Erreur :[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    console.print(f"[green]✓[/] Paiement enregistré sur la facture n° {escape(number)}"
                  + (f" ; reste dû : {euros(left, cents=True)}" if left else " : facture soldée"))
