"""The register commands without the command line: checks, changes under the journal lock, the facts journaled.

Each change reads its register (every problem shown at once through `show`, with its line),
changes it under the journal lock, writes it back atomically and journals the fact. A refusal is a
CommandError (French message, exit code), a register with errors an InvalidRegister (nothing
written), a change the register cannot take a store.RegisterError. The signalements register never
reaches the journal beyond its id and date.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from qualikit.base.diagnostics import Report
from qualikit.quality.registers import improvements, incidents, reports, risks, store
from qualikit.quality.registers.model import (
    Channel,
    Improvement,
    ImprovementSource,
    ImprovementStatus,
    Incident,
    IncidentKind,
    Proposal,
    ReportChannel,
    ReportStatus,
    Risk,
    RiskStatus,
    ViolenceReport,
)
from qualikit.quality.registers.rows import plural

Show = Callable[[Report], None]  # shows a register's problems, errors and warnings


class CommandError(Exception):
    """A command refused, explained in French; `code` is the exit code: 2 for a wrong option, else 1."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.message = message
        self.code = code


class InvalidRegister(Exception):
    """A register with errors (already shown): nothing was written."""

    def __init__(self, doc: store.Document):
        super().__init__(doc.spec.filename)
        self.doc = doc


# -- shared ------------------------------------------------------------------------------------------


def require_project(project: Path) -> None:
    """CommandError unless `project` is a qualikit project folder."""
    from qualikit.project.load import project_form

    if not project.is_dir():
        raise CommandError(f"dossier introuvable\u00a0: {project}")
    if project_form(project) is None:
        raise CommandError(f"{project} n'est pas un projet qualikit (ni organisation.yaml ni qualikit.xlsx)\u00a0; "
                           "créez-en un avec «\u00a0qualikit init\u00a0»")


def checked(doc: store.Document, show: Show) -> store.Document:
    """Show the register's problems; InvalidRegister, nothing written, when there are errors."""
    show(doc.report)
    if not doc.ok:
        raise InvalidRegister(doc)
    return doc


@contextmanager
def editing(project: Path, clock) -> Iterator[Any]:
    """The journal, locked: two commands never change a register at the same time."""
    from qualikit.project.journal_check import open_journal

    journal = open_journal(project, clock)
    with journal.locked():
        yield journal


def project_data(project: Path):
    """The loaded project when it is free of errors, else None (registers do not depend on it)."""
    from qualikit.project.load import load_project

    loaded = load_project(project)
    return loaded.project if loaded.report.ok else None


def owner_of(data) -> str | None:
    """Who answers for the registers by default: the legal representative, else the first trainer."""
    if data is None:
        return None
    rep = data.organisation.legal_rep
    if rep is not None and rep.name:
        return rep.name
    return data.trainers[0].name if data.trainers else None


def find_entry(doc: store.Document, entry_id: str):
    """The entry, else CommandError with the nearest id."""
    entry = doc.register.get(entry_id)
    if entry is None:
        ids = [e.id for e in doc.register.entries]
        close = difflib.get_close_matches(entry_id.strip().upper(), ids, n=1)
        hint = f" (vouliez-vous dire {close[0]}\u00a0?)" if close else ""
        raise CommandError(f"{entry_id} introuvable dans {doc.spec.filename}{hint}")
    return entry


def check_moment(moment: datetime, clock, option: str = "--le") -> datetime:
    """CommandError when the moment given with `option` is in the future."""
    if moment.date() > clock.today():
        raise CommandError(f"{option}\u00a0: {moment:%d/%m/%Y %H:%M} est dans le futur", 2)
    return moment


def check_day(day: date, clock, option: str) -> date:
    """CommandError when the date given with `option` is in the future."""
    if day > clock.today():
        raise CommandError(f"{option}\u00a0: la date est dans le futur", 2)
    return day


# -- incidents (indicator 31) ------------------------------------------------------------------------


def finding(incident: Incident) -> str:
    return f"{incident.kind.value.capitalize()} {incident.id}\u00a0: {incident.subject}"


