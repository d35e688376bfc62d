"""Calendar invitations over time: the first one goes with the convocation (onboard); a later change
of days, hours or place sends an update under the same UID with SEQUENCE + 1, and a learner who
withdraws gets a cancellation. Every invite sent is journaled with its UID and the digest of its
content (`documents.ics.invite_digest`), so the revision number is read back from the journal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from qualikit.base.frdates import long_date, time_range
from qualikit.delivery.send import Outgoing
from qualikit.documents.email import Attachment, build_message, render_email
from qualikit.documents.ics import CANCEL, REQUEST, day_location, invite_digest, invite_uid, mime_params, render_invite
from qualikit.journey.facts import session_end
from qualikit.project.journal import Entry
from qualikit.project.model import Learner, Project, Session, Status

CANCELLED = "annulée"  # the digest recorded for a cancellation


@dataclass(frozen=True)
class InviteState:
    """What the learner's calendar holds, as the journal knows it."""

    sequence: int  # SEQUENCE of the last invite sent
    digest: str  # its content (CANCELLED after a cancellation)


def invite_history(entries: list[Entry]) -> dict[str, InviteState]:
    """Each UID's last revision: the sequence goes up by one each time the content sent changes."""
    out: dict[str, InviteState] = {}
    for e in entries:
        data = e.data if isinstance(e.data, dict) else {}
        uid, digest = data.get("invite"), data.get("invite_digest")
        if not uid or not digest:
            continue
        last = out.get(uid)
        sequence = 0 if last is None else last.sequence + (digest != last.digest)
        out[uid] = InviteState(sequence, digest)
    return out


def next_sequence(history: dict[str, InviteState], uid: str, digest: str) -> int:
    last = history.get(uid)
    return 0 if last is None else last.sequence + (digest != last.digest)


def invite_attachment(project: Project, session: Session, learner: Learner, now: datetime, domain: str,
                      history: dict[str, InviteState], method: str = REQUEST,
                      cancelled: tuple[date, ...] = ()) -> tuple[Attachment, dict]:
    """The .ics attachment and the journal data that records it."""
    org, programme = project.organisation, project.programme(session.programme_id)
    uid = invite_uid(session, learner, domain)
    digest = CANCELLED if method == CANCEL else invite_digest(org, programme, session, learner, domain)
    sequence = next_sequence(history, uid, digest)
    content = render_invite(org, programme, session, learner, now, domain, sequence=sequence, method=method,
                            cancelled=cancelled)
    name = "annulation.ics" if method == CANCEL else "formation.ics"
    attachment = Attachment(name, content, "text/calendar", tuple(mime_params(method).items()))
    return attachment, {"invite": uid, "invite_digest": digest, "sequence": sequence}


def invite_changes(project: Project, entries: list[Entry], journey, env, now: datetime, domain: str) -> list[Outgoing]:
    """Updates and cancellations due: for every learner whose calendar holds an invite of a session not
    over yet, the invite as the project says now, when it differs from the last one sent."""
    history = invite_history(entries)
    org = project.organisation
    out = []
    for session in project.sessions:
        if not session.days or session_end(session) <= now:
            continue
        for enrolment in session.enrolments:
            learner = project.learner(enrolment.learner_id)
            if learner is None:
                continue
            uid = invite_uid(session, learner, domain)
            last = history.get(uid)
            if last is None or last.digest == CANCELLED:
                continue
            lj = journey.learner(session.id, learner.id)
            cancelled: tuple[date, ...] = ()
            if enrolment.status is Status.ABANDON or (lj is not None and lj.dropped):
                left = enrolment.dropout_date or now.date()
                cancelled = tuple(d.date for d in session.days if d.date > left)
                if not cancelled:
                    continue  # gone on the last day: nothing left in the calendar to take out
                method, template = CANCEL, "convocation-annulee"
            else:
                if invite_digest(org, project.programme(session.programme_id), session, learner, domain) == last.digest:
                    continue
                method, template = REQUEST, "convocation-modifiee"
            attachment, data = invite_attachment(project, session, learner, now, domain, history, method, cancelled)
            message = _message(env, project, session, learner, template, attachment, now, domain, cancelled)
            out.append(Outgoing(key=f"onboard:invite:{session.id}:{learner.id}:{data['sequence']}", message=message,
                                kind="onboard.invite", data={"session": session.id, "learner": learner.id,
                                                             "method": method, **data}))
    return out


def _message(env, project, session, learner, template, attachment, now, domain, cancelled=()):
    from qualikit.base.typography import fr

    org = project.organisation
    programme = project.programme(session.programme_id)
    trainer = project.trainer(session.trainer_id) if session.trainer_id else None
    days = [{"label": long_date(d.date), "hours": " et ".join(time_range(r) for _, r in d.halves()),
             "where": day_location(session, d) or "lieu à préciser"}
            for d in sorted(session.days, key=lambda d: d.date)]
    dates = (f"le {long_date(session.start)}" if session.start == session.end
             else f"du {long_date(session.start)} au {long_date(session.end)}")
    context = {"learner": learner, "session": session, "programme": programme, "organisation": org,
               "days": days, "dates": dates,
               "from": long_date(min(cancelled)) if cancelled and len(cancelled) < len(session.days) else None,
               "signature": trainer.name if trainer else org.sender_name}
    rendered = render_email(env, template, context)
    rendered = type(rendered)(fr(rendered.subject), fr(rendered.text), rendered.html)
    return build_message(sender_name=org.sender_name, sender_email=org.sender_email, to_name=learner.full_name,
                         to_email=learner.email, rendered=rendered, date=now, domain=domain,
                         tags={"Step": template, "Session": session.id}, attachments=[attachment])
