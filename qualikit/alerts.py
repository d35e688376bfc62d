"""Alerts a trainer must see (indicator 12): drop-outs above the threshold, repeated absences,
hot-survey answers below the target once reminders are done. Thresholds are settings:
qualikit's practice, not audit rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from qualikit.journal import Entry
from qualikit.model import Project, Status

REPEATED_ABSENCES = 2
SURVEY_WATCH = (timedelta(days=4), timedelta(days=60))  # after the E+3 reminder, for two months


@dataclass(frozen=True)
class Alert:
    kind: str  # abandon | absences | reponses
    session_id: str
    text: str  # French, one line


def percent(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('1'))}\u00a0%"


def alerts(project: Project, entries: list[Entry], now: datetime, root: Path | None = None) -> list[Alert]:
    """`root` given: unanswered complaints past the target delay are included (the register lives there)."""
    from qualikit.remind import answered

    settings = project.settings
    out = []
    replies = answered(entries)
    keys = {e.key for e in entries if e.key}
    names = {x.id: x.full_name for x in project.learners}
    absences: dict[tuple[str, str], int] = {}
    for a in project.attendance:
        for lid in a.absent:
            absences[(a.session_id, lid)] = absences.get((a.session_id, lid), 0) + 1
    for session in project.sessions:
        if not session.days or session.start > now.date() or now.date() - session.end > SURVEY_WATCH[1]:
            continue  # not started, or over for two months: nothing left to act on
        started = [e for e in session.enrolments  # a withdrawal before the first day is no drop-out
                   if not (e.status is Status.ABANDON and e.dropout_date and e.dropout_date < session.start)]
        dropped = [e for e in started if e.status is Status.ABANDON]
        if started and Decimal(len(dropped)) / len(started) > settings.dropout_alert_rate:
            rate = Decimal(len(dropped)) / len(started)
            out.append(Alert("abandon", session.id, f"session {session.id} : {len(dropped)} abandon(s) sur "
                             f"{len(started)}, soit {percent(rate)}, au-dessus du seuil de "
                             f"{percent(settings.dropout_alert_rate)}"))
        for e in session.enrolments:
            n = absences.get((session.id, e.learner_id), 0)
            if n >= REPEATED_ABSENCES and e.status is not Status.ABANDON:
                out.append(Alert("absences", session.id, f"{names.get(e.learner_id, e.learner_id)} : absent·e "
                                 f"{n} demi-journées (session {session.id})"))
        since_end = now.date() - session.end
        if SURVEY_WATCH[0] <= since_end <= SURVEY_WATCH[1]:
            asked = [e.learner_id for e in session.enrolments
                     if f"remind:enquete-chaud:{session.id}:{e.learner_id}" in keys
                     or f"close:email:{session.id}:{e.learner_id}" in keys]
            if asked:
                got = sum(1 for lid in asked if ("chaud", session.id, lid) in replies)
                rate = Decimal(got) / len(asked)
                if rate < settings.response_target_rate:
                    out.append(Alert("reponses", session.id, f"session {session.id} : {got} réponse(s) à "
                                     f"l'enquête à chaud sur {len(asked)}, soit {percent(rate)}, sous l'objectif "
                                     f"de {percent(settings.response_target_rate)}"))
    if root is not None and (root / "registre-reclamations.yaml").is_file():
        from qualikit.registers import incidents

        document = incidents.load(root)
        if document.ok:
            out += incidents.overdue_alerts(document.register, now, incidents.target_hours(project))
    return out
