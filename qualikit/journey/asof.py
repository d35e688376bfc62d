"""What was known at the end of a day: the project and the journal cut at a date.

Every command reads the world through this cut, so `--today D` (or an audit date) shows
nothing done after D: no roll call, drop-out, signature or result dated later, no journal
row written later. Project records carry their own dates; the journal its timestamps.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from qualikit.base.clock import PARIS
from qualikit.project.model import Enrolment, Project, Session, Status


def end_of(day: date) -> datetime:
    """The last instant of `day` in Paris: what happened that day counts, nothing later."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), PARIS) - timedelta(microseconds=1)


def project_as_of(project: Project, day: date, only: set[str] | None = None) -> Project:
    """The project as the trainer knew it at the end of `day`.

    Enrolments made later are unknown; a drop-out or a signature dated later has not
    happened yet; roll calls of later days are not taken; results of a session still
    running are not final. `only`: just these sessions, their roll calls and results (a daily
    run cuts the few it reads, not the year).
    """
    kept = project.sessions if only is None else [s for s in project.sessions if s.id in only]
    if only is not None and not kept:  # a quiet day of the daily run: no roll call nor result is even looked at
        return replace(project, sessions=(), attendance=(), evaluations=())
    sessions = tuple(_session(s, day) for s in kept)
    ended = {s.id for s in sessions if s.days and s.end <= day}
    called = None if only is None else {s.id for s in sessions}
    return replace(
        project,
        sessions=sessions,
        attendance=tuple(a for a in project.attendance
                         if a.date <= day and (called is None or a.session_id in called)),
        evaluations=tuple(e for e in project.evaluations if e.session_id in ended),
    )


def _session(session: Session, day: date) -> Session:
    kept = tuple(_enrolment(e, day) for e in session.enrolments if e.enrolled_on is None or e.enrolled_on <= day)
    return session if kept == session.enrolments else replace(session, enrolments=kept)


def _enrolment(enrolment: Enrolment, day: date) -> Enrolment:
    changes = {}
    if enrolment.status is Status.ABANDON and enrolment.dropout_date and enrolment.dropout_date > day:
        changes.update(status=Status.INSCRIT, dropout_date=None, dropout_reason=None)
    if enrolment.signed_on and enrolment.signed_on > day:
        changes["signed_on"] = None
    return replace(enrolment, **changes) if changes else enrolment


def entries_as_of(entries: list, day: date) -> list:
    """Journal rows written by the end of `day`."""
    cutoff = end_of(day)
    return [e for e in entries if e.ts <= cutoff]
