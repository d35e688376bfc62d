from __future__ import annotations

from pathlib import Path

import typer

from qualikit.cli.common import (
    ProjectOpt,
    TodayOpt,
    clock_from,
    console,
    err,
    load_or_exit,
    os_reason,
    period_or_exit,
)


def command(
    project: Path = ProjectOpt,
    start: str = typer.Option(None, "--du", help="Début de la période (AAAA-MM-JJ) : sessions terminées depuis."),
    end: str = typer.Option(None, "--au", help="Fin de la période (AAAA-MM-JJ)."),
    session: str = typer.Option(None, "--session", help="Une seule session."),
    programme: str = typer.Option(None, "--programme", help="Un seul programme."),
    xlsx: Path = typer.Option(None, "--xlsx", help="Écrire aussi un classeur (figures, méthodes, graphiques)."),
    today: str = TodayOpt,
) -> None:
    from rich.table import Table

    from qualikit.journey import as_of
    from qualikit.project.journal_check import open_journal
    from qualikit.quality.figures import compute, select

    first, last = period_or_exit(start, end)
    clock = clock_from(today)
    p = load_or_exit(project).project
    entries = open_journal(project, clock).entries()
    journey = as_of(p, entries, clock.today())
    k = compute(p, entries, start=first, end=last, session_id=session, programme_id=programme, root=project,
                journey=journey)
    table = Table(title=f"Indicateurs — {k.scope}, période {k.period}", title_justify="left")
    for col in ("Indicateur", "Valeur", "Méthode de calcul"):
        table.add_column(col)
    for f in k.figures:
        table.add_row(f.label, f.text(), f.method)
    console.print(table)
    if k.dropout_causes:
        console.print("Causes d'abandon : " + " ; ".join(f"{c} ({n})" for c, n in k.dropout_causes.most_common()))
    console.print("Un taux calculé sur moins de 5 personnes est donné en nombres, pas en pourcentage.")
    if xlsx is not None:
        from qualikit.quality.workbook import write_kpi_workbook

        # the same sessions as the headline figures, each counted alone
        chosen = sorted(select(journey, first, last, session, programme), key=lambda sj: sj.session.end)
        per_session = [(sj.id, sj.session.end, compute(p, entries, session_id=sj.id, journey=journey))
                       for sj in chosen]
        try:
            write_kpi_workbook(xlsx, k, per_session)
        except OSError as exc:
            err.print(f"[red]Erreur :[/] écriture de {xlsx} impossible ({os_reason(exc)}).")
            raise typer.Exit(1) from None
        console.print(f"[green]✓ Classeur écrit[/] : {xlsx}")
