"""`qualikit incident|improvement|risk|report`: the quality registers (indicators 31, 32 and 12).

Each command reads its register (every problem reported at once, with its line),
changes it under the journal lock, writes it back atomically and journals the
fact. The signalements register never reaches the journal, a listing or an error
message beyond its id, date, status and number of measures.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import typer

from qualikit.cli.common import TodayOpt, clock_from, console, err

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
    from qualikit.cli.common import print_report

    if exc.report is not None:
        print_report(exc.report)
    _fail(exc.message)


def _folder(project: Path) -> None:
    from qualikit.load import project_form

    if not project.is_dir():
        _fail(f"dossier introuvable\u00a0: {project}")
    if project_form(project) is None:
        _fail(f"{project} n'est pas un projet qualikit (ni organisation.yaml ni qualikit.xlsx)\u00a0; "
              "créez-en un avec «\u00a0qualikit init\u00a0»")


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


def _checked(doc):
    """Print the register's problems; stop with exit 1, nothing written, when there are errors."""
    from qualikit.cli.common import print_report

    print_report(doc.report)
    if not doc.ok:
        n = len(doc.report.errors)
        console.print(f"[red]{n} erreur{'s' if n > 1 else ''}[/] dans {_escape(doc.spec.filename)}\u00a0: "
                      "corrigez-les puis relancez\u00a0; rien n'a été modifié.")
        raise typer.Exit(1)
    return doc


@contextmanager
def _editing(project: Path, clock) -> Iterator[Any]:
    """The journal, locked: two commands never change a register at the same time."""
    from qualikit.journal_check import open_journal

    journal = open_journal(project, clock)
    with journal.locked():
        yield journal


def _project(project: Path):
    """The loaded project when it is free of errors, else None (registers do not depend on it)."""
    from qualikit.load import load_project

    loaded = load_project(project)
    return loaded.project if loaded.report.ok else None


def _owner(data) -> str | None:
    if data is None:
        return None
    rep = data.organisation.legal_rep
    if rep is not None and rep.name:
        return rep.name
    return data.trainers[0].name if data.trainers else None


def _entry(doc, entry_id: str):
    import difflib

    entry = doc.register.get(entry_id)
    if entry is None:
        ids = [e.id for e in doc.register.entries]
        close = difflib.get_close_matches(entry_id.strip().upper(), ids, n=1)
        hint = f" (vouliez-vous dire {close[0]}\u00a0?)" if close else ""
        _fail(f"{entry_id} introuvable dans {doc.spec.filename}{hint}")
    return entry


def _moment(text: str | None, clock, option: str = "--le"):
    from qualikit.registers.store import DATETIME

    if text is None:
        return clock.now()
    moment = _parse(DATETIME, text, option)
    if moment.date() > clock.today():
        _fail(f"{option}\u00a0: {moment:%d/%m/%Y %H:%M} est dans le futur", 2)
    return moment


def _day(text: str | None, option: str):
    from qualikit.load.fields import DATE

    return None if text is None else _parse(DATE, text, option)


def _dt(moment) -> str:
    return "" if moment is None else f"{moment:%d/%m/%y %H:%M}"


def _d(day) -> str:
    return "" if day is None else f"{day:%d/%m/%Y}"


def _hours(delta) -> str:
    return f"{int(delta.total_seconds() // 3600)}\u00a0h"


