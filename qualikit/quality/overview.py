"""What `status` shows, read from the dated journey: each session and learner with where they
stand and what comes next, the key figures of the period, and the trainer's to-do list.

Pure: the project, the journal entries and a moment in, plain records out; the CLI prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from qualikit.journey.facts import Journey, LearnerJourney, SessionJourney
from qualikit.journey.state import State
from qualikit.project.model import Project

KEY_FIGURES = ("Apprenants", "Taux d'achèvement", "Taux d'abandon", "Taux de réponse à chaud", "Satisfaction")
FOLLOWED = timedelta(days=14)  # a closed session stays in the detailed view this long


@dataclass(frozen=True)
class Todo:
    due: date
    text: str
    session_id: str | None = None

    def late(self, today: date) -> bool:
        return self.due < today


@dataclass
class SessionView:
    journey: SessionJourney
    title: str
    state: State
    learners: list[tuple[LearnerJourney, State]]

    @property
    def attention(self) -> bool:
        return self.state.attention or any(st.attention for _, st in self.learners)


@dataclass
class Overview:
    today: date
    journey: Journey
    sessions: list[SessionView] = field(default_factory=list)
    figures: list = field(default_factory=list)  # quality.figures.Figure, the period's key figures
    period: str = ""
    todo: list[Todo] = field(default_factory=list)

    def current(self, view: SessionView) -> bool:
        """Shown learner by learner by default: convocations due or sent, running, to close, just closed,
        or anything that needs the trainer."""
        sj = view.journey
        if view.attention:
            return True
        started = sj.session.start <= self.today + timedelta(days=30) and any(lj.convoked for lj in sj.learners)
        return started and (sj.closed is None or sj.closed.date() + FOLLOWED >= self.today)


def build_overview(project: Project, entries: list, now: datetime, start: date | None = None,
                   end: date | None = None) -> Overview:
    from qualikit.journey import as_of
    from qualikit.journey.asof import entries_as_of, project_as_of
    from qualikit.journey.hours import missing_roll_calls
    from qualikit.journey.plan import plan
    from qualikit.journey.roll_calls import with_signed
    from qualikit.journey.state import convocation_day, states
    from qualikit.quality.figures import compute

    today = now.date()
    journey = as_of(project, entries, today)
    known = with_signed(project_as_of(project, today), entries_as_of(entries, today))  # sheets signed in the room
    steps = plan(project.journey)
    titles = {p.id: p.title for p in project.programmes}
    kpis = compute(project, entries, start=start, end=end, journey=journey)
    out = Overview(today, journey, figures=[f for label in KEY_FIGURES if (f := kpis.get(label))],
                   period=kpis.period)
    for sj, state, learners in states(journey, now, project.settings, steps):
        out.sessions.append(SessionView(sj, titles.get(sj.session.programme_id, sj.session.programme_id),
                                        state, learners))
    out.sessions.sort(key=lambda v: (v.journey.session.start, v.journey.id))
    for view in out.sessions:
        session = view.journey.session
        if session.start <= today:
            for day, half in missing_roll_calls(known, session):
                hours = next(h for d in session.days if d.date == day for x, h in d.halves() if x == half)
                if day < today or (day == today and hours.end <= now.time()):
                    out.todo.append(Todo(day, f"saisir l'appel du {day:%d/%m} ({half.value}) de la session "
                                         f"{session.id}", session.id))
        if view.state.attention:
            out.todo.append(Todo(session.end, f"session {session.id} : {view.state.next} (attestations, "
                                 "certificats et enquête à chaud attendent)", session.id))
        for lj, st in view.learners:
            if st.attention and not view.state.attention:
                out.todo.append(Todo(min(session.start, today), f"{lj.learner.full_name} (session {session.id}) : "
                                     f"{st.text} — {st.next}", session.id))
        if not view.journey.learners or any(lj.convoked for lj in view.journey.learners) or session.start <= today:
            continue
        due = convocation_day(view.journey, project.settings)
        if due <= today + timedelta(days=30):
            out.todo.append(Todo(max(due, today), f"envoyer les convocations de la session {session.id} "
                                 "(qualikit onboard, ou chaque jour qualikit remind)", session.id))
    out.todo.sort(key=lambda t: t.due)
    return out
