from __future__ import annotations

from pathlib import Path

import typer

from qualikit.cli.common import ProjectOpt, TodayOpt, clock_from, console, err, load_or_exit


def command(
    session: str = typer.Argument(..., metavar="SESSION", help="La session à clôturer."),
    project: Path = ProjectOpt,
    force: bool = typer.Option(False, "--force", help="Clôturer malgré ce qui manque (appel, résultats) : "
                               "les documents portent ce qui est connu, les manques sont journalisés."),
    reissue: list[str] = typer.Option([], "--redelivrer", help="Redélivrer et renvoyer les documents de cet "
                                                               "apprenant (identifiant)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Montrer ce qui serait fait, sans rien écrire ni envoyer."),
    outbox: bool = typer.Option(False, "--outbox", help="Écrire les e-mails dans outbox/ même si SMTP est configuré."),
    today: str = TodayOpt,
) -> None:
    from rich.table import Table

    from qualikit.base.frdates import hours
    from qualikit.cli.delivery_output import print_delivery, transport_for
    from qualikit.commands.close import CloseError, close_session
    from qualikit.documents.email import TemplateProblem
    from qualikit.project.journal_check import open_journal

    clock = clock_from(today)
    loaded = load_or_exit(project)
    transport = transport_for(loaded.project, project, outbox, clock)
    try:
        result = close_session(loaded.project, project, open_journal(project, clock), transport, clock.now(),
                               session, force=force, reissue=set(reissue), dry_run=dry_run)
    except (CloseError, TemplateProblem) as exc:
        err.print(f"[red]Erreur :[/] {exc}")
        raise typer.Exit(1) from None
    finally:
        transport.close()
    if result.delivery is None:
        console.print(f"[red]Clôture refusée[/] pour {session} : il manque")
        for line in result.gaps.lines():
            console.print(f"  • {line}")
        console.print("Complétez le projet puis relancez, ou utilisez --force pour clôturer avec ce qui est connu.")
        raise typer.Exit(1)
    table = Table(title=f"Clôture de {session}", title_justify="left")
    for col in ("Apprenant", "Heures suivies", "Documents délivrés maintenant"):
        table.add_column(col)
    for o in result.outcomes:
        who = o.learner.full_name + (" (abandon)" if o.dropped_out else "")
        table.add_row(who, f"{hours(o.attended.done)} / {hours(o.attended.planned)}",
                      str(len(o.documents)) if o.documents else (f"rien : {o.skipped}" if o.skipped else "—"))
    console.print(table)
    if result.gaps:
        console.print("[yellow]Clôturée malgré :[/] " + " ; ".join(result.gaps.lines()))
    if result.delay_hours is not None:
        console.print(f"Délai de remise des documents : {hours(result.delay_hours)} après la fin de la session.")
    if not print_delivery(result.delivery, transport, project):
        raise typer.Exit(1)
