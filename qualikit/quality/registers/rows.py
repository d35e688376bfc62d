"""The registers as listing rows of text, with the flags a listing highlights, and the text formats they use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from qualikit.quality.registers import improvements, incidents, risks
from qualikit.quality.registers.model import Register

# -- text formats ------------------------------------------------------------------------------------


def datetime_text(moment: datetime | None) -> str:
    return "" if moment is None else f"{moment:%d/%m/%y %H:%M}"


def date_text(day: date | None) -> str:
    return "" if day is None else f"{day:%d/%m/%Y}"


def hours_text(delta: timedelta) -> str:
    return f"{int(delta.total_seconds() // 3600)}\u00a0h"


def short(text: str | None, size: int = 60) -> str:
    text = re.sub(r"[ \t\r\n]+", " ", text or "").strip()
    return text if len(text) <= size else text[: size - 1] + "…"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


# -- incidents (indicator 31) ------------------------------------------------------------------------


@dataclass(frozen=True)
class IncidentRow:
    id: str
    kind: str
    received: str
    who: str  # the learner's name when `who` is a learner of the project
    session: str | None
    subject: str
    follow: str  # acknowledgement and answer, one per line
    delay: str  # the answer delay, or how long it has been waiting
    late: bool  # past the answer target
    status: str


@dataclass(frozen=True)
class IncidentListing:
    hours: int  # the answer target
    rows: list[IncidentRow]
    late: int  # réclamations still unanswered past the target


def incident_listing(register: Register, data: Any, now: datetime, *, open_only: bool = False) -> IncidentListing:
    """By reception; `open_only`: what is not closed. `data`: the project (learners' names, answer target) or None."""
    hours = incidents.target_hours(data)
    entries = sorted(register.entries, key=lambda i: i.received)
    if open_only:
        entries = [i for i in entries if i.status.value != "close"]
    names = {x.id: x.full_name for x in data.learners} if data is not None else {}
    rows = []
    late = 0
    for i in entries:
        delay = incidents.answer_delay(i)
        wait = incidents.waiting(i, now)
        flag = incidents.is_late(i, now, hours)
        late += flag and i.answered is None
        follow = "\n".join(line for line in (f"AR {datetime_text(i.acknowledged)}" if i.acknowledged else "",
                                               f"rép. {datetime_text(i.answered)}" if i.answered else "") if line)
        rows.append(IncidentRow(
            id=i.id, kind=i.kind.value, received=datetime_text(i.received), who=names.get(i.who, i.who),
            session=i.session, subject=short(i.subject), follow=follow,
            delay=hours_text(delay) if delay is not None else f"attente {hours_text(wait)}" if wait is not None else "",
            late=flag, status=i.status.value))
    return IncidentListing(hours, rows, late)


# -- improvements (indicator 32) ---------------------------------------------------------------------


@dataclass(frozen=True)
class ImprovementRow:
    id: str
    source: str
    reference: str
    finding: str
    action: str
    owner: str
    due: str
    late: bool  # open past its due date
    status: str
    effect: str


def improvement_rows(register: Register, today: date, *, open_only: bool = False) -> list[ImprovementRow]:
    """In the register's order; `open_only`: the actions proposed or in progress."""
    entries = list(register.entries)
    if open_only:
        entries = [i for i in entries if i.status in improvements.OPEN]
    rows = []
    for i in entries:
        is_late = improvements.is_late(i, today)
        rows.append(ImprovementRow(
            id=i.id, source=i.source.value, reference=i.reference or "", finding=short(i.finding, 50),
            action=short(i.action, 50), owner=i.owner or "", due=date_text(i.due) + (" en retard" if is_late else ""),
            late=is_late, status=i.status.value,
            effect=short(i.effect, 40) if i.effect else "à mesurer" if i.status.value == "réalisée" else ""))
    return rows


# -- risks (indicator 32, 2026) ----------------------------------------------------------------------


@dataclass(frozen=True)
class RiskRow:
    id: str
    risk: str
    likelihood: str
    impact: str
    criticality: str  # « 12 élevée »
    level: str  # élevée, moyenne or faible
    measures: str  # how many
    owner: str
    next_review: str
    review_due: bool
    status: str


def risk_rows(register: Register, today: date) -> list[RiskRow]:
    """Most critical first."""
    rows = []
    for r in risks.by_criticality(register):
        late = risks.review_due(r, today)
        level = risks.level(r.criticality)
        rows.append(RiskRow(
            id=r.id, risk=r.risk, likelihood=str(r.likelihood), impact=str(r.impact),
            criticality=f"{r.criticality} {level}", level=level, measures=str(len(r.measures)), owner=r.owner or "",
            next_review=date_text(r.next_review) + (" à faire" if late else ""), review_due=late,
            status=r.status.value))
    return rows
