"""Onboarding (D-7): each learner's welcome kit, calendar invite, survey links and welcome e-mail,
and each session's attendance sheet — issued and sent exactly once, journaled.

Pure orchestration: it renders with qualikit.documents, writes with qualikit.base.files,
sends with qualikit.delivery.send and records with the journal; it prints nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from qualikit.base.batch import ordered
from qualikit.base.files import safe_name, write_atomic
from qualikit.base.frdates import long_date, time_range
from qualikit.base.tokens import attendance_pin, project_secret, survey_link, survey_token
from qualikit.delivery.send import DeliveryReport, Outgoing, Transport, deliver
from qualikit.documents.email import Attachment, attachment_name, build_message, render_email, template_env
from qualikit.project.journal import Entry, Journal
from qualikit.project.model import Enrolment, Learner, Project, Session, Status

OUTPUT = "sortie"
ENTRY_SURVEYS = ("besoins", "positionnement")  # sent with the kit (indicators 4 and 8)


class OnboardError(Exception):
    """Onboarding cannot start (unknown session, unusable template…); French message."""


@dataclass
class SessionResult:
    session: Session
    issued: list[str] = field(default_factory=list)  # learner ids whose kit was (re)issued now
    waiting: list[str] = field(default_factory=list)  # learners not onboarded and why (dropped out)
    sheet: str | None = None  # attendance sheet path when (re)issued now


@dataclass
class OnboardResult:
    sessions: list[SessionResult]
    delivery: DeliveryReport


def due_sessions(project: Project, today: date, session_id: str | None = None) -> list[Session]:
    """The named session, or every session starting within the lead time (and not started yet)."""
    if session_id is not None:
        session = project.session(session_id)
        if session is None:
            known = ", ".join(s.id for s in project.sessions[:8])
            raise OnboardError(f"session « {session_id} » inconnue (sessions : {known})")
        return [session]
    calendar = project.settings.work_calendar
    next_working = calendar.on_or_after(today + timedelta(days=1))
    if not calendar.is_working_day(today):
        # a day off: only what cannot wait for the next working day
        return [s for s in project.sessions if today < s.start <= next_working]
    # a working day before days off convokes for them too: the lead time is kept, never shortened
    horizon = next_working - timedelta(days=1) + timedelta(days=project.settings.lead_time_days)
    return [s for s in project.sessions if today < s.start <= horizon]


def active(enrolment: Enrolment) -> bool:
    return enrolment.status is not Status.ABANDON


def entry_links(project: Project, secret: bytes, session: Session, learner: Learner) -> dict[str, str]:
    links = {}
    for survey in ENTRY_SURVEYS:
        template = project.settings.survey_url(survey)
        if template:
            links[survey] = survey_link(template, survey_token(secret, survey, session.id, learner.id))
    return links


def onboard(project: Project, root: Path, journal: Journal, transport: Transport, now: datetime, *,
            session_id: str | None = None, force: set[str] = frozenset(), dry_run: bool = False,
            progress: Callable[[int, int], None] | None = None, workers: int | None = None) -> OnboardResult:
    """Issue and send what is due. `force` holds learner ids whose kit is re-issued and resent.

    Who may be convoked is read from the journey as of today: a drop-out or a signature dated
    later has not happened yet; a particulier waits for the signed contract and the end of the
    withdrawal period (L6353-5/6).
    """
    from qualikit.journey import as_of
    from qualikit.journey.asof import project_as_of
    from qualikit.journey.facts import session_end

    # which sessions to read depends on their days alone, which the cut at today leaves as they are
    sender_email = project.organisation.sender_email
    due = {s.id for s in due_sessions(project, now.date(), session_id)}
    # an invitation can change only for a session not over yet (invite_changes)
    running = {s.id for s in project.sessions if s.days and session_end(s) > now} if session_id is None else set()
    if not due and (not sender_email or session_id is not None or not running):
        return OnboardResult([], DeliveryReport(dry_run=dry_run))
    project = project_as_of(project, now.date())
    sessions = [s for s in project.sessions if s.id in due]
    org = project.organisation
    from qualikit.commands.invites import invite_changes, invite_history
    from qualikit.documents.pdf_common import issued
    from qualikit.documents.signing import verification_code

    env = template_env(root)
    secret = (project_secret(root) if not dry_run else b"dry-run") if sessions else b""
    if not sender_email:
        raise OnboardError("aucune adresse d'expédition : renseignez expediteur.email ou email dans l'organisation")
    sender_name = org.sender_name
    domain = sender_email.rpartition("@")[2]
    results, outgoing = [], []
    infos: dict[str, tuple | None] = {}  # certifying sessions: (certification, information PDF, exam rules)
    with journal.locked():
        entries = journal.entries()
        done = latest_of(entries)
        journey = as_of(project, entries, now.date(), only=due | running)
        history = invite_history(entries)
        todo = [(s, e) for s in sessions for e in s.enrolments]
        # the kits are rendered on every core, ahead; written, journaled and sent below, in order
        to_render = [(session.id, lj.learner, entry_links(project, secret, session, lj.learner))
                    for session, enrolment in todo
                    if (lj := _to_convoke(journey, session, enrolment, done, force, now)) is not None]
        kits = ordered(_render_kit, (project, root, now, domain, history), to_render, workers=workers)
        for n, (session, enrolment) in enumerate(todo, start=1):
            if progress:
                progress(n, len(todo))
            result = next((r for r in results if r.session is session), None)
            if result is None:
                result = SessionResult(session)
                results.append(result)
                result.sheet = _attendance_sheet(project, root, journal, session, done, dry_run, secret, now)
                infos[session.id] = _certification_info(project, root, journal, session, done, dry_run, secret,
                                                        now)
            if not active(enrolment):
                result.waiting.append(f"{enrolment.learner_id} (abandon)")
                continue
            lj = journey.learner(session.id, enrolment.learner_id)
            if lj is None:
                continue
            learner = lj.learner
            waiting = lj.contract_wait(now.date())
            if waiting:
                result.waiting.append(f"{enrolment.learner_id} ({waiting})")
                continue
            forced = learner.id in force
            if f"onboard:email:{session.id}:{learner.id}" in done and not forced:
                continue
            links = entry_links(project, secret, session, learner)
            kit, invite, invite_data = next(kits)
            kit_path = root / OUTPUT / safe_name(session.id) / "convocations" / f"{safe_name(learner.id)}.pdf"
            if not dry_run:
                kit_key = f"onboard:kit:{session.id}:{learner.id}"
                kit = issued(kit, now, verification_code(secret, kit_key))
                _issue(journal, done, root, kit_path, kit, "onboard.kit", kit_key,
                       {"session": session.id, "learner": learner.id, "surveys": sorted(links),
                        "code": verification_code(secret, kit_key)}, forced)
            result.issued.append(learner.id)
            info = infos.get(session.id)
            pin = (attendance_pin(secret, session.id, learner.id) if any(d.distance for d in session.days)
                   else None)  # typed on the page of `emargement` for the distance half-days
            message = _welcome_email(env, project, session, learner, links, kit, invite, now,
                                     sender_name, sender_email, domain, info, pin)
            outgoing.append(Outgoing(
                key=f"onboard:email:{session.id}:{learner.id}", message=message, kind="onboard.email",
                data={"session": session.id, "learner": learner.id, "surveys": sorted(links), **invite_data,
                      # the journey reads it: the learner was informed of the conditions of presentation
                      **({"certification": info[0].code} if info else {})}))
        convoked = {(o.data["session"], o.data["learner"]) for o in outgoing}
        outgoing += [o for o in invite_changes(project, entries, journey, env, now, domain)
                     if (o.data["session"], o.data["learner"]) not in convoked]
        forced_keys = {o.key for o in outgoing if o.data["learner"] in force}
        report = deliver(journal, transport, outgoing, dry_run=dry_run, force=forced_keys,
                         spool=root / ".qualikit" / "spool")
    return OnboardResult(results, report)


def _to_convoke(journey, session, enrolment, done, force, now):
    """The learner's journey when their kit is to be issued now (the loop of `onboard` says why not)."""
    if not active(enrolment):
        return None
    lj = journey.learner(session.id, enrolment.learner_id)
    if lj is None or lj.contract_wait(now.date()):
        return None
    if f"onboard:email:{session.id}:{lj.learner.id}" in done and lj.learner.id not in force:
        return None
    return lj


