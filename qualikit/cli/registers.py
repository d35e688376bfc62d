"""`qualikit incident|improvement|risk|report`: the quality registers (indicators 31, 32 and 12).

Thin commands: parse the options, call qualikit.registers.commands (the checks and the changes,
under the journal lock) or qualikit.registers.rows (the listings), print. The signalements
register never reaches the journal, a listing or an error message beyond its id, date, status and
number of measures.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import typer

from qualikit.cli.common import TodayOpt, clock_from, console, err, print_report

ProjectOpt = typer.Option(Path("."), "--projet", "-p", help="Dossier du projet (par défaut\u00a0: le dossier courant).")
IdArg = typer.Argument(..., metavar="NUMÉRO", show_default=False, help="Numéro de l'entrée (ex. R-2026-001).")
WhenOpt = typer.Option(None, "--le", show_default=False,
                       help="Date et heure (AAAA-MM-JJ HH:MM)\u00a0; par défaut maintenant.")

incident_app = typer.Typer(
    help="Registre des réclamations, difficultés et aléas (indicateur Qualiopi 31)\u00a0: enregistrer, accuser "
         "réception, répondre (objectif 48\u00a0h), clore.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
improvement_app = typer.Typer(
    help="Registre des actions d'amélioration (indicateur Qualiopi 32)\u00a0: constat, action, responsable, "
         "échéance, effet observé.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
risk_app = typer.Typer(
    help="Registre des risques sur la qualité des formations (indicateur Qualiopi 32, audits à partir du "
         "1er novembre 2026)\u00a0: probabilité × impact, mesures, revue annuelle.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
report_app = typer.Typer(
    help="Registre des signalements de violences, harcèlement ou discriminations (indicateur Qualiopi 12, "
         "2026)\u00a0: accès restreint, jamais de faits ni de noms dans le journal ou les listes.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


# -- shared ------------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[red]Erreur\u00a0:[/] {_escape(message)}")
    raise typer.Exit(code)


def _register_error(exc) -> NoReturn:
    if exc.report is not None:
        print_report(exc.report)
    _fail(exc.message)


def _invalid(doc) -> NoReturn:
    """A register with errors (already printed): stop with exit 1, nothing written."""
    n = len(doc.report.errors)
    console.print(f"[red]{n} erreur{'s' if n > 1 else ''}[/] dans {_escape(doc.spec.filename)}\u00a0: "
                  "corrigez-les puis relancez\u00a0; rien n'a été modifié.")
    raise typer.Exit(1)


@contextmanager
def _reported() -> Iterator[None]:
    """The refusals of qualikit.registers.commands, printed with their exit code."""
    from qualikit.registers.commands import CommandError, InvalidRegister
    from qualikit.registers.store import RegisterError

    try:
        yield
    except CommandError as exc:
        _fail(exc.message, exc.code)
    except InvalidRegister as exc:
        _invalid(exc.doc)
    except RegisterError as exc:
        _register_error(exc)


def _required(value: str | None, option: str, example: str) -> str:
    if value is None or not value.strip():
        _fail(f"{option} est obligatoire, par exemple {example}", 2)
    return value


def _parse(parser, value: Any, option: str) -> Any:
    from qualikit.load.fields import Invalid

    try:
        return parser(value)
    except Invalid as exc:
        _fail(f"{option}\u00a0: {exc.message}", 2)


def _moment(text: str | None, clock, option: str = "--le"):
    from qualikit.registers.commands import check_moment
    from qualikit.registers.store import DATETIME

    if text is None:
        return clock.now()
    return check_moment(_parse(DATETIME, text, option), clock, option)


def _day(text: str | None, option: str):
    from qualikit.load.fields import DATE

    return None if text is None else _parse(DATE, text, option)


def _project_arg(project: Path) -> str | None:
    return None if project == Path(".") else str(project)


# -- incidents (indicator 31) ------------------------------------------------------------------------


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
    from qualikit.load.fields import IDENT
    from qualikit.registers import commands, improvements, incidents
    from qualikit.registers.model import IncidentKind

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
        from qualikit.frdates import clock_time, long_date

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
    from qualikit.registers import commands
    from qualikit.registers.rows import datetime_text

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
    from qualikit.registers import commands
    from qualikit.registers.rows import hours_text

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
    from qualikit.registers import commands, improvements

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

    from qualikit.registers import commands, incidents
    from qualikit.registers.rows import incident_listing, plural

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


@improvement_app.command("add", help="Ajoute une action d'amélioration.")
def improvement_add(
    source: str = typer.Option(None, "--source", show_default=False,
                               help="enquête, réclamation, abandon, risque, audit ou autre."),
    reference: str = typer.Option(None, "--ref", show_default=False,
                                  help="Ce qui l'a déclenchée\u00a0: R-2026-001, une session, Q-003…"),
    finding: str = typer.Option(None, "--constat", show_default=False, help="Ce qui a été observé."),
    action: str = typer.Option(None, "--action", show_default=False, help="Ce qui va être fait."),
    owner: str = typer.Option(None, "--responsable", show_default=False,
                              help="Qui s'en charge (par défaut\u00a0: le représentant de l'organisme)."),
    due: str = typer.Option(None, "--echeance", show_default=False, help="Échéance (AAAA-MM-JJ)."),
    status: str = typer.Option(None, "--statut", show_default=False,
                               help="proposée (par défaut), en cours, réalisée ou abandonnée."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.registers import commands, improvements, incidents
    from qualikit.registers.model import ImprovementStatus

    source_value = _parse(improvements.SOURCE, _required(source, "--source", "--source réclamation"), "--source")
    finding = _required(finding, "--constat", "--constat \"Deux apprenants trouvent le rythme trop rapide\"")
    action = _required(action, "--action", "--action \"Ajouter une demi-journée d'exercices\"")
    status_value = _parse(improvements.STATUS, status, "--statut") if status else ImprovementStatus.PROPOSEE
    due_day = _day(due, "--echeance")
    clock = clock_from(today)
    with _reported():
        commands.require_project(project)
        owner = owner or commands.owner_of(commands.project_data(project))
        done = commands.add_improvement(project, clock, source=source_value, finding=finding, action=action,
                                        reference=reference, owner=owner, due=due_day, status=status_value,
                                        show=print_report)
    console.print(f"[green]✓[/] Action d'amélioration {done.improvement.id} enregistrée dans "
                  f"{improvements.FILENAME}.")
    if done.linked:
        console.print(f"  Reliée à {done.linked} ({incidents.FILENAME}).")


@improvement_app.command("update", help="Met à jour une action\u00a0: statut, effet observé, échéance…")
def improvement_update(
    entry_id: str = IdArg,
    status: str = typer.Option(None, "--statut", show_default=False,
                               help="proposée, en cours, réalisée ou abandonnée."),
    effect: str = typer.Option(None, "--effet", show_default=False, help="L'effet observé après l'action."),
    action: str = typer.Option(None, "--action", show_default=False, help="L'action, réécrite."),
    owner: str = typer.Option(None, "--responsable", show_default=False, help="Qui s'en charge."),
    due: str = typer.Option(None, "--echeance", show_default=False, help="Échéance (AAAA-MM-JJ)."),
    done: str = typer.Option(None, "--realisee-le", show_default=False,
                             help="Date de réalisation (AAAA-MM-JJ)\u00a0; par défaut aujourd'hui quand le statut "
                                  "passe à réalisée."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.registers import commands, improvements
    from qualikit.registers.rows import date_text

    status_value = _parse(improvements.STATUS, status, "--statut") if status else None
    due_day, done_day = _day(due, "--echeance"), _day(done, "--realisee-le")
    clock = clock_from(today)
    with _reported():
        commands.require_project(project)
        entry = commands.update_improvement(project, clock, entry_id, status=status_value, action=action,
                                           owner=owner, due=due_day, done=done_day, effect=effect, show=print_report)
    console.print(f"[green]✓[/] {entry.id} mise à jour\u00a0: {entry.status.value}"
                  + (f" le {date_text(entry.done)}" if entry.done else "") + ".")
    if entry.status.value == "réalisée" and not entry.effect:
        console.print(f"  Notez l'effet observé quand vous le connaîtrez\u00a0: qualikit improvement update {entry.id} "
                      "--effet \"…\"")


@improvement_app.command("list", help="Liste les actions d'amélioration, avec les échéances dépassées.")
def improvement_list(
    open_only: bool = typer.Option(False, "--ouvertes", help="Seulement les actions proposées ou en cours."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from rich.table import Table
    from rich.text import Text

    from qualikit.registers import commands, improvements
    from qualikit.registers.rows import improvement_rows, plural

    clock = clock_from(today)
    with _reported():
        commands.require_project(project)
        doc = commands.checked(improvements.load(project), print_report)
    rows = improvement_rows(doc.register, clock.today(), open_only=open_only)
    if not rows:
        console.print("Aucune action d'amélioration" + (" ouverte." if open_only else " enregistrée."))
        return
    table = Table(title="Actions d'amélioration (indicateur 32)", title_justify="left")
    for col in ("N°", "Source", "Réf.", "Constat", "Action", "Responsable", "Échéance", "Statut", "Effet"):
        table.add_column(col, no_wrap=col in ("N°", "Échéance", "Statut"))
    late = 0
    for row in rows:
        late += row.late
        due = Text(row.due, style="red" if row.late else "")
        table.add_row(row.id, row.source, Text(row.reference), Text(row.finding), Text(row.action), Text(row.owner),
                      due, row.status, Text(row.effect))
    console.print(table)
    summary = plural(len(rows), "action")
    if late:
        summary += f"\u00a0; [red]{plural(late, 'échéance')} dépassée{'s' if late > 1 else ''}[/]"
    console.print(summary)


# -- risks (indicator 32, 2026) ----------------------------------------------------------------------


@risk_app.command("init", help="Crée le registre avec les risques habituels d'un formateur indépendant.")
def risk_init(project: Path = ProjectOpt, today: str = TodayOpt) -> None:
    from qualikit.registers import commands, risks
    from qualikit.registers.rows import plural

    clock = clock_from(today)
    with _reported():
        commands.require_project(project)
        owner = commands.owner_of(commands.project_data(project))
        doc, seeded = commands.seed_risks(project, clock, owner, show=print_report)
    console.print(f"[green]✓[/] {plural(len(seeded), 'risque')} initiaux écrits dans {risks.FILENAME}\u00a0: "
                  "adaptez probabilités, impacts et mesures à votre activité.")
    _risk_table(doc.register, clock.today())


@risk_app.command("add", help="Ajoute un risque.")
def risk_add(
    risk: str = typer.Option(None, "--risque", show_default=False, help="Le risque, en une phrase."),
    likelihood: str = typer.Option(None, "--probabilite", show_default=False,
                                   help="1 rare, 2 possible, 3 probable, 4 fréquent."),
    impact: str = typer.Option(None, "--impact", show_default=False, help="1 faible, 2 gênant, 3 sérieux, 4 grave."),
    measures: list[str] = typer.Option([], "--mesure", show_default=False, help="Une mesure (répétable)."),
    owner: str = typer.Option(None, "--responsable", show_default=False, help="Qui suit ce risque."),
    next_review: str = typer.Option(None, "--prochaine-revue", show_default=False,
                                    help="Date de la prochaine revue (AAAA-MM-JJ)\u00a0; par défaut dans un an."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.registers import commands, risks
    from qualikit.registers.store import LEVEL

    risk = _required(risk, "--risque", "--risque \"Formateur indisponible\"")
    p = _parse(LEVEL, _required(likelihood, "--probabilite", "--probabilite 2"), "--probabilite")
    i = _parse(LEVEL, _required(impact, "--impact", "--impact 3"), "--impact")
    review_day = _day(next_review, "--prochaine-revue")
    clock = clock_from(today)
    with _reported():
        commands.require_project(project)
        owner = owner or commands.owner_of(commands.project_data(project))
        entry = commands.add_risk(project, clock, risk=risk, likelihood=p, impact=i, measures=tuple(measures),
                                  owner=owner, next_review=review_day, show=print_report)
    console.print(f"[green]✓[/] Risque {entry.id} enregistré\u00a0: criticité {entry.criticality} "
                  f"({risks.level(entry.criticality)}).")
    if not entry.measures:
        console.print(f"  Ajoutez ses mesures\u00a0: qualikit risk review {entry.id} --mesure \"…\"")


@risk_app.command("review", help="Note la revue d'un risque\u00a0: niveaux, mesures ajoutées, statut.")
def risk_review(
    entry_id: str = IdArg,
    likelihood: str = typer.Option(None, "--probabilite", show_default=False, help="Nouvelle probabilité (1 à 4)."),
    impact: str = typer.Option(None, "--impact", show_default=False, help="Nouvel impact (1 à 4)."),
    measures: list[str] = typer.Option([], "--mesure", show_default=False, help="Une mesure à ajouter (répétable)."),
    status: str = typer.Option(None, "--statut", show_default=False, help="ouvert, maîtrisé ou clos."),
    owner: str = typer.Option(None, "--responsable", show_default=False, help="Qui suit ce risque."),
    next_review: str = typer.Option(None, "--prochaine-revue", show_default=False,
                                    help="Date de la prochaine revue (AAAA-MM-JJ)\u00a0; par défaut dans un an."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.registers import commands, risks
    from qualikit.registers.rows import date_text
    from qualikit.registers.store import LEVEL

    p = _parse(LEVEL, likelihood, "--probabilite") if likelihood else None
    i = _parse(LEVEL, impact, "--impact") if impact else None
    status_value = _parse(risks.STATUS, status, "--statut") if status else None
    review_day = _day(next_review, "--prochaine-revue")
    clock = clock_from(today)
    with _reported():
        commands.require_project(project)
        entry, before = commands.review_risk(project, clock, entry_id, likelihood=p, impact=i,
                                             measures=tuple(measures), status=status_value, owner=owner,
                                             next_review=review_day, show=print_report)
    change = f", était {before}" if before != entry.criticality else ""
    console.print(f"[green]✓[/] Revue de {entry.id} notée\u00a0: criticité {entry.criticality} "
                  f"({risks.level(entry.criticality)}{change}), {entry.status.value}, prochaine revue le "
                  f"{date_text(entry.next_review)}.")


@risk_app.command("list", help="Liste les risques, du plus critique au moins critique.")
def risk_list(project: Path = ProjectOpt, today: str = TodayOpt) -> None:
    from qualikit.registers import commands, risks

    clock = clock_from(today)
    with _reported():
        commands.require_project(project)
        doc = commands.checked(risks.load(project), print_report)
    if not doc.register.entries:
        console.print("Registre des risques vide\u00a0: «\u00a0qualikit risk init\u00a0» le crée avec les risques "
                      "habituels d'un formateur indépendant.")
        return
    _risk_table(doc.register, clock.today())


def _risk_table(register, today) -> None:
    from rich.table import Table
    from rich.text import Text

    from qualikit.registers.rows import plural, risk_rows

    table = Table(title="Risques sur la qualité des formations (indicateur 32)", title_justify="left")
    for col in ("N°", "Risque", "P", "I", "Criticité", "Mesures", "Responsable", "Prochaine revue", "Statut"):
        table.add_column(col, no_wrap=col not in ("Risque", "Responsable"),
                         justify="right" if col in ("P", "I", "Mesures") else "left")
    due = 0
    styles = {"élevée": "red", "moyenne": "yellow", "faible": "green"}
    for row in risk_rows(register, today):
        due += row.review_due
        table.add_row(row.id, Text(row.risk), row.likelihood, row.impact,
                      Text(row.criticality, style=styles[row.level]), row.measures, Text(row.owner),
                      Text(row.next_review, style="red" if row.review_due else ""), row.status)
    console.print(table)
    summary = plural(len(register.entries), "risque")
    if due:
        summary += f"\u00a0; [red]{plural(due, 'revue')} à faire[/]"
    console.print(summary)


# -- reports of violence, harassment, discrimination (indicator 12, 2026) ----------------------------


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
    from qualikit.registers import commands, reports
    from qualikit.registers.model import ReportStatus

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
    from qualikit.registers import commands, reports
    from qualikit.registers.rows import plural

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

    from qualikit.registers import commands, reports
    from qualikit.registers.rows import date_text, plural

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
