"""`qualikit handicap`: the disability network register (indicator 26)."""

from __future__ import annotations

from pathlib import Path

import typer

from qualikit.cli.common import TodayOpt, clock_from, console, print_report
from qualikit.cli.register_common import ProjectOpt, _day, _escape, _parse, _reported, _required

network_app = typer.Typer(
    help="Réseau handicap (indicateur Qualiopi 26)\u00a0: contacts, réunions, formation du référent, orientations "
         "et ressources mobilisées avec l'Agefiph, Cap emploi, la MDPH, Ressource Handicap Formation…",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@network_app.command("add", help="Ajoute une action avec un partenaire du réseau handicap.")
def network_add(
    partner: str = typer.Option(None, "--partenaire", show_default=False,
                                help="Agefiph, Cap emploi, MDPH, Ressource Handicap Formation…"),
    kind: str = typer.Option(None, "--type", "-t", show_default=False,
                             help="contact, réunion, formation (du référent), orientation ou ressource (mobilisée)."),
    report: str = typer.Option(None, "--compte-rendu", "-c", show_default=False,
                               help="Ce qui a été fait ou appris, en une phrase (jamais le nom ni le handicap d'un "
                                    "apprenant)."),
    file: str = typer.Option(None, "--fichier", "-f", show_default=False,
                             help="Compte rendu, invitation ou attestation, dans le dossier du projet."),
    day: str = typer.Option(None, "--date", show_default=False,
                            help="Date (AAAA-MM-JJ)\u00a0; par défaut aujourd'hui."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.quality.registers import commands, network

    partner = _required(partner, "--partenaire", "--partenaire \"Cap emploi Rhône\"")
    kind_value = _parse(network.KIND, _required(kind, "--type", "--type réunion"), "--type")
    report = _required(report, "--compte-rendu", "--compte-rendu \"Présentation de l'offre d'appui aux OF\"")
    clock = clock_from(today)
    when = _day(day, "--date") or clock.today()
    with _reported():
        commands.require_project(project)
        commands.check_day(when, clock, "--date")
        entry = commands.add_network(project, clock, day=when, partner=partner, kind=kind_value, report=report,
                                     file=file, show=print_report)
    console.print(f"[green]✓[/] {entry.id} enregistré ({entry.kind.value}, {_escape(entry.partner)}, indicateur 26)"
                  f"\u00a0: {_escape(entry.report)}")