def _render_kit(context, task) -> tuple[bytes, Attachment, dict]:
    project, root, now, domain, history = context
    session_id, learner, links = task
    return _documents(project, root, project.session(session_id), learner, links, now, domain, history)


def _documents(project, root, session, learner, links, now, domain, history) -> tuple[bytes, Attachment, dict]:
    from qualikit.commands.invites import invite_attachment
    from qualikit.documents.welcome_kit import render_welcome_kit

    kit = render_welcome_kit(project, session, learner, root, links)
    invite, data = invite_attachment(project, session, learner, now, domain, history)
    return kit, invite, data


def _attendance_sheet(project, root, journal, session, done, dry_run, secret, now) -> str | None:
    from qualikit.documents.attendance_sheet import render_attendance_sheet
    from qualikit.documents.pdf_common import issued
    from qualikit.documents.signing import verification_code

    key = f"onboard:emargement:{session.id}"
    code = verification_code(secret, key)
    pdf = issued(render_attendance_sheet(project, session, root), now, code)
    path = root / OUTPUT / safe_name(session.id) / "emargement.pdf"
    previous = journal_sha(done, key)
    if dry_run or unchanged(path, previous, pdf):
        return None
    write_atomic(path, pdf)
    done[key] = journal.append("onboard.attendance_sheet", {
        "session": session.id, "file": _rel(root, path), "sha256": sha256(pdf), "code": code,
        "version": int(previous is not None) + 1}, key=key)
    return _rel(root, path)


