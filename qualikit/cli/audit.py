from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from qualikit.base.typography import plural
from qualikit.cli.common import ProjectOpt, TodayOpt, clock_from, console, err, load_or_exit


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        err.print(f"[red]Erreur :[/] {option} « {text} » n'est pas une date (attendu : AAAA-MM-JJ).")
        raise typer.Exit(2) from None


def command(
    start: str = typer.Option(None, "--from", "--du", help="Début de la période (AAAA-MM-JJ) ; par défaut 12 mois "
                              "avant la fin."),
    end: str = typer.Option(None, "--to", "--au", help="Fin de la période (AAAA-MM-JJ) ; par défaut la date d'audit."),
    audit_date: str = typer.Option(None, "--audit-date", "--date-audit", help="Date de l'audit (AAAA-MM-JJ) : choisit "
                                   "le référentiel ; le dossier montre ce qui était connu à la fin de ce jour (ou "
                                   "d'aujourd'hui s'il est à venir). Par défaut date_audit des paramètres, sinon "
                                   "aujourd'hui."),
    make_zip: bool = typer.Option(False, "--zip", help="Écrire aussi audit/<période>.zip."),
    audit_kind: str = typer.Option(None, "--type-audit", help="initial, surveillance ou renouvellement ; par "
                                   "défaut initial pour un nouvel entrant (nouvel_entrant des paramètres), sinon "
                                   "surveillance."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from rich.markup import escape
    from rich.table import Table

    from qualikit.audit.pack import PackError, build_pack
    from qualikit.project.journal_check import open_journal

    first, last, audit = _day(start, "--from"), _day(end, "--to"), _day(audit_date, "--audit-date")
    clock = clock_from(today)
    p = load_or_exit(project).project
    try:
        pack = build_pack(p, project, open_journal(project, clock).entries(), today=clock.today(), audit_date=audit,
                          start=first, end=last, make_zip=make_zip, audit_kind=audit_kind)
    except PackError as exc:
        err.print(f"[red]Erreur :[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    console.print(f"Référentiel : [bold]{escape(pack.grid.name)}[/] ({escape(pack.grid.period)}) — audit du "
                  f"{pack.audit_date:%d/%m/%Y} ({escape(pack.audit_kind)}), période {pack.period.text}")
    table = Table(title="État de préparation (manques « majeur seul » en tête)", title_justify="left")
    for col in ("N°", "Indicateur", "Pondération", "Statut", "À faire"):
        table.add_column(col)
    colours = {"prouvé": "green", "partiel": "yellow", "manquant": "red", "à fournir par vous": "red"}
    for r in pack.readiness():
        status = r.status + (" (surveillance)" if r.deferred else "")
        colour = colours.get(r.status, "white") if r.gap else "green" if r.status == "prouvé" else "white"
        table.add_row(str(r.number), escape(r.indicator.title), "majeur seul" if r.major_only else "gradué",
                      f"[{colour}]{escape(status)}[/]", escape(r.todo[0]) if r.todo and r.gap else "")
    console.print(table)
    counts = pack.counts()
    gaps = sum(1 for r in pack.applicable() if r.gap)
    console.print(f"{plural(counts['prouvé'], 'prouvé')}, {plural(counts['partiel'], 'partiel')}, "
                  f"{plural(counts['manquant'], 'manquant')}, {counts['à fournir par vous']} à fournir par vous ; "
                  f"{plural(gaps, 'manque à traiter', 'manques à traiter')}.")
    console.print(f"[green]✓ Dossier de preuves[/] : {pack.folder / 'index.html'}")
    if pack.zip_path is not None:
        console.print(f"[green]✓ Archive[/] : {pack.zip_path}")
