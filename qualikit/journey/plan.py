"""The learner journey as data: which message goes to whom, when, relative to the session.

The defaults follow journey.md; the trainer's `parcours` table (parcours.yaml or the
« Parcours » sheet) changes an offset, turns a step off, restricts it to a programme,
or adds a step of their own with its own template.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from qualikit.base.clock import PARIS
from qualikit.project.model import JourneyStep, Session
from qualikit.project.steps import (  # noqa: F401 (the plan's vocabulary, used through this module)
    ABSENT,
    ALL,
    ANCHORS,
    AT_RISK,
    COMPANY,
    DEFAULT_STEPS,
    DROPPED,
    FUNDERS,
    NO_COLD,
    NO_HOT,
    Step,
)


def plan(custom: tuple[JourneyStep, ...]) -> list[Step]:
    """The defaults, changed or extended by the trainer's steps (same id = change)."""
    steps = {s.id: s for s in DEFAULT_STEPS}
    for c in custom:
        base = steps.get(c.id) or Step(c.id, c.label or c.id, c.anchor or "fin", c.offset or 0)
        steps[c.id] = replace(
            base,
            label=c.label or base.label,
            anchor=c.anchor or base.anchor,
            offset=base.offset if c.offset is None else c.offset,
            audience=c.audience or base.audience,
            template=c.template or base.template,
            survey=c.survey or base.survey,
            enabled=base.enabled if c.enabled is None else c.enabled,
            programme=c.programme or base.programme,
        )
    return list(steps.values())


def steps_for(steps: list[Step], session: Session) -> list[Step]:
    return [s for s in steps if s.enabled and (s.programme is None or s.programme == session.programme_id)]


def session_end(session: Session) -> datetime:
    last = max(session.days, key=lambda d: d.date)
    return datetime.combine(last.date, last.halves()[-1][1].end, PARIS)


def due_at(step: Step, session: Session, anchor_day: date | None = None) -> datetime:
    """When a step becomes due. The hot survey waits for the end of the last half-day;
    every other step is due from the start of its day."""
    if step.anchor == "debut":
        day = session.start + timedelta(days=step.offset)
    elif step.anchor == "absence":
        day = anchor_day + timedelta(days=step.offset)
    else:
        if step.offset == 0:
            return session_end(session)
        day = session.end + timedelta(days=step.offset)
    return datetime.combine(day, time(0, 0), PARIS)


def announces(step: Step) -> bool:
    """A step before the start (J-1…): moved earlier, never later, when its day is not worked."""
    return step.anchor == "debut" and step.offset < 0


def on_working_day(due: datetime, step: Step, calendar) -> datetime:
    """`due` moved to a working day of `calendar` (qualikit.base.workdays): mails to learners and
    clients do not go out on weekends, public holidays or closed days."""
    day = due.date()
    if calendar.is_working_day(day):
        return due
    day = calendar.on_or_before(day) if announces(step) else calendar.on_or_after(day)
    return datetime.combine(day, time(0, 0), PARIS)
