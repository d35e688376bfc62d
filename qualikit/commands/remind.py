"""`qualikit remind`, run daily: every step of the journey that is due, sent once, journaled.

What is due is computed from the project, the journey plan and the journal alone, so a
run can be repeated, interrupted or skipped for a few days (caught up within the window)
without sending anything twice. Prints nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import NamedTuple

from qualikit.base.clock import PARIS
from qualikit.base.frdates import clock_time, long_date
from qualikit.base.tokens import project_secret, survey_link, survey_token
from qualikit.commands.onboard import OnboardResult, onboard
from qualikit.delivery.send import DeliveryReport, Outgoing, Transport, deliver
from qualikit.documents.email import build_message, render_email, template_env
from qualikit.journey.facts import payer_key
from qualikit.journey.plan import (
    ABSENT,
    AT_RISK,
    COMPANY,
    DROPPED,
    FUNDERS,
    NO_COLD,
    NO_HOT,
    Step,
    announces,
    due_at,
    on_working_day,
    plan,
    steps_for,
)
from qualikit.project.journal import Entry, Journal
from qualikit.project.model import Learner, Project, Session


@dataclass(frozen=True)
class Due:
    step: Step
    session: Session
    learner: Learner | None  # None: the client company's contact, or a funder's
    key: str
    due: datetime
    to: str
    funder: str | None = None  # the funder's client id, for the funder survey


@dataclass
class RemindResult:
    onboarding: OnboardResult | None
    due: list[Due] = field(default_factory=list)
    too_late: list[Due] = field(default_factory=list)  # past the catch-up window: not sent
    delivery: DeliveryReport | None = None
    alerts: list = field(default_factory=list)
    digest: DeliveryReport | None = None
    receivables: list = field(default_factory=list)  # admin.invoicing.payments.Outstanding, as of today
    payments: DeliveryReport | None = None  # the reminders to payers

    @property
    def ok(self) -> bool:
        reports = [r for r in (self.delivery, self.digest, self.payments) if r is not None]
        if self.onboarding is not None:
            reports.append(self.onboarding.delivery)
        return all(r.ok for r in reports)


def due_items(project: Project, entries: list[Entry], now: datetime, journey=None) -> tuple[list[Due], list[Due]]:
    """Everything due by `now` and not yet journaled: (to send, too late to send).

    Where each learner stands comes from the dated journey: only convoked learners are
    written to, post-session steps wait for `close-session`, a survey reminder goes only to
    whoever was asked and has not answered.
    """
    from qualikit.journey import as_of

    steps = plan(project.journey)
    keys = {e.key for e in entries if e.key}
    journey = journey or as_of(project, entries, now.date())
    window = timedelta(days=project.settings.catch_up_days)
    calendar = project.settings.work_calendar
    send, late = [], []
    today = now.date()
    # on a day off nothing goes to learners, but what announces a session starting before the next working day
    day_off = not calendar.is_working_day(today)
    next_working = calendar.on_or_after(today + timedelta(days=1))
    for sj in journey:
        session = sj.session
        active = steps_for(steps, session)
        if not in_window(session, active, sj.closed, today, window):
            continue
        for step in active:
            if step.anchor == "fin" and (sj.closed is None or sj.closed > now):
                continue  # nothing after the session before it is closed: status and the digest say so
            if day_off and not (announces(step) and session.start <= next_working):
                continue
            for item in _targets(sj, step, steps, calendar):
                if item.key in keys or item.due > now:
                    continue
                started = step.anchor == "debut" and step.offset < 0 and now.date() >= session.start
                (late if started or now - item.due > window else send).append(item)
    return send, late


def in_window(session: Session, active: list[Step], closed: datetime | None, today, window: timedelta) -> bool:
    """Can a step of this session fall due today? A session whose every step is still ahead, or past
    the catch-up window, has nothing to send. A reminder can wait for its survey, and a step for the
    closing or a long weekend, hence the slack on the right."""
    if not active or not session.days:
        return False
    return _within(_reach(tuple(active)), session.start, session.end, closed, today, window)


def near_sessions(project: Project, closings: dict[str, datetime], today) -> set[str]:
    """The sessions with a step that can fall due today, from the plan and the closing dates alone
    (the plan's reach is worked out once per programme: a daily run reads 300 sessions in a blink)."""
    steps = plan(project.journey)
    window = timedelta(days=project.settings.catch_up_days)
    reach: dict[str | None, _Reach | None] = {}
    near = set()
    for s in project.sessions:
        if s.programme_id not in reach:
            active = steps_for(steps, s)
            reach[s.programme_id] = _reach(tuple(active)) if active else None
        r = reach[s.programme_id]
        if r is not None and s.days and _within(r, s.start, s.end, closings.get(s.id), today, window):
            near.add(s.id)
    return near


class _Reach(NamedTuple):
    """The day offsets a set of steps spans, from the session's first and from its last day
    (an absence follow-up counts from any day in between); None: no step on that side."""

    first_start: int | None
    first_end: int | None
    last_start: int | None
    last_end: int | None
    longest: int


def _reach(active: tuple[Step, ...]) -> _Reach:
    def extreme(pick, anchors):
        offsets = [s.offset for s in active if s.anchor in anchors]
        return pick(offsets) if offsets else None

    return _Reach(extreme(min, ("debut", "absence")), extreme(min, ("fin",)),
                  extreme(max, ("debut",)), extreme(max, ("fin", "absence")),
                  max(abs(s.offset) for s in active))


def _within(r: _Reach, start, end, closed: datetime | None, today, window: timedelta) -> bool:
    day = timedelta(days=1)
    first = min(base + offset * day for base, offset in ((start, r.first_start), (end, r.first_end))
                if offset is not None)
    last = max(base + offset * day for base, offset in ((start, r.last_start), (end, r.last_end))
               if offset is not None)
    if closed is not None:
        last = max(last, closed.date() + r.longest * day)
    return first - 5 * day <= today <= last + window + (r.longest + 5) * day


def _targets(sj, step: Step, steps: list[Step], calendar):
    for item in _nominal_targets(sj, step, steps):
        due = on_working_day(item.due, step, calendar)
        yield item if due == item.due else Due(item.step, item.session, item.learner, item.key, due, item.to,
                                               item.funder)


def _nominal_targets(sj, step: Step, steps: list[Step]):
    session = sj.session
    prefix = f"remind:{step.id}:{session.id}"
    closed = sj.closed
    if step.audience == COMPANY:
        if session.client_email:
            yield Due(step, session, None, f"{prefix}:entreprise", _after(due_at(step, session), closed),
                      session.client_email)
        return
    if step.audience == FUNDERS:
        for funder in sj.funders:
            if funder.email:
                yield Due(step, session, None, f"{prefix}:{payer_key(funder.id)}",
                          _after(due_at(step, session), closed), funder.email, funder.id)
        return
    for lj in sj.learners:
        learner = lj.learner
        if (step.audience == DROPPED) != lj.dropped:
            continue
        if lj.convoked is None:
            continue  # never convoked: no reminder of a training they were not invited to
        key = f"{prefix}:{learner.id}"
        if step.audience == ABSENT or step.anchor == "absence":
            for day in sorted({h.day for h in lj.absences}):
                yield Due(step, session, learner, f"{key}:{day.isoformat()}", due_at(step, session, day),
                          learner.email)
            continue
        if step.audience == AT_RISK and not lj.absences:
            continue
        if step.survey and step.audience not in (NO_HOT, NO_COLD) and lj.survey(step.survey).asked:
            continue  # the link already went (with the end-of-training documents)
        due = due_at(step, session)
        if step.anchor == "fin":
            due = _after(due, closed)
        if step.audience in (NO_HOT, NO_COLD):
            survey = lj.survey("chaud" if step.audience == NO_HOT else "froid")
            if survey.asked is None or survey.answered is not None:
                continue
            # a survey asked late (closing or machine late) keeps its full delay before the reminder
            first = next((s for s in steps if s.id == f"enquete-{'chaud' if step.audience == NO_HOT else 'froid'}"),
                         None)
            if first is not None and survey.asked.date() > due_at(first, session).date() + timedelta(days=1):
                gap = timedelta(days=step.offset - first.offset)
                due = max(due, datetime.combine(survey.asked.date() + gap, time(0, 0), PARIS))
        yield Due(step, session, learner, key, due, learner.email)


def _after(due: datetime, closed: datetime | None) -> datetime:
    """A post-session step falls due at its date, and not before the session was closed."""
    return max(due, closed) if closed is not None else due


def remind(project: Project, root: Path, journal: Journal, transport: Transport, now: datetime, *,
           dry_run: bool = False, digest_to: str | None = None) -> RemindResult:
    """The daily run. Only the sessions a step or an alert can concern today are read: on a quiet
    day of a year-sized project the journal is not even parsed."""
    from qualikit.journey import as_of
    from qualikit.quality.alerts import alerts, watched_sessions

    today = now.date()
    with journal.locked():
        onboarding = onboard(project, root, journal, transport, now, dry_run=dry_run)
        closings = {e.data.get("session"): e.ts for e in journal.entries_of("close.session")}
        wanted = near_sessions(project, closings, today) | watched_sessions(project, today)
        entries = journal.entries() if wanted or onboarding.delivery.sent else []
        journey = as_of(project, entries, today, only=wanted)
        send, late = due_items(project, entries, now, journey)
        result = RemindResult(onboarding, send, late)
        env = template_env(root) if send else None
        secret = project_secret(root) if send and not dry_run else b"dry-run"
        outgoing = [_outgoing(env, project, item, secret, now) for item in send]
        result.delivery = deliver(journal, transport, outgoing, dry_run=dry_run,
                                  spool=root / ".qualikit" / "spool")
        if not dry_run and (result.delivery.sent or onboarding.delivery.sent):
            entries = journal.entries()
            journey = as_of(project, entries, today, only=wanted)
        result.alerts = alerts(project, entries, now, root, journey=journey)
        result.alerts += _payments(project, root, journal, transport, now, result, dry_run)
        digests = journal.entries_of("remind.digest")
        # a digest that did not leave is sent again, updated, under its first key and Message-ID
        unsent = [a.about for a in result.alerts if a.kind == "envoi" and a.about.startswith(DIGEST)]
        pending = unsent[0] if unsent else None
        told = [a for a in result.alerts if a.about not in unsent]  # the digest does not speak of itself
        news = digest_news(told, digests, today)
        if pending and told:
            news = news or (told, [])
        if news and digest_to and not any(e.ts.date() == today for e in digests):
            digest = _digest(env or template_env(root), project, news, now, digest_to, journal.head(), key=pending,
                             receivables=result.receivables)
            result.digest = deliver(journal, transport, [digest], dry_run=dry_run,
                                    spool=root / ".qualikit" / "spool")
    return result


def _payments(project: Project, root: Path, journal: Journal, transport: Transport, now: datetime,
              result: RemindResult, dry_run: bool) -> list:
    """What is owed today (the ledger's invoice rows only), the reminders due to payers, and the
    overdue invoices as alerts for the digest."""
    from qualikit.admin.invoicing.ledger import ledger_of
    from qualikit.admin.invoicing.payments import REMINDER_KIND, outstanding, payment_alerts, reminded

    today = now.date()
    ledger = ledger_of(journal, today, project.payments)
    result.receivables = outstanding(ledger, today)
    if not result.receivables:
        return []
    from qualikit.commands.payment_reminders import payment_outgoing

    rows = journal.entries_of(REMINDER_KIND)
    outgoing = payment_outgoing(project, root, template_env(root), ledger, result.receivables, now,
                                {e.key for e in rows})
    if outgoing:
        result.payments = deliver(journal, transport, outgoing, dry_run=dry_run, spool=root / ".qualikit" / "spool")
        rows = journal.entries_of(REMINDER_KIND)
    return payment_alerts(result.receivables, today, reminded(rows), project)


def _sender(project: Project) -> tuple[str, str]:
    org = project.organisation
    email = org.sender_email
    name = org.sender_name
    return name, email


def _outgoing(env, project: Project, item: Due, secret: bytes, now: datetime) -> Outgoing:
    from qualikit.base.typography import fr

    session, learner, step = item.session, item.learner, item.step
    programme = project.programme(session.programme_id)
    trainer = project.trainer(session.trainer_id) if session.trainer_id else None
    link = None
    if step.survey and (template := project.settings.survey_url(step.survey)):
        who = learner.id if learner else payer_key(item.funder) if item.funder else "entreprise"
        link = survey_link(template, survey_token(secret, step.survey, session.id, who))
    name, email = _sender(project)
    context = {
        "learner": learner, "session": session, "programme": programme, "organisation": project.organisation,
        "trainer": trainer, "link": link, "step": step, "start": long_date(session.start),
        "end": long_date(session.end), "place": session.place, "distance_link": session.distance_link,
        "first_day": session.days[0],
        "start_time": clock_time(session.days[0].halves()[0][1].start), "signature": trainer.name if trainer else name,
    }
    rendered = render_email(env, step.template_name, context)
    rendered = type(rendered)(fr(rendered.subject), fr(rendered.text), rendered.html)
    funder = project.client(item.funder) if item.funder else None
    to_name = learner.full_name if learner else funder.name if funder else (session.client or "")
    message = build_message(sender_name=name, sender_email=email, to_name=to_name, to_email=item.to,
                            rendered=rendered, attachments=[], date=now, domain=email.rpartition("@")[2],
                            tags={"Step": step.id, "Session": session.id})
    data = {"session": session.id, "step": step.id, "label": step.label, "due": item.due.isoformat(),
            "surveys": [step.survey] if link else []}
    if learner:
        data["learner"] = learner.id
    if item.funder:
        data["funder"] = item.funder
    return Outgoing(key=item.key, message=message, kind=f"remind.{step.id}", data=data)


DIGEST_REMINDER = timedelta(days=7)  # what is still waiting is said again once a week


def digest_news(alerts: list, entries: list[Entry], today) -> tuple[list, list] | None:
    """(new, still waiting) for today's digest, or None when there is nothing to say.

    The trainer hears of a situation the day it appears; after that it is repeated once a week
    while it lasts, not every day."""
    if not alerts:
        return None
    last = next((e for e in reversed(entries) if e.kind == "remind.digest" and e.ts.date() < today), None)
    if last is None:
        return alerts, []
    known = set(last.data.get("refs") or last.data.get("alerts") or ())
    new = [a for a in alerts if a.ref not in known]
    still = [a for a in alerts if a.ref in known]
    if new or today - last.ts.date() >= DIGEST_REMINDER:
        return new, still
    return None


DIGEST = "remind:digest:"


def _digest(env, project: Project, news: tuple[list, list], now: datetime, to: str, head=None,
            key: str | None = None, receivables=()) -> Outgoing:
    from qualikit.project.schedule import euros

    name, email = _sender(project)
    new, still = news
    owed = [{"number": o.invoice.number, "payer": o.invoice.buyer.name, "left": euros(o.due, cents=True),
             "due_on": long_date(o.invoice.due_on), "overdue": o.overdue} for o in receivables]
    rendered = render_email(env, "alertes", {"new": new, "still": still, "today": long_date(now.date()),
                                             "organisation": project.organisation, "receivables": owed})
    if head is not None:  # a copy of the journal's head outside the folder: a cut journal shows
        from html import escape

        rendered = type(rendered)(rendered.subject, f"{rendered.text.rstrip()}\n\n{head.text()}\n",
                                  rendered.html.replace("</body>", f"<p>{escape(head.text())}</p>\n</body>", 1))
    message = build_message(sender_name="qualikit", sender_email=email, to_name=name, to_email=to,
                            rendered=rendered, attachments=[], date=now, domain=email.rpartition("@")[2])
    alerts = [*new, *still]
    return Outgoing(key=key or f"{DIGEST}{now.date().isoformat()}", message=message, kind="remind.digest",
                    data={"alerts": [a.text for a in alerts], "refs": [a.ref for a in alerts], "new": len(new)})
