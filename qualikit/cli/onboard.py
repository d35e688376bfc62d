from __future__ import annotations

from pathlib import Path

import typer

from qualikit.base.typography import plural
from qualikit.cli.common import ProjectOpt, TodayOpt, clock_from, console, err, load_or_exit


def command(
    session: str = typer.Argument(None, metavar="SESSION",
                                  help="Une session précise ; sinon toutes celles qui commencent "
                                       "dans le délai de convocation (7 jours par défaut)."),
    project: Path = ProjectOpt,
    dry_run: bool = typer.Option(False, "--dry-run", help="Montrer ce qui serait envoyé, à qui, sans rien envoyer."),
    force: list[str] = typer.Option([], "--force", help="Renvoyer la convocation de cet apprenant (identifiant)."),
    outbox: bool = typer.Option(False, "--outbox", help="Écrire les e-mails dans outbox/ même si SMTP est configuré."),
    today: str = TodayOpt,
) -> None:
    from rich.progress import Progress

    from qualikit.cli.delivery_output import print_delivery, transport_for
    from qualikit.commands.onboard import OnboardError, onboard
    from qualikit.documents.email import TemplateProblem
    from qualikit.project.journal_check import open_journal

    clock = clock_from(today)
    loaded = load_or_exit(project)
    journal = open_journal(project, clock)
    transport = transport_for(loaded.project, project, outbox, clock)
    try:
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("Convocations", total=None)
            result = onboard(loaded.project, project, journal, transport, clock.now(), session_id=session,
                             force=set(force), dry_run=dry_run,
                             progress=lambda n, total: bar.update(task, completed=n, total=total))
    except (OnboardError, TemplateProblem) as exc:
        err.print(f"[red]Erreur :[/] {exc}")
        raise typer.Exit(1) from None
    finally:
        transport.close()
    if not result.sessions:
        console.print("Aucune session ne commence dans le délai de convocation : rien à envoyer.")
        return
    for r in result.sessions:
        prepared = plural(len(r.issued), "convocation préparée", "convocations préparées")
        console.print(f"[bold]{r.session.id}[/] — {prepared}"
                      + (f", émargement : {r.sheet}" if r.sheet else "")
                      + (f" ; non convoqués : {', '.join(r.waiting)}" if r.waiting else ""))
    if not print_delivery(result.delivery, transport, project):
        raise typer.Exit(1)
