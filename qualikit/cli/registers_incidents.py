"""`qualikit incident (réclamations, difficultés, aléas — indicateur 31)`."""

from __future__ import annotations

from pathlib import Path

import typer

from qualikit.cli.common import TodayOpt, clock_from, console, print_report
from qualikit.cli.register_common import (
    IdArg,
    ProjectOpt,
    WhenOpt,
    _escape,
    _moment,
    _parse,
    _project_arg,
    _reported,
    _required,
    incident_app,
)


@incident_app.command("add", help="Enregistre une réclamation, une difficulté ou un aléa.")
def incident_add(
    kind: str = typer.Option(None, "--type", "-t", show_default=False,
                             help="réclamation (écrite, par une partie prenante), difficulté ou aléa."),
    who: str = typer.Option(None, "--de", show_default=False,
                            help="De qui\u00a0: identifiant d'un apprenant (ex. camille-roux) ou texte libre "
                                 "(entreprise, financeur, formateur…)."),
    session: str = typer.Option(None, "--session", "-s", show_default=False, help="Session concernée (facultatif)."),
    channel: str = typer.Option(None, "--canal", "-c", show_default=False,
                                help="e-mail, téléphone, courrier, oral ou questionnaire."),
    subject: str = typer.Option(None, "--objet", "-o", show_default=False, help="L'objet, en une phrase."),
    received: str = typer.Option(None, "--recu-le", show_default=False,
                                 help="Date et heure de réception (AAAA-MM-JJ HH:MM)\u00a0; par défaut maintenant."),
    improvement: bool = typer.Option(False, "--amelioration",
                                     help="Crée aussi l'action d'amélioration proposée et la relie."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.project.load.fields import IDENT
    from qualikit.quality.registers import commands, improvements, incidents
    from qualikit.quality.registers.model import IncidentKind

    kind_value = _parse(incidents.KIND, _required(kind, "--type", "--type réclamation"), "--type")
    who = _required(who, "--de", "--de camille-roux ou --de \"entreprise Transports Berthier\"").strip()
    subject = _required(subject, "--objet", "--objet \"Attestation non reçue\"")
    channel_value = _parse(incidents.CHANNEL, channel, "--canal") if channel else None
    session_id = _parse(IDENT, session, "--session") if session else None
    clock = clock_from(today)
    with _reported():
        commands.require_project(project)
        data = commands.project_data(project)
        warning = commands.check_links(data, who, session_id)
        if warning:
            console.print(f"[yellow]attention[/] {_escape(warning)}")
        at = _moment(received, clock, "--recu-le")
        done = commands.add_incident(project, clock, data, kind=kind_value, who=who, subject=subject, received=at,
                                     session=session_id, channel=channel_value, improvement=improvement,
                                     show=print_report)
    incident = done.incident
    label = {IncidentKind.RECLAMATION: "Réclamation", IncidentKind.DIFFICULTE: "Difficulté",
             IncidentKind.ALEA: "Aléa"}[incident.kind]
    recorded = "enregistrée" if incident.kind is not IncidentKind.ALEA else "enregistré"
    console.print(f"[green]✓[/] {label} {incident.id} {recorded} dans {incidents.FILENAME}")
    if incident.is_complaint:
        from qualikit.base.frdates import clock_time, long_date

        console.print(f"  Réponse attendue avant le {long_date(done.due.date())} à {clock_time(done.due.time())} "
                      f"(objectif de {done.hours}\u00a0h). Accusez réception dès que possible\u00a0: "
                      f"qualikit incident ack {incident.id}")
    if incident.improvement:
        console.print(f"[green]✓[/] Action d'amélioration {incident.improvement} proposée dans "
                      f"{improvements.FILENAME}\u00a0: précisez-la avec «\u00a0qualikit improvement update "
                      f"{incident.improvement} --action \"…\"\u00a0».")
    elif incident.is_complaint:
        console.print("  Action d'amélioration à envisager (indicateur 32), à créer avec\u00a0:")
        console.print(f"  {_escape(improvements.hint_command(done.proposal, _project_arg(project)))}")


@incident_app.command("ack", help="Note l'accusé de réception (à faire rapidement).")
def incident_ack(entry_id: str = IdArg, when: str = WhenOpt, project: Path = ProjectOpt,
                 today: str = TodayOpt) -> None:
    from qualikit.quality.registers import commands
    from qualikit.quality.registers.rows import datetime_text

    clock = clock_from(today)
    with _reported():
        commands.require_project(project)
        at = _moment(when, clock)
        incident, changed = commands.acknowledge_incident(project, clock, entry_id, at, show=print_report)
    if not changed:
        console.print(f"{incident.id}\u00a0: réception déjà accusée le {datetime_text(incident.acknowledged)}, "
                      "rien à faire.")
        return
    console.print(f"[green]✓[/] Accusé de réception de {incident.id} noté ({datetime_text(incident.acknowledged)}).")


@incident_app.command("answer", help="Enregistre la réponse faite (et l'analyse), avec sa date.")
def incident_answer(
    entry_id: str = IdArg,
    text: str = typer.Option(None, "--reponse", "-r", show_default=False, help="La réponse faite, résumée."),
    analysis: str = typer.Option(None, "--analyse", "-a", show_default=False, help="L'analyse des causes."),
    when: str = WhenOpt,
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.quality.registers import commands
    from qualikit.quality.registers.rows import hours_text

    text = _required(text, "--reponse", "--reponse \"Attestation renvoyée par e-mail\"")
    clock = clock_from(today)
    with _reported():
        commands.require_project(project)
        hours = commands.answer_target(project)
        at = _moment(when, clock)
        done = commands.answer_incident(project, clock, entry_id, text, analysis, at, hours, show=print_report)
    console.print(f"[green]✓[/] Réponse à {done.incident.id} enregistrée, {hours_text(done.delay)} après la "
                  "réception.")
    if done.late:
        console.print(f"  [yellow]en retard[/]\u00a0: l'objectif est de {hours}\u00a0h\u00a0; notez-en la raison "
                      "dans l'analyse.")


@incident_app.command("close", help="Clôt l'événement\u00a0; une réclamation doit avoir reçu une réponse.")
def incident_close(
    entry_id: str = IdArg,
    action: str = typer.Option(None, "--action", show_default=False, help="L'action corrective menée."),
    analysis: str = typer.Option(None, "--analyse", "-a", show_default=False, help="L'analyse des causes."),
    improvement: bool = typer.Option(False, "--amelioration",
                                     help="Crée aussi l'action d'amélioration proposée et la relie."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.quality.registers import commands, improvements

    clock = clock_from(today)
    with _reported():
        commands.require_project(project)
        data = commands.project_data(project) if improvement else None
        done = commands.close_incident(project, clock, data, entry_id, action, analysis, improvement, show=print_report)
    incident = done.incident
    if not done.changed:
        console.print(f"{incident.id} est déjà close, rien à faire.")
        return
    console.print(f"[green]✓[/] {incident.id} close.")
    if incident.improvement:
        console.print(f"  Action d'amélioration liée\u00a0: {incident.improvement} ({improvements.FILENAME}).")
    elif incident.is_complaint:
        console.print("  Aucune action d'amélioration liée\u00a0; si la réclamation en appelle une "
                      "(indicateur 32)\u00a0:")
        console.print(f"  {_escape(improvements.hint_command(done.proposal, _project_arg(project)))}")


@incident_app.command("list", help="Liste le registre, avec les délais de réponse et les retards.")
def incident_list(
    open_only: bool = typer.Option(False, "--ouvertes", help="Seulement ce qui n'est pas clos."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from rich.table import Table
    from rich.text import Text

    from qualikit.quality.registers import commands, incidents
    from qualikit.quality.registers.rows import incident_listing, plural

    clock = clock_from(today)
    with _reported():
        commands.require_project(project)
        doc = commands.checked(incidents.load(project), print_report)
    listing = incident_listing(doc.register, commands.project_data(project), clock.now(), open_only=open_only)
    if not listing.rows:
        console.print("Registre des réclamations, difficultés et aléas vide"
                      + (" (rien d'ouvert)." if open_only and doc.register.entries else "."))
        return
    table = Table(title=f"Réclamations, difficultés et aléas (objectif de réponse\u00a0: {listing.hours}\u00a0h)",
                  title_justify="left")
    for col in ("N°", "Type", "Reçu le", "De", "Objet", "Suivi", "Délai", "Statut"):
        table.add_column(col, no_wrap=col not in ("De", "Objet"))
    for row in listing.rows:
        delay_cell = Text(row.delay)
        if row.late:
            delay_cell.append("\nen retard", style="bold red")
        who = Text(row.who)
        if row.session:
            who.append(f"\n{row.session}", style="dim")
        table.add_row(row.id, row.kind, row.received, who, Text(row.subject), row.follow, delay_cell, row.status)
    console.print(table)
    summary = plural(len(listing.rows), "entrée")
    if listing.late:
        summary += f"\u00a0; [red]{plural(listing.late, 'réclamation')} sans réponse en retard[/]"
    console.print(summary)


# -- improvements (indicator 32) ---------------------------------------------------------------------
