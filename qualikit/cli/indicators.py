from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from qualikit.cli.common import ProjectOpt, TodayOpt, clock_from, console, err, load_or_exit


def command(
    project: Path = ProjectOpt,
    start: str = typer.Option(None, "--du", help="Début de la période (AAAA-MM-JJ)."),
    end: str = typer.Option(None, "--au", help="Fin de la période (AAAA-MM-JJ) ; par défaut aujourd'hui."),
    today: str = TodayOpt,
) -> None:
    from qualikit.base.files import write_atomic
    from qualikit.documents.indicators_page import render_html, render_pdf
    from qualikit.project.journal_check import open_journal
    from qualikit.quality.figures import compute

    clock = clock_from(today)
    try:
        first = date.fromisoformat(start) if start else None
        last = date.fromisoformat(end) if end else clock.today()
    except ValueError:
        err.print("[red]Erreur :[/] --du et --au attendent des dates AAAA-MM-JJ.")
        raise typer.Exit(2) from None
    p = load_or_exit(project).project
    k = compute(p, open_journal(project, clock).entries(), start=first, end=last, today=clock.today())
    folder = project / "sortie" / "indicateurs"
    html, pdf = folder / "indicateurs.html", folder / "indicateurs.pdf"
    write_atomic(html, render_html(p.organisation, k, clock.today()).encode("utf-8"))
    write_atomic(pdf, render_pdf(p.organisation, k, clock.today(), project))
    console.print(f"[green]✓ Indicateurs publiables[/] : {html} et {pdf}")
