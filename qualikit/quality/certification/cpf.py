"""What the trainer enters on the Mon Compte Formation professional space, per CPF learner.

At entry the start date is declared; at the end, the exit date, the hours done and whether the
training was completed. Read from the journey as of a day (never from memory): the roll calls
give the hours, the enrolment the drop-out, the journey the exam.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from qualikit.journey.facts import Journey
from qualikit.project.model import Funder


@dataclass(frozen=True)
class CpfLine:
    learner: str  # full name
    learner_id: str
    session_id: str
    entry: date | None  # the first day, once it has come
    exit: date | None  # the drop-out date, or the last day once it has passed
    planned: Decimal
    done: Decimal
    status: str  # « à venir », « en cours », « terminée », « abandon (motif) », « annulée avant l'entrée »
    exam: str  # the certification's outcome when known

    @property
    def attendance(self) -> Decimal | None:
        """Hours done ÷ hours planned, in %; None before any planned hour."""
        if not self.planned:
            return None
        return (self.done * 100 / self.planned).quantize(Decimal("1"))


def cpf_lines(journey: Journey) -> list[CpfLine]:
    """Every learner funded by the CPF, session by session, as of the journey's day."""
    out = []
    for sj in journey:
        session = sj.session
        for lj in sj.learners:
            if lj.funder is not Funder.CPF:
                continue
            day = journey.day
            if lj.withdrew_before_start:
                status, entry, exit_ = "annulée avant l'entrée", None, None
            elif lj.dropped:
                reason = lj.enrolment.dropout_reason
                status, entry, exit_ = f"abandon ({reason})" if reason else "abandon", session.start, lj.dropped_on
            elif session.end < day:
                status, entry, exit_ = "terminée", session.start, session.end
            elif session.start <= day:
                status, entry, exit_ = "en cours", session.start, None
            else:
                status, entry, exit_ = "à venir", None, None
            out.append(CpfLine(lj.learner.full_name, lj.id, session.id, entry, exit_, session.planned_hours,
                               lj.hours_done, status, _exam(lj.exam)))
    return out


def _exam(x) -> str:
    if x is None:
        return ""
    if x.presented is False:
        return "non présenté" + (f" ({x.absence_reason})" if x.absence_reason else "")
    if x.result == "partiel":
        return f"partiel : {', '.join(x.blocks)}"
    return x.result or ""
