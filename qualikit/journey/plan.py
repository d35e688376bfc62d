"""The learner journey as data: which message goes to whom, when, relative to the session.

The defaults follow journey.md; the trainer's `parcours` table (parcours.yaml or the
« Parcours » sheet) changes an offset, turns a step off, restricts it to a programme,
or adds a step of their own with its own template.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from qualikit.base.clock import PARIS
from qualikit.project.model import JourneyStep, Session

# audiences
ALL = "tous"  # every learner still in the session
ABSENT = "absents"  # learners absent from a half-day (anchor "absence")
NO_HOT = "sans-reponse-chaud"
NO_COLD = "sans-reponse-froid"
AT_RISK = "a-risque"  # absent at least once, or dropped answers
DROPPED = "abandons"
COMPANY = "entreprise"  # the client company's contact (session.client_email), once per session
ANCHORS = ("debut", "fin", "absence")


@dataclass(frozen=True)
class Step:
    id: str
    label: str
    anchor: str  # debut (first day), fin (last day), absence (the absent half-day)
    offset: int  # days after the anchor (negative: before)
    audience: str = ALL
    template: str = ""  # emails/<template>.subject.j2 and .txt.j2; defaults to the id
    survey: str | None = None  # a survey link to include (chaud, froid…)
    enabled: bool = True
    programme: str | None = None  # only for this programme

    @property
    def template_name(self) -> str:
        return self.template or self.id


DEFAULT_STEPS: tuple[Step, ...] = (
    Step("rappel-veille", "Rappel J-1", "debut", -1),
    Step("relance-absence", "Suivi d'une absence", "absence", 1, ABSENT),
    Step("enquete-chaud", "Enquête à chaud", "fin", 0, survey="chaud"),
    Step("relance-chaud", "Relance de l'enquête à chaud", "fin", 3, NO_HOT, survey="chaud"),
    Step("recapitulatif", "Récapitulatif et plan d'action (J+7)", "fin", 7),
    Step("enquete-entreprise", "Enquête entreprise", "fin", 10, COMPANY, survey="entreprise"),
    Step("alumni", "Invitation alumni et demande de témoignage", "fin", 14),
    Step("suivi-j30", "Suivi à 30 jours", "fin", 30),
    Step("enquete-froid", "Enquête à froid (J+90)", "fin", 90, survey="froid"),
    Step("relance-froid", "Relance de l'enquête à froid", "fin", 97, NO_COLD, survey="froid"),
    Step("enquete-froid-2", "Seconde enquête à froid (J+180)", "fin", 180, survey="froid", enabled=False),
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
