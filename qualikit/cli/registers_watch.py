"""`qualikit veille`: the watch register (indicators 23, 24, 25)."""

from __future__ import annotations

from pathlib import Path

import typer

from qualikit.cli.common import TodayOpt, clock_from, console, print_report
from qualikit.cli.register_common import ProjectOpt, _day, _escape, _parse, _reported, _required

watch_app = typer.Typer(
    help="Registre de veille (indicateurs Qualiopi 23, 24 et 25)\u00a0: légale, métiers, pédagogique et "
         "technologique — la source, ce qui change, ce que vous en avez fait.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@watch_app.command("add", help="Ajoute une information de veille.")
def watch_add(
    kind: str = typer.Option(None, "--type", "-t", show_default=False,
                             help="légale (23), métiers (24) ou pédagogique (25)."),
    source: str = typer.Option(None, "--source", "-s", show_default=False,
                               help="Où vous l'avez lu ou entendu (Légifrance, Centre Inffo, un salon…)."),
    finding: str = typer.Option(None, "--constat", "-c", show_default=False, help="Ce qui change, en une phrase."),
    action: str = typer.Option(None, "--action", "-a", show_default=False,
                               help="Ce que vous avez changé en conséquence."),
    file: str = typer.Option(None, "--fichier", "-f", show_default=False,
                             help="Une copie de la source, dans le dossier du projet."),
    day: str = typer.Option(None, "--date", show_default=False,
                            help="Date (AAAA-MM-JJ)\u00a0; par défaut aujourd'hui."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.quality.registers import commands, watch

    kind_value = _parse(watch.KIND, _required(kind, "--type", "--type légale"), "--type")
    source = _required(source, "--source", "--source \"Centre Inffo\"")
    finding = _required(finding, "--constat", "--constat \"Nouveau modèle de certificat de réalisation\"")
    clock = clock_from(today)
    when = _day(day, "--date") or clock.today()
    with _reported():
        commands.require_project(project)
        entry = commands.add_watch(project, clock, day=when, kind=kind_value, source=source, finding=finding,
                                   action=action, file=file, show=print_report)
    console.print(f"[green]✓[/] Veille {entry.id} enregistrée ({entry.kind.value}, indicateur "
                  f"{watch.INDICATORS[entry.kind]})\u00a0: {_escape(entry.finding)}")
    if not entry.action:
        console.print("  Notez ce que vous en faites\u00a0: c'est ce que l'auditeur regarde (champ "
                      f"«\u00a0action\u00a0» de {watch.FILENAME}).")
