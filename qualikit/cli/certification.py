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


@certification_app.command("cpf", help="Ce qu'il faut déclarer sur l'espace professionnel Mon Compte Formation, "
                                       "par apprenant financé par le CPF : entrée, sortie, heures suivies, "
                                       "achèvement.")
def cpf(project: Path = ProjectOpt, today: str = TodayOpt) -> None:
    from rich.table import Table

    from qualikit.base.frdates import hours
    from qualikit.journey import as_of
    from qualikit.project.journal_check import open_journal
    from qualikit.quality.certification.cpf import cpf_lines

    clock = clock_from(today)
    p = load_or_exit(project).project
    lines = cpf_lines(as_of(p, open_journal(project, clock).entries(), clock.today()))
    if not lines:
        console.print("Aucun apprenant financé par le CPF.")
        return
    table = Table(title=f"Mon Compte Formation : déclarations au {clock.today():%d/%m/%Y}")
    for col in ("Apprenant", "Session", "Entrée", "Sortie", "Heures suivies", "Assiduité", "Statut", "Certification"):
        table.add_column(col)
    for x in lines:
        table.add_row(x.learner, x.session_id, f"{x.entry:%d/%m/%Y}" if x.entry else "—",
                      f"{x.exit:%d/%m/%Y}" if x.exit else "—", f"{hours(x.done)} sur {hours(x.planned)}",
                      f"{x.attendance}\u00a0%" if x.attendance is not None else "—", x.status, x.exam or "—")
    console.print(table)