def _certification_info(project, root, journal, session, done, dry_run, secret, now):
    """A certifying session's information on the conditions of presentation (indicator 16): issued once
    and again when its content changes, journaled; (certification, the PDF the learners get) or None."""
    from qualikit.documents.certification_info import render_certification_info
    from qualikit.documents.pdf_common import issued
    from qualikit.documents.signing import verification_code

    cert = project.certification_of(session)
    if cert is None:
        return None
    rules = exam_rules(root, cert.exam_rules)
    key = f"onboard:certification:{session.id}"
    code = verification_code(secret, key)
    pdf = issued(render_certification_info(project, session, root, rules is not None), now, code)
    path = root / OUTPUT / safe_name(session.id) / "conditions-certification.pdf"
    previous = journal_sha(done, key)
    if dry_run:
        return cert, pdf, rules
    if unchanged(path, previous, pdf):
        return cert, path.read_bytes(), rules  # the document already issued, with its date and code
    write_atomic(path, pdf)
    done[key] = journal.append("onboard.certification_info", {
        "session": session.id, "certification": cert.code, "file": _rel(root, path), "sha256": sha256(pdf),
        "code": code, "version": int(previous is not None) + 1}, key=key)
    return cert, pdf, rules


RULES_MAX_BYTES = 5_000_000  # beyond, the rules are « remis sur demande »: a convocation must get through


def exam_rules(root: Path, rel: str | None) -> bytes | None:
    """The certifier's exam rules, to attach to the convocation: a PDF inside the project, not too big."""
    from qualikit.base.files import inside

    if not rel:
        return None
    path = root / rel
    if not inside(root, path) or not path.is_file() or path.suffix.lower() != ".pdf":
        return None
    if path.stat().st_size > RULES_MAX_BYTES:
        return None
    return path.read_bytes()


def _issue(journal, done, root, path, content, kind, key, data, forced) -> None:
    """Write a document and journal it, unless the same bytes were already issued."""
    digest = sha256(content)
    if journal_sha(done, key) == digest and path.is_file():
        return
    write_atomic(path, content)
    done[key] = journal.append(kind, {**data, "file": _rel(root, path), "sha256": digest,
                                      **({"resend": True} if forced else {})}, key=key)


def unchanged(path: Path, issued_sha: str | None, pdf: bytes) -> bool:
    """Whether the file issued (as journaled) holds this document, but for its date."""
    from qualikit.documents.pdf_common import same_document

    if issued_sha is None or not path.is_file():
        return False
    existing = path.read_bytes()
    return sha256(existing) == issued_sha and same_document(existing, pdf)


def latest(journal: Journal) -> dict[str, Entry]:
    """Each key's last entry, read once per run (the journal may hold tens of thousands)."""
    return latest_of(journal.entries())


def latest_of(entries: list[Entry]) -> dict[str, Entry]:
    return {e.key: e for e in entries if e.key}


def journal_sha(done: dict[str, Entry], key: str) -> str | None:
    entry = done.get(key)
    return entry.data.get("sha256") if entry else None


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _welcome_email(env, project, session, learner, links, kit, invite, now, sender_name, sender_email, domain,
                   info=None, pin=None):
    from qualikit.base.typography import fr

    programme = project.programme(session.programme_id)
    days = [{"label": long_date(d.date), "hours": " et ".join(time_range(r) for _, r in d.halves())}
            for d in session.days]
    dates = (f"le {long_date(session.start)}" if session.start == session.end
             else f"du {long_date(session.start)} au {long_date(session.end)}")
    org = project.organisation
    trainer = project.trainer(session.trainer_id) if session.trainer_id else None
    context = {
        "learner": learner, "session": session, "programme": programme, "organisation": org,
        "dates": dates, "start": long_date(session.start), "days": days,
        "links": {survey: links.get(survey) for survey in ENTRY_SURVEYS},  # every key, set or not
        "referent": org.disability_referent, "trainer": trainer, "pin": pin,
        "signature": trainer.name if trainer else (org.sender.name if org.sender else org.name),
        "certification": info[0] if info else None,
        "certification_rules": bool(info and info[2] is not None),
    }
    rendered = render_email(env, "convocation", context)
    rendered = type(rendered)(fr(rendered.subject), fr(rendered.text), rendered.html)
    stem = attachment_name(f"Convocation - {programme.title}")
    return build_message(
        sender_name=sender_name, sender_email=sender_email, to_name=learner.full_name, to_email=learner.email,
        rendered=rendered, date=now, domain=domain, tags={"Step": "convocation", "Session": session.id},
        attachments=[Attachment(f"{stem}.pdf", kit, "application/pdf"), invite,
                     *_certification_attachments(info)],
    )


def _certification_attachments(info) -> list[Attachment]:
    """A certifying session's convocation: the information on the conditions, and the exam rules."""
    if not info:
        return []
    cert, pdf, rules = info
    out = [Attachment(f"{attachment_name(f'Conditions de présentation - {cert.code}')}.pdf", pdf, "application/pdf")]
    if rules is not None:
        out.append(Attachment(f"{attachment_name(f'Règlement d’examen - {cert.code}')}.pdf", rules, "application/pdf"))
    return out
