"""`qualikit competence`: the trainers' competencies and their own trainings (indicators 21, 22)."""

from __future__ import annotations

from pathlib import Path

import typer

from qualikit.cli.common import TodayOpt, clock_from, console, print_report
from qualikit.cli.register_common import ProjectOpt, _day, _escape, _parse, _reported, _required

competence_app = typer.Typer(
    help="Compétences des intervenants (indicateur Qualiopi 21) et leur développement (22)\u00a0: diplômes, "
         "certifications, expérience, formations suivies, avec la pièce qui le prouve.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@competence_app.command("add", help="Ajoute un diplôme, une certification, une expérience ou une formation suivie.")
def competence_add(
    trainer: str = typer.Option(None, "--formateur", show_default=False,
                                help="L'identifiant du formateur (organisation.yaml)."),
    kind: str = typer.Option(None, "--type", "-t", show_default=False,
                             help="diplôme, certification, expérience ou formation (suivie)."),
    title: str = typer.Option(None, "--intitule", "-i", show_default=False,
                              help="Le diplôme, l'expérience ou la formation suivie."),
    day: str = typer.Option(None, "--date", show_default=False,
                            help="Obtention, ou fin de l'expérience ou de la formation (AAAA-MM-JJ)."),
    provider: str = typer.Option(None, "--organisme", show_default=False, help="Qui l'a délivré."),
    hours: str = typer.Option(None, "--heures", show_default=False, help="Durée d'une formation, en heures."),
    file: str = typer.Option(None, "--fichier", "-f", show_default=False,
                             help="La pièce (diplôme, CV, attestation), dans le dossier du projet."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.quality.registers import commands, competences
    from qualikit.quality.registers.store import COUNT

    trainer = _required(trainer, "--formateur", "--formateur claire-clement")
    kind_value = _parse(competences.KIND, _required(kind, "--type", "--type diplôme"), "--type")
    title = _required(title, "--intitule", "--intitule \"Master ingénierie de la formation\"")
    when = _day(_required(day, "--date", "--date 2019-06-30"), "--date")
    length = _parse(COUNT, hours, "--heures") if hours else None
    clock = clock_from(today)
    with _reported():
        commands.require_project(project)
        entry = commands.add_competence(project, clock, trainer=trainer, kind=kind_value, title=title, day=when,
                                        provider=provider, hours=length, file=file, show=print_report)
    indicator = 22 if entry.kind in competences.OWN_TRAINING else 21
    console.print(f"[green]✓[/] {entry.id} enregistré ({entry.kind.value}, indicateur {indicator})\u00a0: "
                  f"{_escape(entry.title)}")
    if not entry.file:
        console.print("  Joignez la pièce qui le prouve (--fichier)\u00a0: l'auditeur la demandera.")