def _short(text: str | None, size: int = 60) -> str:
    text = re.sub(r"[ \t\r\n]+", " ", text or "").strip()
    return text if len(text) <= size else text[: size - 1] + "…"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


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
    from qualikit.registers import improvements, incidents, store
    from qualikit.registers.model import IncidentKind
    from qualikit.registers.store import RegisterError

    kind_value = _parse(incidents.KIND, _required(kind, "--type", "--type réclamation"), "--type")
    who = _required(who, "--de", "--de camille-roux ou --de \"entreprise Transports Berthier\"").strip()
    subject = _required(subject, "--objet", "--objet \"Attestation non reçue\"")
    channel_value = _parse(incidents.CHANNEL, channel, "--canal") if channel else None
    session_id = _parse(IDENT, session, "--session") if session else None
    clock = clock_from(today)
    _folder(project)
    data = _project(project)
    _check_links(data, who, session_id)
    at = _moment(received, clock, "--recu-le")
    with _editing(project, clock) as journal:
        doc = _checked(incidents.load(project))
        try:
            incident = incidents.new_incident(doc.register, kind=kind_value, who=who, subject=subject, received=at,
                                              session=session_id, channel=channel_value)
            proposal = improvements.propose_from(incident.kind.value, incident.id, _finding(incident))
            if improvement:
                idoc = _checked(improvements.load(project))
                action = improvements.from_proposal(idoc.register, proposal, clock.today(), _owner(data))
                store.append(project, idoc, action)
                journal.append("improvement.recorded", {"id": action.id, "source": action.source.value})
                incident = incidents.link(incident, action.id)
            store.append(project, doc, incident)
        except RegisterError as exc:
            _register_error(exc)
        journal.append("incident.recorded", {"id": incident.id, "type": incident.kind.value})
    label = {IncidentKind.RECLAMATION: "Réclamation", IncidentKind.DIFFICULTE: "Difficulté",
             IncidentKind.ALEA: "Aléa"}[incident.kind]
    done = "enregistrée" if incident.kind is not IncidentKind.ALEA else "enregistré"
    console.print(f"[green]✓[/] {label} {incident.id} {done} dans {incidents.FILENAME}")
    if incident.is_complaint:
        from datetime import timedelta

        from qualikit.frdates import clock_time, long_date

        hours = incidents.target_hours(data)
        due = incident.received + timedelta(hours=hours)
        console.print(f"  Réponse attendue avant le {long_date(due.date())} à {clock_time(due.time())} "
                      f"(objectif de {hours}\u00a0h). Accusez réception dès que possible\u00a0: "
                      f"qualikit incident ack {incident.id}")
    if incident.improvement:
        console.print(f"[green]✓[/] Action d'amélioration {incident.improvement} proposée dans "
                      f"{improvements.FILENAME}\u00a0: précisez-la avec «\u00a0qualikit improvement update "
                      f"{incident.improvement} --action \"…\"\u00a0».")
    elif incident.is_complaint:
        console.print("  Action d'amélioration à envisager (indicateur 32), à créer avec\u00a0:")
        console.print(f"  {_escape(improvements.hint_command(proposal, _project_arg(project)))}")


def _finding(incident) -> str:
    return f"{incident.kind.value.capitalize()} {incident.id}\u00a0: {incident.subject}"


def _check_links(data, who: str, session_id: str | None) -> None:
    """An unknown session stops the command; a learner-like id that matches no one is only a warning."""
    import difflib
    import re

    if data is None:
        return
    if session_id is not None and data.session(session_id) is None:
        close = difflib.get_close_matches(session_id, [s.id for s in data.sessions], n=1)
        hint = f" (vouliez-vous dire {close[0]}\u00a0?)" if close else ""
        _fail(f"--session\u00a0: la session {session_id} n'existe pas dans le projet{hint}", 2)
    if data.learner(who) is None and re.fullmatch(r"[a-z0-9]+(?:[-_.][a-z0-9]+)+", who):
        close = difflib.get_close_matches(who, [x.id for x in data.learners], n=1)
        hint = f"\u00a0; vouliez-vous dire {close[0]}\u00a0?" if close else ""
        console.print(f"[yellow]attention[/] --de\u00a0: «\u00a0{_escape(who)}\u00a0» n'est pas un apprenant du "
                      f"projet, enregistré comme texte libre{hint}")


@incident_app.command("ack", help="Note l'accusé de réception (à faire rapidement).")
def incident_ack(entry_id: str = IdArg, when: str = WhenOpt, project: Path = ProjectOpt,
                 today: str = TodayOpt) -> None:
    from qualikit.registers import incidents, store
    from qualikit.registers.store import RegisterError

    clock = clock_from(today)
    _folder(project)
    at = _moment(when, clock)
    with _editing(project, clock) as journal:
        doc = _checked(incidents.load(project))
        incident = _entry(doc, entry_id)
        if incident.acknowledged is not None:
            console.print(f"{incident.id}\u00a0: réception déjà accusée le {_dt(incident.acknowledged)}, rien à faire.")
            return
        try:
            incident = incidents.acknowledge(incident, at)
            store.replace(project, doc, incident)
        except RegisterError as exc:
            _register_error(exc)
        journal.append("incident.acknowledged", {"id": incident.id})
    console.print(f"[green]✓[/] Accusé de réception de {incident.id} noté ({_dt(incident.acknowledged)}).")


