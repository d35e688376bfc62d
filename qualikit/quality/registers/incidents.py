"""Réclamations, difficultés et aléas (indicator 31): record, acknowledge, answer, analyse, close.

The answer target (48 h by default, `delai_reponse_reclamation_heures` in the
settings) is qualikit's practice, not an audit rule. It applies to réclamations,
counted in calendar hours from reception: week-ends included.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from qualikit.base.diagnostics import Location, Report
from qualikit.base.frdates import clock_time
from qualikit.project.load.fields import IDENT, TEXT, choice
from qualikit.quality.registers import store
from qualikit.quality.registers.model import Channel, Incident, IncidentKind, IncidentStatus, Register
from qualikit.quality.registers.store import DATETIME, Field, RegisterError, Spec

FILENAME = "registre-reclamations.yaml"
PREFIX = "R"
DEFAULT_HOURS = 48

KIND = choice(IncidentKind, {"reclamations": IncidentKind.RECLAMATION, "plainte": IncidentKind.RECLAMATION,
                             "incident": IncidentKind.ALEA, "imprevu": IncidentKind.ALEA})
CHANNEL = choice(Channel, {"email": Channel.EMAIL, "mail": Channel.EMAIL, "courriel": Channel.EMAIL,
                           "tel": Channel.TELEPHONE, "appel": Channel.TELEPHONE, "lettre": Channel.COURRIER,
                           "en personne": Channel.ORAL, "orale": Channel.ORAL, "enquete": Channel.QUESTIONNAIRE})
STATUS = choice(IncidentStatus, {"ouvert": IncidentStatus.OUVERTE, "nouvelle": IncidentStatus.OUVERTE,
                                 "en cours de traitement": IncidentStatus.EN_COURS, "clos": IncidentStatus.CLOSE,
                                 "fermee": IncidentStatus.CLOSE, "cloturee": IncidentStatus.CLOSE,
                                 "traitee": IncidentStatus.CLOSE})

HEADER = """\
# Registre des réclamations, difficultés et aléas (indicateur Qualiopi 31).
# Une entrée par événement. «\u00a0qualikit incident add\u00a0» ajoute les entrées à la fin du fichier\u00a0;
# vous pouvez aussi les écrire ou les compléter à la main.
#   type\u00a0: réclamation (exprimée par écrit par une partie prenante), difficulté (rencontrée
#          par une partie prenante) ou aléa (incident en cours de formation)
#   de\u00a0: identifiant d'un apprenant (ex. camille-roux) ou texte libre (entreprise, financeur…)
#   canal\u00a0: e-mail, téléphone, courrier, oral ou questionnaire
#   recu_le, accuse_le, repondu_le\u00a0: date et heure, AAAA-MM-JJ HH:MM
#   statut\u00a0: ouverte, en cours ou close
# Objectif de réponse aux réclamations\u00a0: 48 h (pratique qualikit, réglable dans organisation.yaml,
# parametres > delai_reponse_reclamation_heures)."""


def _check(incident: Incident, values: dict[str, Any], locs: dict[str, Location], report: Report) -> None:
    """Consistency warnings on an entry written by hand (format errors are reported by the reader)."""
    for key, when in (("accuse_le", incident.acknowledged), ("repondu_le", incident.answered)):
        if when is not None and when < incident.received:
            report.warning(locs[key], "date antérieure à la réception (recu_le)\u00a0: est-ce une faute de "
                           "frappe\u00a0?", key)
    if incident.answer and incident.answered is None:
        report.warning(locs["reponse"], "réponse sans date\u00a0: ajoutez repondu_le (AAAA-MM-JJ HH:MM)", "reponse")
    if incident.answered is not None and not incident.answer:
        report.warning(locs["repondu_le"], "date de réponse sans la réponse elle-même\u00a0: ajoutez reponse",
                       "repondu_le")
    if incident.is_complaint and incident.status is IncidentStatus.CLOSE and not incident.answer:
        report.warning(locs.get("statut", incident.loc), "réclamation close sans réponse enregistrée",
                       "statut", indicator=31)


SPEC = Spec(
    filename=FILENAME,
    record=Incident,
    fields=(
        Field("id", "id", store.entry_id(PREFIX, yearly=True), required=True),
        Field("type", "kind", KIND, required=True),
        Field("recu_le", "received", DATETIME, required=True),
        Field("de", "who", TEXT, required=True),
        Field("session", "session", IDENT),
        Field("canal", "channel", CHANNEL),
        Field("objet", "subject", TEXT, required=True),
        Field("accuse_le", "acknowledged", DATETIME),
        Field("analyse", "analysis", TEXT),
        Field("reponse", "answer", TEXT),
        Field("repondu_le", "answered", DATETIME),
        Field("action_corrective", "corrective_action", TEXT),
        Field("statut", "status", STATUS),
        Field("amelioration", "improvement", store.entry_id("A", yearly=True)),
    ),
    header=HEADER,
    check=_check,
)


