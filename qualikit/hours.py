"""Hours actually done, from the roll calls: what the certificat de réalisation must state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from qualikit.model import Enrolment, HalfDay, Project, Session, Status


@dataclass(frozen=True)
class Attended:
    learner_id: str
    done: Decimal  # hours present, roll call recorded
    planned: Decimal
    absent: tuple[tuple[date, HalfDay], ...] = ()
    unknown: tuple[tuple[date, HalfDay], ...] = ()  # no roll call recorded: not counted
    after_dropout: tuple[tuple[date, HalfDay], ...] = field(default=())

    @property
    def complete(self) -> bool:
        return not self.absent and not self.unknown and not self.after_dropout


def missing_roll_calls(project: Project, session: Session) -> list[tuple[date, HalfDay]]:
    called = {(a.date, a.half) for a in project.attendance if a.session_id == session.id}
    return [(d.date, half) for d in session.days for half, _ in d.halves() if (d.date, half) not in called]


def attended(project: Project, session: Session, enrolment: Enrolment) -> Attended:
    """Half-days count when a roll call exists, the learner is not in its absents, and it falls
    before the drop-out date (a drop-out on day D missed D onwards)."""
    absents = {(a.date, a.half): set(a.absent) for a in project.attendance if a.session_id == session.id}
    done = Decimal(0)
    absent, unknown, gone = [], [], []
    for day in session.days:
        for half, hours in day.halves():
            slot = (day.date, half)
            if enrolment.status is Status.ABANDON and enrolment.dropout_date and day.date >= enrolment.dropout_date:
                gone.append(slot)
            elif slot not in absents:
                unknown.append(slot)
            elif enrolment.learner_id in absents[slot]:
                absent.append(slot)
            else:
                done += hours.hours
    return Attended(enrolment.learner_id, done, session.planned_hours, tuple(absent), tuple(unknown), tuple(gone))
