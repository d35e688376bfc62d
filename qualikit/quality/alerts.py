"""Alerts a trainer must see (indicator 12): drop-outs above the threshold, repeated absences,
hot-survey answers below the target once reminders are done, sessions over and not closed.
Thresholds are settings: qualikit's practice, not audit rules. Rates come from
`quality.figures`, the same functions as the KPIs, so the two never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from qualikit.base.frdates import clock_time
from qualikit.base.typography import agree, plural
from qualikit.project.journal import Entry
from qualikit.project.model import Project

REPEATED_ABSENCES = 2
SURVEY_WATCH = (timedelta(days=4), timedelta(days=60))  # after the E+3 reminder, for two months


@dataclass(frozen=True)
class Alert:
    kind: str  # abandon | absences | reponses | cloture | convocation | reclamation | envoi
    session_id: str
    text: str  # French, one line
    about: str = ""  # the learner or complaint it concerns, so `ref` stays the same while the text changes

    @property
    def ref(self) -> str:
        """The same situation from one day to the next (the digest tells new from still waiting)."""
        return f"{self.kind}:{self.session_id}:{self.about}"


def percent(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('1'))}\u00a0%"


def alerts(project: Project, entries: list[Entry], now: datetime, root: Path | None = None,
           journey=None) -> list[Alert]:
    """`root` given: unanswered complaints past the target delay are included (the register lives there)."""
    from qualikit.base.frdates import long_date
    from qualikit.journey import as_of
    from qualikit.quality.figures import dropout, response

    settings = project.settings
    today = now.date()
    watched = watched_sessions(project, today)
    journey = journey or as_of(project, entries, today, only=watched)
    out = []
    for sj in journey:
        if sj.id not in watched:
            continue
        session = sj.session
        out += _not_convoked(sj, today, settings.lead_time_days)
        if session.start > today or today - session.end > SURVEY_WATCH[1]:
            continue  # not started, or over for two months: nothing left to act on
        rate = dropout([sj])
        if rate.denominator and Decimal(rate.numerator) / rate.denominator > settings.dropout_alert_rate:
            out.append(Alert("abandon", session.id, f"session {session.id} : {plural(rate.numerator, 'abandon')} sur "
                             f"{rate.denominator}, soit {percent(Decimal(rate.numerator) / rate.denominator)}, "
                             f"au-dessus du seuil de {percent(settings.dropout_alert_rate)}"))
        for lj in sj.learners:
            n = len(lj.absences)
            if n >= REPEATED_ABSENCES and not lj.dropped:
                out.append(Alert("absences", session.id, agree(f"{lj.learner.full_name} : absent·e "
                                 f"{n} demi-journées (session {session.id})", lj.learner.civility), lj.learner.id))
        if sj.closed is None and now >= sj.ends_at:
            waiting = [lj for lj in sj.learners if not lj.dropped]
            if waiting:
                out.append(Alert("cloture", session.id, f"session {session.id} terminée le "
                                 f"{long_date(session.end)} et pas encore clôturée : ni attestation, ni "
                                 "certificat, ni enquête ne partent (qualikit close-session)"))
        since_end = today - session.end
        hot = response([sj], "chaud")
        if SURVEY_WATCH[0] <= since_end <= SURVEY_WATCH[1] and hot.denominator:
            rate = Decimal(hot.numerator) / hot.denominator
            if rate < settings.response_target_rate:
                sent = "envoyées" if hot.denominator > 1 else "envoyée"
                out.append(Alert("reponses", session.id, f"session {session.id} : {plural(hot.numerator, 'réponse')} à "
                                 f"l'enquête à chaud sur {hot.denominator} {sent}, soit {percent(rate)}, "
                                 f"sous l'objectif de {percent(settings.response_target_rate)}"))
    out += delivery_alerts(entries)
    if root is not None and (root / "registre-reclamations.yaml").is_file():
        from qualikit.quality.registers import incidents

        document = incidents.load(root)
        if document.ok:
            out += complaint_alerts(document.register, now, incidents.target_hours(project))
    return out


def delivery_alerts(entries: list[Entry]) -> list[Alert]:
    """One alert per message planned and not sent: what happened and what the trainer can do."""
    from qualikit.project.outbound import describe, unsent

    return [Alert("envoi", m.data["session"] if isinstance(m.data.get("session"), str) else "", describe(m), m.key)
            for m in unsent(entries)]


def watched_sessions(project: Project, today) -> set[str]:
    """The sessions an alert can be about today: convocations due, running, or over for less than
    two months (the rest need not be read at all)."""
    lead = timedelta(days=project.settings.lead_time_days)
    return {s.id for s in project.sessions if s.days and s.start - lead <= today <= s.end + SURVEY_WATCH[1]}


def complaint_alerts(register, now: datetime, hours: int) -> list[Alert]:
    """One alert per unanswered réclamation past the target, for the daily digest."""
    from qualikit.quality.registers.incidents import overdue, waiting

    out = []
    for incident in overdue(register, now, hours):
        elapsed = int(waiting(incident, now).total_seconds() // 3600)
        where = f", session {incident.session}" if incident.session else ""
        out.append(Alert("reclamation", incident.session or "",
                         f"réclamation {incident.id} (reçue le {incident.received:%d/%m/%Y} à "
                         f"{clock_time(incident.received)}{where}) "
                         f"sans réponse depuis {elapsed}\u00a0h, au-delà de l'objectif de {hours}\u00a0h",
                         incident.id))
    return out


def _not_convoked(sj, today, lead_days: int) -> list[Alert]:
    """Learners who should have been convoked by now and cannot be: the trainer is told why."""
    from qualikit.base.frdates import long_date

    session = sj.session
    if not session.days or not (session.start - timedelta(days=lead_days) <= today < session.start):
        return []
    out = []
    for lj in sj.learners:
        why = None if lj.dropped or lj.convoked else lj.contract_wait(today)
        if why:
            out.append(Alert("convocation", session.id, agree(f"{lj.learner.full_name} n'est pas convoqué·e à la "
                             f"session {session.id} (début le {long_date(session.start)}) : {why}",
                             lj.learner.civility), lj.learner.id))
    return out