def load(root: Path) -> store.Document:
    return store.load(root, SPEC)


def target_hours(project: Any) -> int:
    """The answer target of the project's settings, else 48 h."""
    hours = getattr(getattr(project, "settings", None), "complaint_answer_hours", None)
    return hours if isinstance(hours, int) and hours > 0 else DEFAULT_HOURS


def minute(moment: datetime) -> datetime:
    """Times are kept to the minute, as they are written, in Paris time (a naive time is taken as Paris)."""
    return DATETIME(moment).replace(second=0, microsecond=0)


def new_incident(register: Register, *, kind: IncidentKind, who: str, subject: str, received: datetime,
                 session: str | None = None, channel: Channel | None = None,
                 improvement: str | None = None) -> Incident:
    who, subject = who.strip(), subject.strip()
    if not who:
        raise RegisterError("précisez de qui vient l'événement (--de)")
    if not subject:
        raise RegisterError("l'objet est vide\u00a0: résumez l'événement en une phrase (--objet)")
    received = minute(received)
    return Incident(id=store.next_id(register, PREFIX, received.year), kind=kind, received=received, who=who,
                    subject=subject, session=session, channel=channel, improvement=improvement)


def acknowledge(incident: Incident, at: datetime) -> Incident:
    at = minute(at)
    if at < incident.received:
        raise RegisterError(f"l'accusé de réception ({at:%d/%m/%Y %H:%M}) ne peut précéder la réception "
                            f"({incident.received:%d/%m/%Y %H:%M})")
    status = IncidentStatus.EN_COURS if incident.status is IncidentStatus.OUVERTE else incident.status
    return replace(incident, acknowledged=at, status=status)


def answer(incident: Incident, text: str, at: datetime, analysis: str | None = None) -> Incident:
    text = text.strip()
    if not text:
        raise RegisterError("la réponse est vide\u00a0: résumez ce qui a été répondu (--reponse)")
    if incident.answered is not None:
        raise RegisterError(f"{incident.id} a déjà reçu une réponse le {incident.answered:%d/%m/%Y} à "
                            f"{clock_time(incident.answered)}")
    at = minute(at)
    if at < incident.received:
        raise RegisterError(f"la réponse ({at:%d/%m/%Y %H:%M}) ne peut précéder la réception "
                            f"({incident.received:%d/%m/%Y %H:%M})")
    status = IncidentStatus.EN_COURS if incident.status is IncidentStatus.OUVERTE else incident.status
    return replace(incident, answer=text, answered=at, acknowledged=incident.acknowledged or at, status=status,
                   analysis=(analysis or "").strip() or incident.analysis)


def close(incident: Incident, corrective_action: str | None = None, analysis: str | None = None) -> Incident:
    """Close; a réclamation is never closed without a recorded answer (indicator 31)."""
    if incident.is_complaint and not incident.answer:
        raise RegisterError(f"une réclamation ne peut être close sans réponse\u00a0: enregistrez d'abord la "
                            f"réponse faite («\u00a0qualikit incident answer {incident.id} --reponse \"…\"\u00a0»)")
    return replace(incident, status=IncidentStatus.CLOSE,
                   corrective_action=(corrective_action or "").strip() or incident.corrective_action,
                   analysis=(analysis or "").strip() or incident.analysis)


def link(incident: Incident, improvement_id: str) -> Incident:
    return replace(incident, improvement=improvement_id)


def answer_delay(incident: Incident) -> timedelta | None:
    """Reception → answer, when answered."""
    return incident.answered - incident.received if incident.answered is not None else None


def waiting(incident: Incident, now: datetime) -> timedelta | None:
    """How long a réclamation has been waiting for its answer; None once answered or closed."""
    if not incident.is_complaint or incident.answered is not None or incident.status is IncidentStatus.CLOSE:
        return None
    return max(now - incident.received, timedelta(0))


def is_late(incident: Incident, now: datetime, hours: int) -> bool:
    """A réclamation answered, or still waiting, past the target delay."""
    if not incident.is_complaint:
        return False
    delay = answer_delay(incident) if incident.answered is not None else waiting(incident, now)
    return delay is not None and delay > timedelta(hours=hours)


def overdue(register: Register, now: datetime, hours: int) -> list[Incident]:
    """Unanswered réclamations past the target delay, oldest first."""
    late = [i for i in register.entries if i.answered is None and is_late(i, now, hours)]
    return sorted(late, key=lambda i: i.received)