def check_links(data, who: str, session_id: str | None) -> str | None:
    """An unknown session stops the command; a learner-like id that matches no one is only a warning, returned."""
    if data is None:
        return None
    if session_id is not None and data.session(session_id) is None:
        close = difflib.get_close_matches(session_id, [s.id for s in data.sessions], n=1)
        hint = f" (vouliez-vous dire {close[0]}\u00a0?)" if close else ""
        raise CommandError(f"--session\u00a0: la session {session_id} n'existe pas dans le projet{hint}", 2)
    if data.learner(who) is None and re.fullmatch(r"[a-z0-9]+(?:[-_.][a-z0-9]+)+", who):
        close = difflib.get_close_matches(who, [x.id for x in data.learners], n=1)
        hint = f"\u00a0; vouliez-vous dire {close[0]}\u00a0?" if close else ""
        return (f"--de\u00a0: «\u00a0{who}\u00a0» n'est pas un apprenant du projet, enregistré comme texte "
                f"libre{hint}")
    return None


@dataclass(frozen=True)
class IncidentRecorded:
    incident: Incident
    proposal: Proposal  # the improvement action it suggests
    hours: int  # the answer target
    due: datetime  # a réclamation's answer is expected before then


def add_incident(project: Path, clock, data, *, kind: IncidentKind, who: str, subject: str, received: datetime,
                 session: str | None, channel: Channel | None, improvement: bool, show: Show) -> IncidentRecorded:
    """Record the event; with `improvement`, also the improvement action it suggests, linked to it."""
    with editing(project, clock) as journal:
        doc = checked(incidents.load(project), show)
        incident = incidents.new_incident(doc.register, kind=kind, who=who, subject=subject, received=received,
                                          session=session, channel=channel)
        proposal = improvements.propose_from(incident.kind.value, incident.id, finding(incident))
        if improvement:
            idoc = checked(improvements.load(project), show)
            action = improvements.from_proposal(idoc.register, proposal, clock.today(), owner_of(data))
            store.append(project, idoc, action)
            journal.append("improvement.recorded", {"id": action.id, "source": action.source.value})
            incident = incidents.link(incident, action.id)
        store.append(project, doc, incident)
        journal.append("incident.recorded", {"id": incident.id, "type": incident.kind.value})
    hours = incidents.target_hours(data)
    return IncidentRecorded(incident, proposal, hours, incident.received + timedelta(hours=hours))


def acknowledge_incident(project: Path, clock, entry_id: str, at: datetime, *, show: Show) -> tuple[Incident, bool]:
    """(the incident, whether it was acknowledged now: False when it already was, nothing changed)."""
    with editing(project, clock) as journal:
        doc = checked(incidents.load(project), show)
        incident = find_entry(doc, entry_id)
        if incident.acknowledged is not None:
            return incident, False
        incident = incidents.acknowledge(incident, at)
        store.replace(project, doc, incident)
        journal.append("incident.acknowledged", {"id": incident.id})
    return incident, True


def answer_target(project: Path) -> int:
    """The answer target, in hours, of the project's settings (48 h by default)."""
    return incidents.target_hours(project_data(project))


@dataclass(frozen=True)
class IncidentAnswered:
    incident: Incident
    delay: timedelta  # reception → answer
    late: bool  # past the answer target


