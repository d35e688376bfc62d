"""A register as it stood at the end of a day: what an audit pack dated D may show of it.

The registers date some steps only, so the cut is as fine as they allow:
- réclamations, difficultés, aléas: received later → absent; acknowledged later → not yet
  acknowledged; answered later → not yet answered, hence not closed either (the analysis, the
  answer, the corrective action and the improvement link come with or after the answer);
- actions d'amélioration: created later → absent; done later → not done (« proposée », no
  effect observed); the due date is a plan and stays;
- risques: the register keeps the last review only; a risk reviewed later shows a state the
  register did not hold at the date, and the earlier one is lost → absent;
- signalements: dated later → absent (their handling carries no date);
- veille, compétences, réseau handicap, intervenants extérieurs: dated later → absent;
- procedures: a version adopted later → absent; reviewed later → not reviewed yet.
An entry with no date stays: nothing says it came later.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from qualikit.journey.asof import end_of
from qualikit.quality.registers.model import (
    CompetenceEntry,
    ExternalEntry,
    Improvement,
    ImprovementStatus,
    Incident,
    IncidentStatus,
    NetworkEntry,
    ProcedureVersion,
    Register,
    Risk,
    ViolenceReport,
    WatchEntry,
)


def as_of(register: Register, day: date) -> Register:
    """The register's entries known at the end of `day`, each in its state of that day."""
    kept = tuple(e for e in (_entry(e, day) for e in register.entries) if e is not None)
    return register if kept == register.entries else replace(register, entries=kept)


def _entry(entry, day: date):
    if isinstance(entry, Incident):
        return _incident(entry, day)
    if isinstance(entry, Improvement):
        return _improvement(entry, day)
    if isinstance(entry, Risk):
        return None if entry.reviewed and entry.reviewed > day else entry
    if isinstance(entry, ViolenceReport | WatchEntry | CompetenceEntry | NetworkEntry | ExternalEntry):
        return None if entry.date > day else entry
    if isinstance(entry, ProcedureVersion):
        if entry.adopted > day:
            return None
        return replace(entry, reviewed=None) if entry.reviewed and entry.reviewed > day else entry
    return entry


def _incident(incident: Incident, day: date) -> Incident | None:
    cutoff = end_of(day)
    if incident.received > cutoff:
        return None
    changes: dict = {}
    if incident.acknowledged and incident.acknowledged > cutoff:
        changes["acknowledged"] = None
    if incident.answered and incident.answered > cutoff:
        changes.update(answer=None, answered=None, analysis=None, corrective_action=None, improvement=None)
        acknowledged = changes.get("acknowledged", incident.acknowledged)
        changes["status"] = IncidentStatus.EN_COURS if acknowledged else IncidentStatus.OUVERTE
    elif "acknowledged" in changes and incident.status is IncidentStatus.EN_COURS:
        changes["status"] = IncidentStatus.OUVERTE
    return replace(incident, **changes) if changes else incident


def _improvement(improvement: Improvement, day: date) -> Improvement | None:
    if improvement.created and improvement.created > day:
        return None
    if improvement.done and improvement.done > day:
        return replace(improvement, done=None, effect=None, status=ImprovementStatus.PROPOSEE)
    return improvement