@incident_app.command("answer", help="Enregistre la réponse faite (et l'analyse), avec sa date.")
def incident_answer(
    entry_id: str = IdArg,
    text: str = typer.Option(None, "--reponse", "-r", show_default=False, help="La réponse faite, résumée."),
    analysis: str = typer.Option(None, "--analyse", "-a", show_default=False, help="L'analyse des causes."),
    when: str = WhenOpt,
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.registers import incidents, store
    from qualikit.registers.store import RegisterError

    text = _required(text, "--reponse", "--reponse \"Attestation renvoyée par e-mail\"")
    clock = clock_from(today)
    _folder(project)
    hours = incidents.target_hours(_project(project))
    at = _moment(when, clock)
    with _editing(project, clock) as journal:
        doc = _checked(incidents.load(project))
        incident = _entry(doc, entry_id)
        try:
            incident = incidents.answer(incident, text, at, analysis)
            store.replace(project, doc, incident)
        except RegisterError as exc:
            _register_error(exc)
        delay = incidents.answer_delay(incident)
        journal.append("incident.answered", {"id": incident.id, "hours": int(delay.total_seconds() // 3600)})
    console.print(f"[green]✓[/] Réponse à {incident.id} enregistrée, {_hours(delay)} après la réception.")
    if incidents.is_late(incident, at, hours):
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
    from qualikit.registers import improvements, incidents, store
    from qualikit.registers.store import RegisterError

    clock = clock_from(today)
    _folder(project)
    data = _project(project) if improvement else None
    with _editing(project, clock) as journal:
        doc = _checked(incidents.load(project))
        incident = _entry(doc, entry_id)
        if incident.status.value == "close" and not (action or analysis or improvement):
            console.print(f"{incident.id} est déjà close, rien à faire.")
            return
        try:
            incident = incidents.close(incident, action, analysis)
            proposal = improvements.propose_from(incident.kind.value, incident.id, _finding(incident))
            if improvement and not incident.improvement:
                idoc = _checked(improvements.load(project))
                existing = improvements.find(idoc.register, proposal.source, proposal.reference)
                if existing is None:
                    existing = improvements.from_proposal(idoc.register, proposal, clock.today(), _owner(data))
                    store.append(project, idoc, existing)
                    journal.append("improvement.recorded", {"id": existing.id, "source": existing.source.value})
                incident = incidents.link(incident, existing.id)
            store.replace(project, doc, incident)
        except RegisterError as exc:
            _register_error(exc)
        journal.append("incident.closed", {"id": incident.id})
    console.print(f"[green]✓[/] {incident.id} close.")
    if incident.improvement:
        console.print(f"  Action d'amélioration liée\u00a0: {incident.improvement} ({improvements.FILENAME}).")
    elif incident.is_complaint:
        console.print("  Aucune action d'amélioration liée\u00a0; si la réclamation en appelle une "
                      "(indicateur 32)\u00a0:")
        console.print(f"  {_escape(improvements.hint_command(proposal, _project_arg(project)))}")


@incident_app.command("list", help="Liste le registre, avec les délais de réponse et les retards.")
def incident_list(
    open_only: bool = typer.Option(False, "--ouvertes", help="Seulement ce qui n'est pas clos."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from rich.table import Table
    from rich.text import Text

    from qualikit.registers import incidents

    clock = clock_from(today)
    _folder(project)
    doc = _checked(incidents.load(project))
    data = _project(project)
    hours = incidents.target_hours(data)
    now = clock.now()
    entries = sorted(doc.register.entries, key=lambda i: i.received)
    if open_only:
        entries = [i for i in entries if i.status.value != "close"]
    if not entries:
        console.print("Registre des réclamations, difficultés et aléas vide"
                      + (" (rien d'ouvert)." if open_only and doc.register.entries else "."))
        return
    names = {x.id: x.full_name for x in data.learners} if data is not None else {}
    table = Table(title=f"Réclamations, difficultés et aléas (objectif de réponse\u00a0: {hours}\u00a0h)",
                  title_justify="left")
    for col in ("N°", "Type", "Reçu le", "De", "Objet", "Suivi", "Délai", "Statut"):
        table.add_column(col, no_wrap=col not in ("De", "Objet"))
    late = 0
    for i in entries:
        delay = incidents.answer_delay(i)
        wait = incidents.waiting(i, now)
        flag = incidents.is_late(i, now, hours)
        late += flag and i.answered is None
        delay_cell = Text(_hours(delay) if delay is not None else f"attente {_hours(wait)}" if wait is not None else "")
        if flag:
            delay_cell.append("\nen retard", style="bold red")
        who = Text(names.get(i.who, i.who))
        if i.session:
            who.append(f"\n{i.session}", style="dim")
        follow = "\n".join(line for line in (f"AR {_dt(i.acknowledged)}" if i.acknowledged else "",
                                               f"rép. {_dt(i.answered)}" if i.answered else "") if line)
        table.add_row(i.id, i.kind.value, _dt(i.received), who, Text(_short(i.subject)), follow, delay_cell,
                      i.status.value)
    console.print(table)
    summary = _plural(len(entries), "entrée")
    if late:
        summary += f"\u00a0; [red]{_plural(late, 'réclamation')} sans réponse en retard[/]"
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
    from qualikit.registers import improvements, incidents, store
    from qualikit.registers.model import ImprovementSource, ImprovementStatus
    from qualikit.registers.store import RegisterError

    source_value = _parse(improvements.SOURCE, _required(source, "--source", "--source réclamation"), "--source")
    finding = _required(finding, "--constat", "--constat \"Deux apprenants trouvent le rythme trop rapide\"")
    action = _required(action, "--action", "--action \"Ajouter une demi-journée d'exercices\"")
    status_value = _parse(improvements.STATUS, status, "--statut") if status else ImprovementStatus.PROPOSEE
    due_day = _day(due, "--echeance")
    clock = clock_from(today)
    _folder(project)
    owner = owner or _owner(_project(project))
    linked = None
    with _editing(project, clock) as journal:
        doc = _checked(improvements.load(project))
        try:
            entry = improvements.new_improvement(doc.register, source=source_value, finding=finding, action=action,
                                                 created=clock.today(), reference=reference, owner=owner,
                                                 due=due_day, status=status_value)
            store.append(project, doc, entry)
        except RegisterError as exc:
            _register_error(exc)
        journal.append("improvement.recorded", {"id": entry.id, "source": entry.source.value})
        if source_value is ImprovementSource.RECLAMATION and entry.reference:
            linked = _link_incident(project, entry, incidents, store)
            if linked:
                journal.append("incident.linked", {"id": linked, "improvement": entry.id})
    console.print(f"[green]✓[/] Action d'amélioration {entry.id} enregistrée dans {improvements.FILENAME}.")
    if linked:
        console.print(f"  Reliée à {linked} ({incidents.FILENAME}).")


def _link_incident(project: Path, improvement, incidents, store) -> str | None:
    """Record the new action on the incident it answers, when that incident has none yet."""
    from qualikit.registers.store import RegisterError

    doc = incidents.load(project)
    incident = doc.register.get(improvement.reference) if doc.ok else None
    if incident is None or incident.improvement:
        return None
    try:
        store.replace(project, doc, incidents.link(incident, improvement.id))
    except RegisterError:
        return None
    return incident.id


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
    from qualikit.registers import improvements, store
    from qualikit.registers.store import RegisterError

    status_value = _parse(improvements.STATUS, status, "--statut") if status else None
    due_day, done_day = _day(due, "--echeance"), _day(done, "--realisee-le")
    clock = clock_from(today)
    _folder(project)
    with _editing(project, clock) as journal:
        doc = _checked(improvements.load(project))
        entry = _entry(doc, entry_id)
        try:
            entry = improvements.update(entry, clock.today(), status=status_value, action=action, owner=owner,
                                        due=due_day, done=done_day, effect=effect)
            store.replace(project, doc, entry)
        except RegisterError as exc:
            _register_error(exc)
        journal.append("improvement.updated", {"id": entry.id, "status": entry.status.value})
    console.print(f"[green]✓[/] {entry.id} mise à jour\u00a0: {entry.status.value}"
                  + (f" le {_d(entry.done)}" if entry.done else "") + ".")
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

    from qualikit.registers import improvements

    clock = clock_from(today)
    _folder(project)
    doc = _checked(improvements.load(project))
    entries = list(doc.register.entries)
    if open_only:
        entries = [i for i in entries if i.status in improvements.OPEN]
    if not entries:
        console.print("Aucune action d'amélioration" + (" ouverte." if open_only else " enregistrée."))
        return
    table = Table(title="Actions d'amélioration (indicateur 32)", title_justify="left")
    for col in ("N°", "Source", "Réf.", "Constat", "Action", "Responsable", "Échéance", "Statut", "Effet"):
        table.add_column(col, no_wrap=col in ("N°", "Échéance", "Statut"))
    late = 0
    for i in entries:
        is_late = improvements.is_late(i, clock.today())
        late += is_late
        due = Text(_d(i.due) + (" en retard" if is_late else ""), style="red" if is_late else "")
        table.add_row(i.id, i.source.value, Text(i.reference or ""), Text(_short(i.finding, 50)),
                      Text(_short(i.action, 50)), Text(i.owner or ""), due, i.status.value,
                      Text(_short(i.effect, 40)) if i.effect else Text("à mesurer" if i.status.value == "réalisée"
                                                                       else ""))
    console.print(table)
    summary = _plural(len(entries), "action")
    if late:
        summary += f"\u00a0; [red]{_plural(late, 'échéance')} dépassée{'s' if late > 1 else ''}[/]"
    console.print(summary)


# -- risks (indicator 32, 2026) ----------------------------------------------------------------------


@risk_app.command("init", help="Crée le registre avec les risques habituels d'un formateur indépendant.")
def risk_init(project: Path = ProjectOpt, today: str = TodayOpt) -> None:
    from qualikit.registers import risks, store
    from qualikit.registers.store import RegisterError

    clock = clock_from(today)
    _folder(project)
    owner = _owner(_project(project))
    with _editing(project, clock) as journal:
        doc = _checked(risks.load(project))
        if doc.register.entries:
            _fail(f"{risks.FILENAME} contient déjà {_plural(len(doc.register.entries), 'risque')}\u00a0: "
                  "ajoutez-en avec «\u00a0qualikit risk add\u00a0», rien n'a été modifié.")
        try:
            seeded = risks.seed(clock.today(), owner)
            doc = store.save(project, doc, seeded)
        except RegisterError as exc:
            _register_error(exc)
        journal.append("risk.seeded", {"count": len(seeded)})
    console.print(f"[green]✓[/] {_plural(len(seeded), 'risque')} initiaux écrits dans {risks.FILENAME}\u00a0: "
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
    from qualikit.registers import risks, store
    from qualikit.registers.store import LEVEL, RegisterError

    risk = _required(risk, "--risque", "--risque \"Formateur indisponible\"")
    p = _parse(LEVEL, _required(likelihood, "--probabilite", "--probabilite 2"), "--probabilite")
    i = _parse(LEVEL, _required(impact, "--impact", "--impact 3"), "--impact")
    review_day = _day(next_review, "--prochaine-revue")
    clock = clock_from(today)
    _folder(project)
    owner = owner or _owner(_project(project))
    with _editing(project, clock) as journal:
        doc = _checked(risks.load(project))
        try:
            entry = risks.new_risk(doc.register, risk=risk, likelihood=p, impact=i, today=clock.today(),
                                   measures=tuple(measures), owner=owner, next_review=review_day)
            store.append(project, doc, entry)
        except RegisterError as exc:
            _register_error(exc)
        journal.append("risk.recorded", {"id": entry.id, "criticality": entry.criticality})
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
    from qualikit.registers import risks, store
    from qualikit.registers.store import LEVEL, RegisterError

    p = _parse(LEVEL, likelihood, "--probabilite") if likelihood else None
    i = _parse(LEVEL, impact, "--impact") if impact else None
    status_value = _parse(risks.STATUS, status, "--statut") if status else None
    review_day = _day(next_review, "--prochaine-revue")
    clock = clock_from(today)
    _folder(project)
    with _editing(project, clock) as journal:
        doc = _checked(risks.load(project))
        entry = _entry(doc, entry_id)
        before = entry.criticality
        try:
            entry = risks.review(entry, clock.today(), likelihood=p, impact=i, measures=tuple(measures),
                                 status=status_value, owner=owner, next_review=review_day)
            store.replace(project, doc, entry)
        except RegisterError as exc:
            _register_error(exc)
        journal.append("risk.reviewed", {"id": entry.id, "criticality": entry.criticality})
    change = f", était {before}" if before != entry.criticality else ""
    console.print(f"[green]✓[/] Revue de {entry.id} notée\u00a0: criticité {entry.criticality} "
                  f"({risks.level(entry.criticality)}{change}), {entry.status.value}, prochaine revue le "
                  f"{_d(entry.next_review)}.")


@risk_app.command("list", help="Liste les risques, du plus critique au moins critique.")
def risk_list(project: Path = ProjectOpt, today: str = TodayOpt) -> None:
    from qualikit.registers import risks

    clock = clock_from(today)
    _folder(project)
    doc = _checked(risks.load(project))
    if not doc.register.entries:
        console.print("Registre des risques vide\u00a0: «\u00a0qualikit risk init\u00a0» le crée avec les risques "
                      "habituels d'un formateur indépendant.")
        return
    _risk_table(doc.register, clock.today())


def _risk_table(register, today) -> None:
    from rich.table import Table
    from rich.text import Text

    from qualikit.registers import risks

    table = Table(title="Risques sur la qualité des formations (indicateur 32)", title_justify="left")
    for col in ("N°", "Risque", "P", "I", "Criticité", "Mesures", "Responsable", "Prochaine revue", "Statut"):
        table.add_column(col, no_wrap=col not in ("Risque", "Responsable"),
                         justify="right" if col in ("P", "I", "Mesures") else "left")
    due = 0
    styles = {"élevée": "red", "moyenne": "yellow", "faible": "green"}
    for r in risks.by_criticality(register):
        late = risks.review_due(r, today)
        due += late
        level = risks.level(r.criticality)
        table.add_row(r.id, Text(r.risk), str(r.likelihood), str(r.impact),
                      Text(f"{r.criticality} {level}", style=styles[level]), str(len(r.measures)),
                      Text(r.owner or ""), Text(_d(r.next_review) + (" à faire" if late else ""),
                                                style="red" if late else ""), r.status.value)
    console.print(table)
    summary = _plural(len(register.entries), "risque")
    if due:
        summary += f"\u00a0; [red]{_plural(due, 'revue')} à faire[/]"
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
    from qualikit.registers import reports, store
    from qualikit.registers.model import ReportStatus
    from qualikit.registers.store import RegisterError

    channel_value = _parse(reports.CHANNEL, channel, "--canal") if channel else None
    status_value = _parse(reports.STATUS, status, "--statut") if status else ReportStatus.OUVERT
    clock = clock_from(today)
    report_day = _day(day, "--date") or clock.today()
    if report_day > clock.today():
        _fail("--date\u00a0: la date est dans le futur", 2)
    _folder(project)
    if facts is None:
        _checked(reports.load(project))  # before asking: facts typed in vain would be lost
        facts = typer.prompt("Faits tels que rapportés", prompt_suffix="\u00a0: ")
        if people is None:
            people = typer.prompt("Personnes concernées (facultatif)", default="", show_default=False,
                                  prompt_suffix="\u00a0: ")
    with _editing(project, clock) as journal:
        doc = _checked(reports.load(project))
        try:
            entry = reports.new_report(doc.register, day=report_day, facts=facts, channel=channel_value,
                                       people=people, measures=tuple(measures), orientation=tuple(orientation),
                                       status=status_value)
            store.append(project, doc, entry)
        except RegisterError as exc:
            _register_error(exc)
        journal.append(reports.JOURNAL_KIND, reports.journal_data(entry))
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
    from qualikit.registers import reports, store
    from qualikit.registers.store import RegisterError

    status_value = _parse(reports.STATUS, status, "--statut") if status else None
    clock = clock_from(today)
    _folder(project)
    with _editing(project, clock):
        doc = _checked(reports.load(project))
        entry = _entry(doc, entry_id)
        try:
            entry = reports.update(entry, measures=tuple(measures), orientation=tuple(orientation),
                                   status=status_value)
            store.replace(project, doc, entry)
        except RegisterError as exc:
            _register_error(exc)
    console.print(f"[green]✓[/] Signalement {entry.id} mis à jour\u00a0: {_plural(len(entry.measures), 'mesure')}, "
                  f"statut {entry.status.value}.")


@report_app.command("list", help="Liste les signalements\u00a0: numéro, date, statut et nombre de mesures seulement.")
def report_list(project: Path = ProjectOpt) -> None:
    from rich.table import Table

    from qualikit.registers import reports

    _folder(project)
    doc = _checked(reports.load(project))
    rows = reports.listing(doc.register)
    if not rows:
        console.print("Aucun signalement enregistré.")
        return
    table = Table(title="Signalements (accès restreint\u00a0; faits et personnes dans le registre seulement)",
                  title_justify="left")
    for col in ("N°", "Date", "Statut", "Mesures"):
        table.add_column(col, no_wrap=True, justify="right" if col == "Mesures" else "left")
    for row in rows:
        table.add_row(row.id, _d(row.date), row.status.value, str(row.measures))
    console.print(table)
    counts = reports.summary(doc.register)["by_status"]
    console.print(_plural(len(rows), "signalement") + " (" +
                  ", ".join(f"{n} {status}" for status, n in counts.items() if n) + ")")
