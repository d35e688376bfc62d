"""`qualikit report (signalements de violences sexistes et sexuelles)`."""

from __future__ import annotations

from pathlib import Path

import typer

from qualikit.cli.common import TodayOpt, clock_from, console, print_report
from qualikit.cli.register_common import (
    IdArg,
    ProjectOpt,
    _day,
    _parse,
    _reported,
    report_app,
)


@report_app.command("add", help="Enregistre un signalement (les faits sont demandés s'ils ne sont pas donnés).")
def report_add(
    facts: str = typer.Option(None, "--faits", show_default=False,
                              help="Les faits tels que rapportés\u00a0; demandés à l'écran s'ils manquent."),
    day: str = typer.Option(None, "--date", show_default=False, help="Date du signalement (AAAA-MM-JJ)\u00a0; "
                            "par défaut aujourd'hui."),
    channel: str = typer.Option(None, "--canal", "-c", show_default=False,
                                help="e-mail, téléphone, courrier, oral, formulaire ou autre."),
    people: str = typer.Option(None, "--personnes", show_default=False, help="Personnes concernées."),
    measures: list[str] = typer.Option([], "--mesure", show_default=False, help="Une mesure prise (répétable)."),
    orientation: list[str] = typer.Option([], "--orientation", show_default=False,
                                          help="Vers qui la personne a été orientée (répétable)\u00a0: Défenseur "
                                               "des droits, 3919, police, médecine du travail…"),
    status: str = typer.Option(None, "--statut", show_default=False, help="ouvert (par défaut), en cours ou clos."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.quality.registers import commands, reports
    from qualikit.quality.registers.model import ReportStatus

    channel_value = _parse(reports.CHANNEL, channel, "--canal") if channel else None
    status_value = _parse(reports.STATUS, status, "--statut") if status else ReportStatus.OUVERT
    clock = clock_from(today)
    report_day = _day(day, "--date") or clock.today()
    with _reported():
        commands.check_day(report_day, clock, "--date")
        commands.require_project(project)
        if facts is None:
            commands.checked(reports.load(project), print_report)  # before asking: facts typed in vain would be lost
            facts = typer.prompt("Faits tels que rapportés", prompt_suffix="\u00a0: ")
            if people is None:
                people = typer.prompt("Personnes concernées (facultatif)", default="", show_default=False,
                                      prompt_suffix="\u00a0: ")
        entry = commands.add_report(project, clock, day=report_day, facts=facts, channel=channel_value,
                                    people=people, measures=tuple(measures), orientation=tuple(orientation),
                                    status=status_value, show=print_report)
    console.print(f"[green]✓[/] Signalement {entry.id} enregistré dans {reports.FILENAME} (accès restreint). "
                  "Le journal ne garde que son numéro et sa date.")
    if not entry.orientation:
        console.print("  Orientations possibles\u00a0: 3919 (Violences Femmes Info), Défenseur des droits "
                      "(discriminations), police ou gendarmerie (17, ou 112 en cas de danger immédiat), médecine "
                      f"du travail. Notez-les avec «\u00a0qualikit report update {entry.id} --orientation …\u00a0».")


@report_app.command("update", help="Ajoute des mesures ou des orientations à un signalement, change son statut.")
def report_update(
    entry_id: str = IdArg,
    measures: list[str] = typer.Option([], "--mesure", show_default=False, help="Une mesure prise (répétable)."),
    orientation: list[str] = typer.Option([], "--orientation", show_default=False,
                                          help="Vers qui la personne a été orientée (répétable)."),
    status: str = typer.Option(None, "--statut", show_default=False, help="ouvert, en cours ou clos."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.quality.registers import commands, reports
    from qualikit.quality.registers.rows import plural

    status_value = _parse(reports.STATUS, status, "--statut") if status else None
    clock = clock_from(today)
    with _reported():
        commands.require_project(project)
        entry = commands.update_report(project, clock, entry_id, measures=tuple(measures),
                                       orientation=tuple(orientation), status=status_value, show=print_report)
    console.print(f"[green]✓[/] Signalement {entry.id} mis à jour\u00a0: {plural(len(entry.measures), 'mesure')}, "
                  f"statut {entry.status.value}.")


@report_app.command("list", help="Liste les signalements\u00a0: numéro, date, statut et nombre de mesures seulement.")
def report_list(project: Path = ProjectOpt) -> None:
    from rich.table import Table

    from qualikit.quality.registers import commands, reports
    from qualikit.quality.registers.rows import date_text, plural

    with _reported():
        commands.require_project(project)
        doc = commands.checked(reports.load(project), print_report)
    rows = reports.listing(doc.register)
    if not rows:
        console.print("Aucun signalement enregistré.")
        return
    table = Table(title="Signalements (accès restreint\u00a0; faits et personnes dans le registre seulement)",
                  title_justify="left")
    for col in ("N°", "Date", "Statut", "Mesures"):
        table.add_column(col, no_wrap=True, justify="right" if col == "Mesures" else "left")
    for row in rows:
        table.add_row(row.id, date_text(row.date), row.status.value, str(row.measures))
    console.print(table)
    counts = reports.summary(doc.register)["by_status"]
    console.print(plural(len(rows), "signalement") + " (" +
                  ", ".join(f"{n} {status}" for status, n in counts.items() if n) + ")")
