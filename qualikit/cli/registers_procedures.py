"""`qualikit procedure`: the versions of the written procedures (indicators 12, 26, 31, 32)."""

from __future__ import annotations

from pathlib import Path

import typer

from qualikit.cli.common import TodayOpt, clock_from, console, print_report
from qualikit.cli.register_common import ProjectOpt, _day, _parse, _reported

procedure_app = typer.Typer(
    help="Les procédures écrites, datées et versionnées (indicateurs Qualiopi 12, 26, 31 et 32)\u00a0: adopter "
         "une version, noter une relecture.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
NameArg = typer.Argument(..., metavar="PROCÉDURE", show_default=False,
                         help="abandons-relances, violences-harcelement-discriminations, "
                              "reclamations-difficultes-aleas, amelioration-continue ou accueil-handicap.")
DayOpt = typer.Option(None, "--date", show_default=False, help="Date (AAAA-MM-JJ)\u00a0; par défaut aujourd'hui.")


@procedure_app.command("adopt", help="Adopte une nouvelle version d'une procédure (la 1re, ou après un changement).")
def procedure_adopt(
    name: str = NameArg,
    changes: str = typer.Option(None, "--changements", "-c", show_default=False,
                                help="Ce qui change par rapport à la version précédente."),
    version: str = typer.Option(None, "--version", show_default=False,
                                help="Le numéro de version\u00a0; par défaut le suivant."),
    day: str = DayOpt,
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    _record(name, changes, version, day, project, today, reviewed_only=False)


@procedure_app.command("review", help="Note une relecture de la version en vigueur, sans changement.")
def procedure_review(name: str = NameArg, day: str = DayOpt, project: Path = ProjectOpt,
                     today: str = TodayOpt) -> None:
    _record(name, None, None, day, project, today, reviewed_only=True)


def _record(name: str, changes: str | None, version: str | None, day: str | None, project: Path, today: str,
            reviewed_only: bool) -> None:
    from qualikit.quality.registers import commands, procedures

    procedure = _parse(procedures.PROCEDURE, name, "PROCÉDURE")
    clock = clock_from(today)
    when = _day(day, "--date") or clock.today()
    with _reported():
        commands.require_project(project)
        entry = commands.version_procedure(project, clock, procedure=procedure, changes=changes, version=version,
                                           day=when, reviewed_only=reviewed_only, show=print_report)
    if reviewed_only:
        console.print(f"[green]✓[/] Relecture de «\u00a0{procedure}\u00a0» (version {entry.version}) notée le "
                      f"{when:%d/%m/%Y}.")
    else:
        console.print(f"[green]✓[/] «\u00a0{procedure}\u00a0», version {entry.version}, en vigueur depuis le "
                      f"{entry.adopted:%d/%m/%Y} ({entry.id}).")