def answer_incident(project: Path, clock, entry_id: str, text: str, analysis: str | None, at: datetime,
                    hours: int, *, show: Show) -> IncidentAnswered:
    with editing(project, clock) as journal:
        doc = checked(incidents.load(project), show)
        incident = find_entry(doc, entry_id)
        incident = incidents.answer(incident, text, at, analysis)
        store.replace(project, doc, incident)
        delay = incidents.answer_delay(incident)
        journal.append("incident.answered", {"id": incident.id, "hours": int(delay.total_seconds() // 3600)})
    return IncidentAnswered(incident, delay, incidents.is_late(incident, at, hours))


@dataclass(frozen=True)
class IncidentClosed:
    incident: Incident
    proposal: Proposal | None  # the improvement action it suggests; None when nothing changed
    changed: bool  # False: already closed and nothing to add


def close_incident(project: Path, clock, data, entry_id: str, action: str | None, analysis: str | None,
                   improvement: bool, *, show: Show) -> IncidentClosed:
    """Close; with `improvement`, link the improvement action it suggests (recorded now unless it exists)."""
    with editing(project, clock) as journal:
        doc = checked(incidents.load(project), show)
        incident = find_entry(doc, entry_id)
        if incident.status.value == "close" and not (action or analysis or improvement):
            return IncidentClosed(incident, None, False)
        incident = incidents.close(incident, action, analysis)
        proposal = improvements.propose_from(incident.kind.value, incident.id, finding(incident))
        if improvement and not incident.improvement:
            idoc = checked(improvements.load(project), show)
            existing = improvements.find(idoc.register, proposal.source, proposal.reference)
            if existing is None:
                existing = improvements.from_proposal(idoc.register, proposal, clock.today(), owner_of(data))
                store.append(project, idoc, existing)
                journal.append("improvement.recorded", {"id": existing.id, "source": existing.source.value})
            incident = incidents.link(incident, existing.id)
        store.replace(project, doc, incident)
        journal.append("incident.closed", {"id": incident.id})
    return IncidentClosed(incident, proposal, True)


# -- improvements (indicator 32) ---------------------------------------------------------------------


@dataclass(frozen=True)
class ImprovementRecorded:
    improvement: Improvement
    linked: str | None  # the incident it now answers


def add_improvement(project: Path, clock, *, source: ImprovementSource, finding: str, action: str,
                    reference: str | None, owner: str | None, due: date | None, status: ImprovementStatus,
                    show: Show) -> ImprovementRecorded:
    """Record the action; one that answers a réclamation is linked to it when it has no action yet."""
    linked = None
    with editing(project, clock) as journal:
        doc = checked(improvements.load(project), show)
        entry = improvements.new_improvement(doc.register, source=source, finding=finding, action=action,
                                             created=clock.today(), reference=reference, owner=owner,
                                             due=due, status=status)
        store.append(project, doc, entry)
        journal.append("improvement.recorded", {"id": entry.id, "source": entry.source.value})
        if source is ImprovementSource.RECLAMATION and entry.reference:
            linked = _link_incident(project, entry)
            if linked:
                journal.append("incident.linked", {"id": linked, "improvement": entry.id})
    return ImprovementRecorded(entry, linked)


def _link_incident(project: Path, improvement: Improvement) -> str | None:
    """Record the new action on the incident it answers, when that incident has none yet."""
    doc = incidents.load(project)
    incident = doc.register.get(improvement.reference) if doc.ok else None
    if incident is None or incident.improvement:
        return None
    try:
        store.replace(project, doc, incidents.link(incident, improvement.id))
    except store.RegisterError:
        return None
    return incident.id


def update_improvement(project: Path, clock, entry_id: str, *, status: ImprovementStatus | None,
                       action: str | None, owner: str | None, due: date | None, done: date | None,
                       effect: str | None, show: Show) -> Improvement:
    with editing(project, clock) as journal:
        doc = checked(improvements.load(project), show)
        entry = find_entry(doc, entry_id)
        entry = improvements.update(entry, clock.today(), status=status, action=action, owner=owner,
                                    due=due, done=done, effect=effect)
        store.replace(project, doc, entry)
        journal.append("improvement.updated", {"id": entry.id, "status": entry.status.value})
    return entry


# -- risks (indicator 32, 2026) ----------------------------------------------------------------------


def seed_risks(project: Path, clock, owner: str | None, *, show: Show) -> tuple[store.Document, list[Risk]]:
    """Write the usual risks of an independent trainer into an empty register: (the register, the risks)."""
    with editing(project, clock) as journal:
        doc = checked(risks.load(project), show)
        if doc.register.entries:
            raise CommandError(f"{risks.FILENAME} contient déjà {plural(len(doc.register.entries), 'risque')}\u00a0: "
                               "ajoutez-en avec «\u00a0qualikit risk add\u00a0», rien n'a été modifié.")
        seeded = risks.seed(clock.today(), owner)
        doc = store.save(project, doc, seeded)
        journal.append("risk.seeded", {"count": len(seeded)})
    return doc, seeded


def add_risk(project: Path, clock, *, risk: str, likelihood: int, impact: int, measures: tuple[str, ...],
             owner: str | None, next_review: date | None, show: Show) -> Risk:
    with editing(project, clock) as journal:
        doc = checked(risks.load(project), show)
        entry = risks.new_risk(doc.register, risk=risk, likelihood=likelihood, impact=impact, today=clock.today(),
                               measures=measures, owner=owner, next_review=next_review)
        store.append(project, doc, entry)
        journal.append("risk.recorded", {"id": entry.id, "criticality": entry.criticality})
    return entry


def review_risk(project: Path, clock, entry_id: str, *, likelihood: int | None, impact: int | None,
                measures: tuple[str, ...], status: RiskStatus | None, owner: str | None, next_review: date | None,
                show: Show) -> tuple[Risk, int]:
    """(the risk reviewed, its criticality before the review)."""
    with editing(project, clock) as journal:
        doc = checked(risks.load(project), show)
        entry = find_entry(doc, entry_id)
        before = entry.criticality
        entry = risks.review(entry, clock.today(), likelihood=likelihood, impact=impact, measures=measures,
                             status=status, owner=owner, next_review=next_review)
        store.replace(project, doc, entry)
        journal.append("risk.reviewed", {"id": entry.id, "criticality": entry.criticality})
    return entry, before


# -- reports of violence, harassment, discrimination (indicator 12, 2026) ----------------------------


def add_report(project: Path, clock, *, day: date, facts: str, channel: ReportChannel | None, people: str | None,
               measures: tuple[str, ...], orientation: tuple[str, ...], status: ReportStatus,
               show: Show) -> ViolenceReport:
    """Record the report; the journal keeps its id and date only."""
    with editing(project, clock) as journal:
        doc = checked(reports.load(project), show)
        entry = reports.new_report(doc.register, day=day, facts=facts, channel=channel, people=people,
                                   measures=measures, orientation=orientation, status=status)
        store.append(project, doc, entry)
        journal.append(reports.JOURNAL_KIND, reports.journal_data(entry))
    return entry


def update_report(project: Path, clock, entry_id: str, *, measures: tuple[str, ...], orientation: tuple[str, ...],
                  status: ReportStatus | None, show: Show) -> ViolenceReport:
    """Add measures or orientations, change the status; not journaled."""
    with editing(project, clock):
        doc = checked(reports.load(project), show)
        entry = find_entry(doc, entry_id)
        entry = reports.update(entry, measures=measures, orientation=orientation, status=status)
        store.replace(project, doc, entry)
    return entry


def project_file(project: Path, file: str | None) -> str | None:
    """A proof file named by the trainer: it must exist inside the project; its path relative to it."""
    if file is None:
        return None
    path = (project / file).resolve()
    if not path.is_relative_to(project.resolve()) or not path.is_file():
        raise CommandError(f"fichier «\u00a0{file}\u00a0» introuvable dans le projet (chemin relatif attendu)", 2)
    return path.relative_to(project.resolve()).as_posix()


def add_watch(project: Path, clock, *, day: date, kind, source: str, finding: str, action: str | None,
              file: str | None, show: Show):
    """A veille entry; a given file must exist inside the project."""
    from qualikit.quality.registers import watch

    file = project_file(project, file)
    with editing(project, clock) as journal:
        doc = checked(watch.load(project), show)
        entry = watch.new_entry(doc.register, day=day, kind=kind, source=source, finding=finding, action=action,
                                file=file)
        store.append(project, doc, entry)
        journal.append("watch.recorded", {"id": entry.id, "kind": entry.kind.value})
    return entry


def version_procedure(project: Path, clock, *, procedure: str, changes: str | None, version: str | None,
                      day: date, reviewed_only: bool, show: Show):
    """A new version adopted on `day`, or the version in force marked as read again on `day`."""
    from qualikit.quality.registers import procedures

    with editing(project, clock) as journal:
        doc = checked(procedures.load(project), show)
        if reviewed_only:
            entry = procedures.review(doc.register, procedure, day)
            store.replace(project, doc, entry)
        else:
            entry = procedures.adopt(doc.register, procedure, day, changes, version)
            store.append(project, doc, entry)
        journal.append("procedure.reviewed" if reviewed_only else "procedure.adopted",
                       {"id": entry.id, "procedure": procedure, "version": entry.version})
    return entry


def add_competence(project: Path, clock, *, trainer: str, kind, title: str, day: date, provider: str | None,
                   hours: int | None, file: str | None, show: Show):
    """A diploma, certification, experience or training followed by a trainer of the project."""
    from qualikit.quality.registers import competences

    file = project_file(project, file)
    data = project_data(project)
    known = {t.id for t in data.trainers} if data is not None else set()
    if known and trainer not in known:
        raise CommandError(f"formateur «\u00a0{trainer}\u00a0» inconnu (attendu\u00a0: {', '.join(sorted(known))})", 2)
    with editing(project, clock) as journal:
        doc = checked(competences.load(project), show)
        entry = competences.new_entry(doc.register, trainer=trainer, kind=kind, title=title, day=day,
                                      provider=provider, hours=hours, file=file)
        store.append(project, doc, entry)
        journal.append("competence.recorded", {"id": entry.id, "kind": entry.kind.value, "trainer": trainer})
    return entry


def add_network(project: Path, clock, *, day: date, partner: str, kind, report: str, file: str | None,
                show: Show):
    """An action with the disability network (indicator 26); a given file must exist inside the project."""
    from qualikit.quality.registers import network

    file = project_file(project, file)
    with editing(project, clock) as journal:
        doc = checked(network.load(project), show)
        entry = network.new_entry(doc.register, day=day, partner=partner, kind=kind, report=report, file=file)
        store.append(project, doc, entry)
        journal.append("network.recorded", {"id": entry.id, "kind": entry.kind.value})
    return entry


def external_trainer(data, trainer: str):
    """The intervenant declared external (sous-traitant or porté) in the project, else CommandError."""
    if data is None:
        raise CommandError("le projet contient des erreurs\u00a0: corrigez-les d'abord (qualikit check)")
    found = data.trainer(trainer)
    external = sorted(t.id for t in data.trainers if t.external)
    if found is None or not found.external:
        known = f" (intervenants extérieurs\u00a0: {', '.join(external)})" if external else (
            "\u00a0; déclarez-le dans formateurs avec «\u00a0statut\u00a0: sous-traitant\u00a0» ou "
            "«\u00a0statut\u00a0: porté\u00a0»")
        what = "n'est pas un intervenant extérieur" if found is not None else "inconnu"
        raise CommandError(f"--intervenant\u00a0: «\u00a0{trainer}\u00a0» {what}{known}", 2)
    return found


def add_external(project: Path, clock, *, day: date, trainer: str, kind, session: str | None, note: str | None,
                 amount, file: str | None, show: Show):
    """A piece checked of an external intervenant, or their invoice (indicator 27)."""
    from qualikit.quality.registers import external

    file = project_file(project, file)
    data = project_data(project)
    external_trainer(data, trainer)
    if session is not None and data.session(session) is None:
        close = difflib.get_close_matches(session, [s.id for s in data.sessions], n=1)
        hint = f" (vouliez-vous dire {close[0]}\u00a0?)" if close else ""
        raise CommandError(f"--session\u00a0: la session {session} n'existe pas dans le projet{hint}", 2)
    with editing(project, clock) as journal:
        doc = checked(external.load(project), show)
        entry = external.new_entry(doc.register, day=day, trainer=trainer, kind=kind, session=session, note=note,
                                   amount=amount, file=file)
        store.append(project, doc, entry)
        journal.append("external.recorded", {"id": entry.id, "kind": entry.kind.value, "trainer": trainer,
                                             **({"session": session} if session else {})})
    return entry
