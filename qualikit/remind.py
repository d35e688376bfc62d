"""`qualikit remind`, run daily: every step of the journey that is due, sent once, journaled.

What is due is computed from the project, the journey plan and the journal alone, so a
run can be repeated, interrupted or skipped for a few days (caught up within the window)
without sending anything twice. Prints nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path

from qualikit.clock import PARIS
from qualikit.delivery import DeliveryReport, Outgoing, Transport, deliver
from qualikit.frdates import long_date
from qualikit.journal import Entry, Journal
from qualikit.journey import ABSENT, AT_RISK, COMPANY, DROPPED, NO_COLD, NO_HOT, Step, due_at, plan, steps_for
from qualikit.model import Learner, Project, Session, Status
from qualikit.onboard import OnboardResult, onboard
from qualikit.render.email import build_message, render_email, template_env
from qualikit.tokens import project_secret, survey_link, survey_token

ANSWER = "survey.answer"  # journal kind written by the survey import: data {survey, session, learner}


@dataclass(frozen=True)
class Due:
    step: Step
    session: Session
    learner: Learner | None  # None: the client company's contact
    key: str
    due: datetime
    to: str


@dataclass
class RemindResult:
    onboarding: OnboardResult | None
    due: list[Due] = field(default_factory=list)
    too_late: list[Due] = field(default_factory=list)  # past the catch-up window: not sent
    delivery: DeliveryReport | None = None
    alerts: list = field(default_factory=list)
    digest: DeliveryReport | None = None

    @property
    def ok(self) -> bool:
        reports = [r for r in (self.delivery, self.digest) if r is not None]
        if self.onboarding is not None:
            reports.append(self.onboarding.delivery)
        return all(r.ok for r in reports)


def answered(entries: list[Entry]) -> set[tuple[str, str, str]]:
    return {(e.data.get("survey"), e.data.get("session"), e.data.get("learner"))
            for e in entries if e.kind == ANSWER and isinstance(e.data, dict)}


def due_items(project: Project, entries: list[Entry], now: datetime) -> tuple[list[Due], list[Due]]:
    """Everything due by `now` and not yet journaled: (to send, too late to send)."""
    steps = plan(project.journey)
    keys = {e.key: e.ts for e in entries if e.key}  # key → when it was done
    replies = answered(entries)
    window = timedelta(days=project.settings.catch_up_days)
    absences = _absences(project)
    send, late = [], []
    today = now.date()
    for session in project.sessions:
        if not session.days:
            continue
        active = steps_for(steps, session)
        # a session whose every step is still ahead, or past the catch-up window, has nothing to send;
        # a reminder can wait for its survey, hence the extra gap on the right
        first = min(_nominal(s, session, session.start) for s in active) if active else None
        last = max(_nominal(s, session, session.end) for s in active) if active else None
        if first is None or today < first or today > last + window + timedelta(days=max(
                (abs(s.offset) for s in active), default=0)):
            continue
        for step in active:
            for item in _targets(project, session, step, keys, replies, absences, steps):
                if item.key in keys or item.due > now:
                    continue
                started = step.anchor == "debut" and step.offset < 0 and now.date() >= session.start
                (late if started or now - item.due > window else send).append(item)
    return send, late


def _nominal(step: Step, session: Session, absence_day):
    """The day a step falls on; absence follow-ups count from `absence_day` (first or last day)."""
    if step.anchor == "absence":
        return absence_day + timedelta(days=step.offset)
    return due_at(step, session).date()


def _absences(project: Project) -> dict[tuple[str, str], list]:
    out: dict[tuple[str, str], list] = {}
    for a in project.attendance:
        for lid in a.absent:
            out.setdefault((a.session_id, lid), []).append(a.date)
    return out


def _targets(project, session, step, keys, replies, absences, steps):
    prefix = f"remind:{step.id}:{session.id}"
    if step.audience == COMPANY:
        if session.client_email:
            yield Due(step, session, None, f"{prefix}:entreprise", due_at(step, session), session.client_email)
        return
    for enrolment in session.enrolments:
        learner = project.learner(enrolment.learner_id)
        if learner is None:
            continue
        dropped = enrolment.status is Status.ABANDON
        if (step.audience == DROPPED) != dropped:
            continue
        key = f"{prefix}:{learner.id}"
        if step.audience == ABSENT or step.anchor == "absence":
            for day in sorted(set(absences.get((session.id, learner.id), []))):
                yield Due(step, session, learner, f"{key}:{day.isoformat()}", due_at(step, session, day),
                          learner.email)
            continue
        if step.audience == AT_RISK and not absences.get((session.id, learner.id)):
            continue
        if step.id == "enquete-chaud" and f"close:email:{session.id}:{learner.id}" in keys:
            continue  # the link went with the end-of-training documents
        due = due_at(step, session)
        if step.audience in (NO_HOT, NO_COLD):
            survey = "chaud" if step.audience == NO_HOT else "froid"
            asked = keys.get(f"remind:enquete-{survey}:{session.id}:{learner.id}")
            if survey == "chaud":
                asked = asked or keys.get(f"close:email:{session.id}:{learner.id}")
            if asked is None or (survey, session.id, learner.id) in replies:
                continue
            # a survey caught up late (machine off) keeps its full delay before the reminder
            first = next((s for s in steps if s.id == f"enquete-{survey}"), None)
            if first is not None and asked.date() > due_at(first, session).date() + timedelta(days=1):
                gap = timedelta(days=step.offset - first.offset)
                due = max(due, datetime.combine(asked.date() + gap, time(0, 0), PARIS))
        yield Due(step, session, learner, key, due, learner.email)


def remind(project: Project, root: Path, journal: Journal, transport: Transport, now: datetime, *,
           dry_run: bool = False, digest_to: str | None = None) -> RemindResult:
    from qualikit.alerts import alerts

    with journal.locked():
        onboarding = onboard(project, root, journal, transport, now, dry_run=dry_run)
        entries = journal.entries()
        send, late = due_items(project, entries, now)
        result = RemindResult(onboarding, send, late)
        env = template_env(root) if send else None
        secret = project_secret(root) if send and not dry_run else b"dry-run"
        outgoing = [_outgoing(env, project, item, secret, now) for item in send]
        result.delivery = deliver(journal, transport, outgoing, dry_run=dry_run,
                                  spool=root / ".qualikit" / "spool")
        sent = not dry_run and (result.delivery.sent or onboarding.delivery.sent)
        result.alerts = alerts(project, journal.entries() if sent else entries, now, root)
        if result.alerts and digest_to and f"remind:digest:{now.date().isoformat()}" not in {e.key for e in entries}:
            digest = _digest(env or template_env(root), project, result.alerts, now, digest_to)
            result.digest = deliver(journal, transport, [digest], dry_run=dry_run,
                                    spool=root / ".qualikit" / "spool")
    return result


def _sender(project: Project) -> tuple[str, str]:
    org = project.organisation
    email = org.sender_email
    name = org.sender_name
    return name, email


def _outgoing(env, project: Project, item: Due, secret: bytes, now: datetime) -> Outgoing:
    from qualikit.typography import fr

    session, learner, step = item.session, item.learner, item.step
    programme = project.programme(session.programme_id)
    trainer = project.trainer(session.trainer_id) if session.trainer_id else None
    link = None
    if step.survey and (template := project.settings.survey_url(step.survey)):
        who = learner.id if learner else "entreprise"
        link = survey_link(template, survey_token(secret, step.survey, session.id, who))
    name, email = _sender(project)
    context = {
        "learner": learner, "session": session, "programme": programme, "organisation": project.organisation,
        "trainer": trainer, "link": link, "step": step, "start": long_date(session.start),
        "end": long_date(session.end), "place": session.place, "distance_link": session.distance_link,
        "first_day": session.days[0], "signature": trainer.name if trainer else name,
    }
    rendered = render_email(env, step.template_name, context)
    rendered = type(rendered)(fr(rendered.subject), fr(rendered.text), rendered.html)
    to_name = learner.full_name if learner else (session.client or "")
    message = build_message(sender_name=name, sender_email=email, to_name=to_name, to_email=item.to,
                            rendered=rendered, attachments=[], date=now, domain=email.rpartition("@")[2],
                            tags={"Step": step.id, "Session": session.id})
    data = {"session": session.id, "step": step.id, "label": step.label, "due": item.due.isoformat()}
    if learner:
        data["learner"] = learner.id
    return Outgoing(key=item.key, message=message, kind=f"remind.{step.id}", data=data)


def _digest(env, project: Project, alerts: list, now: datetime, to: str) -> Outgoing:
    name, email = _sender(project)
    rendered = render_email(env, "alertes", {"alerts": alerts, "today": long_date(now.date()),
                                             "organisation": project.organisation})
    message = build_message(sender_name="qualikit", sender_email=email, to_name=name, to_email=to,
                            rendered=rendered, attachments=[], date=now, domain=email.rpartition("@")[2])
    return Outgoing(key=f"remind:digest:{now.date().isoformat()}", message=message, kind="remind.digest",
                    data={"alerts": [a.text for a in alerts]})
