from __future__ import annotations

from pathlib import Path

import typer

from qualikit.base.typography import plural
from qualikit.cli.common import ProjectOpt, TodayOpt, clock_from, console, load_or_exit, print_report

certification_app = typer.Typer(help="Formations certifiantes (RNCP, RS) : résultats des apprenants (indicateurs "
                                     "Qualiopi 3 et 16).", no_args_is_help=True, rich_markup_mode=None)


@certification_app.command("import", help="Importe les résultats transmis par le certificateur (CSV, TSV ou XLSX) : "
                                          "apprenant, session, résultat, blocs obtenus, date.")
def import_(
    file: Path = typer.Argument(..., metavar="FICHIER", help="Le fichier de résultats du certificateur."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.project.journal_check import open_journal
    from qualikit.quality.certification.results import parse_results, record

    clock = clock_from(today)
    loaded = load_or_exit(project)
    result = parse_results(file, loaded.project)
    print_report(result.report)
    if not result.ok:
        console.print(f"[red]Import refusé[/] : {file.name} n'a pas été importé (aucun résultat enregistré).")
        raise typer.Exit(1)
    written = record(open_journal(project, clock), result)
    skipped = len(result.results) - len(written)
    console.print(f"[green]✓ {plural(len(written), 'résultat importé', 'résultats importés')}[/] depuis {file.name}"
                  + (f", {skipped} déjà {'importés' if skipped > 1 else 'importé'}" if skipped else "") + ".")
