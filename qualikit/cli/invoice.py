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
        console.print(f"[green]✓[/] {what} n° {inv.number} — {escape(inv.buyer.name)} — {euros(inv.total, cents=True)}")
    for path in run.written:
        console.print(f"  [dim]{escape(path)}[/]")
    if not run.invoices:
        console.print("Rien de nouveau à facturer.")
    for problem in run.problems:
        console.print(f"[yellow]•[/] {escape(problem)}")
