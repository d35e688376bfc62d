"""Hours actually done, from the roll calls: what the certificat de réalisation must state.

Read from the journey's half-days, so the certificat, the BPF and `status` count the same
hours: a half-day counts when a roll call exists, the learner is not in its absents, it falls
before the drop-out date, and the learner was admitted that day (a particulier's contract
signed and its withdrawal period over).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from qualikit.journey.facts import ABSENT, GONE, NOT_ADMITTED, PRESENT, UNKNOWN, LearnerJourney, learner_journey
from qualikit.project.model import Enrolment, HalfDay, Project, Session


@dataclass(frozen=True)
class Attended:
    learner_id: str
    done: Decimal  # hours present, roll call recorded
    planned: Decimal
    absent: tuple[tuple[date, HalfDay], ...] = ()
    unknown: tuple[tuple[date, HalfDay], ...] = ()  # no roll call recorded: not counted
    after_dropout: tuple[tuple[date, HalfDay], ...] = field(default=())
    not_admitted: tuple[tuple[date, HalfDay], ...] = ()  # present without a signed contract: not counted

    @property
    def complete(self) -> bool:
        return not self.absent and not self.unknown and not self.after_dropout and not self.not_admitted


def missing_roll_calls(project: Project, session: Session) -> list[tuple[date, HalfDay]]:
    called = {(a.date, a.half) for a in project.attendance if a.session_id == session.id}
    return [(d.date, half) for d in session.days for half, _ in d.halves() if (d.date, half) not in called]


def attended_of(lj: LearnerJourney, days: frozenset[date] | None = None) -> Attended:
    """The hours the certificat de réalisation states, and the BPF counts (`days`: only those, the
    days of one financial year)."""
    halves = lj.halves if days is None else tuple(h for h in lj.halves if h.day in days)

    def slots(state: str) -> tuple[tuple[date, HalfDay], ...]:
        return tuple((h.day, h.half) for h in halves if h.state == state)

    planned = sum((h.hours for h in halves), Decimal(0)) if days is not None else lj.session.planned_hours
    return Attended(lj.learner.id, sum((h.hours for h in halves if h.state == PRESENT), Decimal(0)),
                    planned, slots(ABSENT), slots(UNKNOWN), slots(GONE), slots(NOT_ADMITTED))


def attended(project: Project, session: Session, enrolment: Enrolment) -> Attended:
    """One learner's hours, without building the whole journey (same rules: `journey.facts`)."""
    return attended_of(learner_journey(project, session, enrolment))
