"""What `status` shows: where each session stands and what comes next.

Pure: takes the model, the journal entries and today's date, returns plain
records; the CLI decides how to print them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from qualikit.model import Project, Session, Status

PAST, RUNNING, UPCOMING = "terminée", "en cours", "à venir"


@dataclass(frozen=True)
class Todo:
    due: date
    text: str
    session_id: str | None = None

    def late(self, today: date) -> bool:
        return self.due < today


@dataclass(frozen=True)
class SessionLine:
    session: Session
    title: str
    phase: str
    statuses: Counter
    done: tuple[str, ...]  # journal kinds seen for this session


@dataclass
class Overview:
    today: date
    sessions: list[SessionLine] = field(default_factory=list)
    learners: Counter = field(default_factory=Counter)
    journal: Counter = field(default_factory=Counter)
    last_entries: list = field(default_factory=list)
    todo: list[Todo] = field(default_factory=list)


def phase(session: Session, today: date) -> str:
    if session.end < today:
        return PAST
    return RUNNING if session.start <= today else UPCOMING


def build_overview(project: Project, entries: list, now: datetime) -> Overview:
    today = now.date()
    by_session: dict[str, set[str]] = {}
    for e in entries:
        sid = e.data.get("session") if isinstance(e.data, dict) else None
        if sid:
            by_session.setdefault(sid, set()).add(e.kind.split(".")[0])
    out = Overview(today=today, journal=Counter(e.kind for e in entries), last_entries=entries[-5:])
    titles = {p.id: p.title for p in project.programmes}
    for session in sorted(project.sessions, key=lambda s: s.start):
        done = by_session.get(session.id, set())
        statuses = Counter(e.status for e in session.enrolments)
        out.learners.update(statuses)
        current = phase(session, today)
        out.sessions.append(SessionLine(session, titles.get(session.programme_id, session.programme_id), current,
                                        statuses, tuple(sorted(done))))
        out.todo.extend(_todos(project, session, current, done, now))
    out.todo.sort(key=lambda t: t.due)
    return out


def _todos(project: Project, session: Session, current: str, done: set[str], now: datetime) -> list[Todo]:
    todos = []
    today = now.date()
    lead = timedelta(days=project.settings.lead_time_days)
    if current == UPCOMING:
        from qualikit.model import Funder
        from qualikit.schedule import withdrawal_end

        for e in session.enrolments:
            if e.signed_on and project.funder_of(session, e) is Funder.PARTICULIER and \
                    withdrawal_end(e.signed_on) >= today:
                todos.append(Todo(withdrawal_end(e.signed_on), f"fin du délai de rétractation de {e.learner_id} "
                                  f"(session {session.id}) : convocation possible le lendemain", session.id))
    if current == UPCOMING and "onboard" not in done and session.start - lead <= today + timedelta(days=30):
        todos.append(Todo(session.start - lead, f"envoyer les convocations de la session {session.id} "
                          "(qualikit onboard)", session.id))
    if current in (RUNNING, PAST):
        called = {(a.date, a.half) for a in project.attendance if a.session_id == session.id}
        for day in session.days:
            if day.date > today:
                continue
            for half, hours in day.halves():
                started = day.date < today or hours.start <= now.time()
                if started and (day.date, half) not in called:
                    todos.append(Todo(day.date, f"saisir l'appel du {day.date:%d/%m} ({half.value}) de la "
                                      f"session {session.id}", session.id))
    if current == PAST and "close" not in done:
        active = [e for e in session.enrolments if e.status is not Status.ABANDON]
        if active:
            todos.append(Todo(session.end, f"clôturer la session {session.id} : attestations et certificats "
                              "(qualikit close-session)", session.id))
    return todos
