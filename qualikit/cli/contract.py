from __future__ import annotations

from pathlib import Path

import typer

from qualikit.cli.common import ProjectOpt, TodayOpt, clock_from, console, err, load_or_exit


def contract(
    session: str = typer.Argument(..., metavar="SESSION", help="La session."),
    learner: str = typer.Argument(None, metavar="APPRENANT", help="Un seul apprenant (sinon : tous les inscrits)."),
    project: Path = ProjectOpt,
    dry_run: bool = typer.Option(False, "--dry-run", help="Montrer ce qui serait envoyé, sans rien envoyer."),
    outbox: bool = typer.Option(False, "--outbox", help="Écrire les e-mails dans outbox/ même si SMTP est configuré."),
    today: str = TodayOpt,
) -> None:
    from qualikit.cli.delivery_output import print_delivery, transport_for
    from qualikit.commands.contracts import ContractError, issue_contracts
    from qualikit.documents.email import TemplateProblem
    from qualikit.project.journal_check import open_journal

    clock = clock_from(today)
    p = load_or_exit(project).project
    transport = transport_for(p, project, outbox, clock)
    try:
        result = issue_contracts(p, project, open_journal(project, clock), transport, clock.now(), session, learner,
                                 dry_run=dry_run)
    except (ContractError, TemplateProblem) as exc:
        err.print(f"[red]Erreur :[/] {exc}")
        raise typer.Exit(1) from None
    finally:
        transport.close()
    for path in result.issued:
        console.print(f"[green]✓[/] {path}")
    if not print_delivery(result.delivery, transport, project):
        raise typer.Exit(1)


def programme(
    programme_id: str = typer.Argument(None, metavar="PROGRAMME",
                                       help="Un seul programme (sinon : tout le catalogue)."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.commands.contracts import ContractError, programme_sheets
    from qualikit.project.journal_check import open_journal

    clock = clock_from(today)
    p = load_or_exit(project).project
    try:
        written = programme_sheets(p, project, open_journal(project, clock), clock.today(), programme_id)
    except ContractError as exc:
        err.print(f"[red]Erreur :[/] {exc}")
        raise typer.Exit(1) from None
    for path in written:
        console.print(f"[green]✓[/] {path}")
    if not written:
        console.print("Fiches programmes à jour : rien de nouveau à écrire.")
