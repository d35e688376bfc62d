"""Closing a session (E … E+2): hours done, attestations and certificats de réalisation (signed),
hot-survey links, departure packs, the end-of-training e-mail, and the follow-up steps scheduled.

Issued and sent exactly once: every document and message has a journal key; re-running
re-issues nothing unless asked (`reissue`). Prints nothing.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from qualikit.base.batch import ordered
from qualikit.base.files import safe_name, write_atomic
from qualikit.base.frdates import clock_time, hours, long_date, short_date
from qualikit.base.tokens import project_secret, survey_link, survey_token
from qualikit.commands.onboard import OUTPUT, active, journal_sha, latest_of, sha256, unchanged
from qualikit.delivery.send import DeliveryReport, Outgoing, Transport, deliver
from qualikit.documents.email import Attachment, build_message, render_email, template_env
from qualikit.journey import as_of
from qualikit.journey.facts import session_end
from qualikit.journey.hours import Attended, attended_of, missing_roll_calls
from qualikit.project.journal import Journal
from qualikit.project.model import Evaluation, Learner, Project, Session, Status

# Follow-up steps of the journey (journey.md) that start at the end of the session.
SCHEDULED = (("alumni", 14), ("temoignage", 14), ("suivi", 30), ("froid", 90))
DEFAULT_CERTIFICATE = "certificat.p12"


class CloseError(Exception):
    """The session cannot be closed as asked; French message."""


@dataclass
class Gaps:
    """What is missing to close a session properly; `close-session` refuses unless forced."""

    roll_calls: list[str] = field(default_factory=list)
    results: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        out += [f"appel non saisi : {x}" for x in self.roll_calls]
        out += [f"résultat manquant : {x}" for x in self.results]
        return out

    def __bool__(self) -> bool:
        return bool(self.lines())


@dataclass
class LearnerOutcome:
    learner: Learner
    attended: Attended
    documents: list[str]  # paths issued now
    dropped_out: bool
    skipped: str | None = None  # why nothing was issued (no hour attended…)


@dataclass
class CloseResult:
    session: Session
    gaps: Gaps
    outcomes: list[LearnerOutcome]
    delivery: DeliveryReport | None
    delay_hours: Decimal | None = None


def gaps(project: Project, session: Session, today: date) -> Gaps:
    found = Gaps()
    found.roll_calls = [f"{short_date(d)} ({h.value})" for d, h in missing_roll_calls(project, session)
                        if d <= today]
    programme = project.programme(session.programme_id)
    evaluated = {(e.learner_id, e.objective) for e in project.evaluations if e.session_id == session.id}
    for enrolment in session.enrolments:
        if not active(enrolment):
            continue
        missing = [str(n) for n in range(1, len(programme.objectives) + 1)
                   if (enrolment.learner_id, n) not in evaluated]
        if missing:
            found.results.append(f"{enrolment.learner_id}, objectif{'s' if len(missing) > 1 else ''} "
                                 f"n° {', '.join(missing)}")
    return found


def results_of(project: Project, session: Session, learner_id: str) -> list[tuple[str, Evaluation | None]]:
    programme = project.programme(session.programme_id)
    found = {e.objective: e for e in project.evaluations
             if e.session_id == session.id and e.learner_id == learner_id}
    return [(text, found.get(n)) for n, text in enumerate(programme.objectives, start=1)]


def acquired(evaluation: Evaluation | None) -> bool:
    if evaluation is None:
        return False
    if evaluation.result is not None:
        return evaluation.result.value == "acquis"
    return evaluation.score is not None and evaluation.score * 2 >= evaluation.scale


def certificate_path(project: Project, root: Path) -> Path | None:
    if project.settings.certificate:
        return root / project.settings.certificate
    default = root / DEFAULT_CERTIFICATE
    return default if default.is_file() else None


def close_session(project: Project, root: Path, journal: Journal, transport: Transport, now: datetime,
                  session_id: str, *, force: bool = False, reissue: set[str] = frozenset(),
                  dry_run: bool = False, workers: int | None = None) -> CloseResult:
    """`workers`: processes rendering the documents (None: one per core, none for a small session)."""
    from qualikit.journey.asof import project_as_of
    from qualikit.journey.roll_calls import with_signed

    project = with_signed(project_as_of(project, now.date()), journal.entries())  # sheets signed in the room
    session = project.session(session_id)
    if session is None:
        raise CloseError(f"session « {session_id} » inconnue")
    if not session.days:
        raise CloseError(f"la session « {session_id} » n'a aucune journée : rien à clôturer")
    ends = session_end(session)
    if now < ends:
        raise CloseError(f"la session {session.id} se termine le {long_date(ends.date())} à {clock_time(ends)} : "
                         f"la clôture sera possible à partir de ce moment-là (heures suivies, attestations et "
                         f"certificats ne peuvent pas être établis avant)")
    found = gaps(project, session, now.date())
    if found and not force:
        return CloseResult(session, found, [], None)
    signer = _signer(project, root)
    secret = project_secret(root) if not dry_run else b"dry-run"
    env = template_env(root)
    org = project.organisation
    sender_email = org.sender_email
    if not sender_email:
        raise CloseError("aucune adresse d'expédition : renseignez expediteur.email dans l'organisation")
    domain = sender_email.rpartition("@")[2]
    programme = project.programme(session.programme_id)
    followers = [p for p in project.programmes if p.id != programme.id]
    outcomes, outgoing, todo = [], [], []
    with journal.locked():
        entries = journal.entries()
        done = latest_of(entries)
        journey = as_of(project, entries, now.date()).get(session.id)
        for lj in journey.learners:
            learner, enrolment = lj.learner, lj.enrolment
            hours_done = attended_of(lj)
            dropped = lj.dropped
            if hours_done.done == 0:
                # nothing attended (withdrew before the first day, absent throughout, or present
                # without a signed contract): no attestation, no certificat, no end-of-training e-mail
                outcomes.append(LearnerOutcome(learner, hours_done, [], dropped, _no_hours(lj)))
                continue
            email_key = f"close:email:{session.id}:{learner.id}"
            if email_key in done and learner.id not in reissue:
                outcomes.append(LearnerOutcome(learner, hours_done, [], dropped))
                continue
            results = results_of(project, session, learner.id)
            links = {}
            if not dropped and (template := project.settings.survey_url("chaud")):
                links["chaud"] = survey_link(template, survey_token(secret, "chaud", session.id, learner.id))
            outcomes.append(None)  # filled below, in the journey's order
            todo.append((len(outcomes) - 1, learner, enrolment, hours_done, dropped, results, links))
        # rendered and signed on every core; written, journaled and sent here, in the learners' order
        _preload(org, root)  # before the workers start: they inherit it
        context = _Context(project, root, session.id, followers, secret, now, signer, certificate_path(project, root))
        rendered = ordered(_render, context, [(learner, enrolment, hours_done, results, links)
                                              for _, learner, enrolment, hours_done, _, results, links in todo],
                           workers=workers)
        for (at, learner, _, hours_done, dropped, _, links), docs in zip(todo, rendered, strict=True):
            email_key = f"close:email:{session.id}:{learner.id}"
            folder = root / OUTPUT / safe_name(session.id) / "fin" / safe_name(learner.id)
            issued = []
            if not dry_run:
                for name, kind, content, code in docs:
                    key = f"close:{kind}:{session.id}:{learner.id}"
                    path = folder / name
                    if unchanged(path, journal_sha(done, key), content):  # the same, but for its date
                        continue
                    write_atomic(path, content)
                    done[key] = journal.append(f"close.{kind}", {"session": session.id, "learner": learner.id,
                                                     "file": path.relative_to(root).as_posix(),
                                                     "sha256": sha256(content), "code": code,
                                                     "signed": signer is not None,
                                                     "hours": str(hours_done.done)}, key=key)
                    issued.append(path.relative_to(root).as_posix())
                write_atomic(folder.with_suffix(".zip"), _archive(docs))
            outcomes[at] = LearnerOutcome(learner, hours_done, issued, dropped)
            message = _email(env, project, session, learner, hours_done, dropped, links, docs, now, sender_email,
                             domain)
            outgoing.append(Outgoing(key=email_key, message=message, kind="close.email",
                                     data={"session": session.id, "learner": learner.id, "surveys": sorted(links)}))
        report = deliver(journal, transport, outgoing, dry_run=dry_run,
                         force={o.key for o in outgoing if o.data["learner"] in reissue},
                         spool=root / ".qualikit" / "spool")
        delay = _record_session(journal, done, session, found, now, report, dry_run)
        if not dry_run:
            _propose_for_dropouts(root, project, session, journal, now)
    return CloseResult(session, found, outcomes, report, delay)


def _no_hours(lj) -> str:
    if lj.withdrew_before_start:
        return "a renoncé avant le premier jour"
    if lj.present_unadmitted:
        why = lj.contract_wait(lj.session.start) or "contrat non valable"
        return f"aucune heure comptée : {why} pendant la session"
    return "aucune demi-journée de présence à l'appel"


def _signer(project: Project, root: Path):
    path = certificate_path(project, root)
    if path is None:
        return None
    from qualikit.documents.signing import SigningError, load_signer

    try:
        return load_signer(path, project.settings.certificate_passphrase_env)
    except SigningError as exc:
        raise CloseError(str(exc)) from None


# what the learner receives, as the guide and the e-mail name it
DOCUMENT_TITLES = {"attestation": "attestation de fin de formation", "certificat": "certificat de réalisation",
                   "competences": "certificat de compétences", "depart": "pack de fin de formation"}


def _preload(organisation, root: Path) -> None:
    """Load here what every learner's documents use — the renderers and reportlab, the fonts, the logo
    and the signature image, the QR encoder — so the worker processes, started afterwards, inherit
    them instead of each loading them again for every session (≈ 0.15 s per worker)."""
    import segno  # noqa: F401  (the QR codes' encoder, imported by qr_drawing)
    from reportlab.platypus import Table  # noqa: F401

    from qualikit.documents import attestation, certificat, competence, departure, layout  # noqa: F401
    from qualikit.documents.pdf_common import project_image, register_fonts, styles

    register_fonts()
    styles()
    for image in (organisation.logo, organisation.signature):
        project_image(root, image)


@dataclass(frozen=True)
class _Context:
    """What every learner's documents need, sent once to each worker process."""

    project: Project
    root: Path
    session_id: str
    followers: list
    secret: bytes
    now: datetime
    signer: object = field(compare=False)  # dropped when sent to a worker, which opens the certificate again
    certificate: Path | None = None

    def __getstate__(self):
        return {**self.__dict__, "signer": None}

    def __setstate__(self, state):
        self.__dict__.update(state)


def _render(context: _Context, task) -> list[tuple[str, str, bytes, str]]:
    learner, enrolment, hours_done, results, links = task
    project = context.project
    signer = context.signer
    if signer is None and context.certificate is not None:
        signer = _worker_signer(project, context.root)
    return _documents(project, context.root, project.session(context.session_id), learner, enrolment, hours_done,
                      results, links, context.followers, context.secret, signer, context.now)


_worker_signers: dict[Path, object] = {}


def _worker_signer(project: Project, root: Path):
    """The certificate opened once per worker process."""
    if root not in _worker_signers:
        _worker_signers[root] = _signer(project, root)
    return _worker_signers[root]


def _documents(project, root, session, learner, enrolment, hours_done, results, links, followers, secret, signer,
               now) -> list[tuple[str, str, bytes, str]]:
    """(file name, journal kind, PDF bytes — signed when a certificate is configured, verification code)."""
    from qualikit.documents.attestation import render_attestation
    from qualikit.documents.certificat import render_certificat
    from qualikit.documents.competence import render_competence
    from qualikit.documents.departure import render_departure
    from qualikit.documents.pdf_common import issued
    from qualikit.documents.signing import sign_pdf, verification_code
    from qualikit.documents.stamp import DocStamp, doc_stamp

    org = project.organisation
    place = org.address.city or ""
    programme = project.programme(session.programme_id)
    dropped = enrolment.status is Status.ABANDON

    def stamp(kind: str) -> DocStamp:
        return doc_stamp(project, secret, f"close:{kind}:{session.id}:{learner.id}", now.date(),
                         signer.name if signer and issuer is project else None)

    issuer = project  # subcontracted: in the donneur d'ordre's name, or none (the contract says)
    if session.contractor:
        from qualikit.documents.subcontract import donor_project

        issuer = donor_project(project, session)
    wanted = [] if issuer is None else [
        ("certificat-realisation.pdf", "certificat",
         lambda st: render_certificat(issuer, session, learner, enrolment, hours_done, root, st))]
    if not dropped and issuer is not None:
        wanted.insert(0, ("attestation-fin-formation.pdf", "attestation",
                          lambda st: render_attestation(issuer, session, learner, enrolment, hours_done, results,
                                                        root, st)))
        if programme.competence_certificate and results and all(acquired(e) for _, e in results):
            wanted.append(("certificat-competences.pdf", "competences",
                           lambda st: render_competence(issuer, session, learner, results, root, st)))
    out = []
    for name, kind, render in wanted:
        st = stamp(kind)
        pdf = issued(render(st), now, st.code)
        if signer is not None and issuer is project:  # the donneur d'ordre signs its own documents
            pdf = sign_pdf(pdf, signer, reason=f"Délivrance : {name.removesuffix('.pdf')}", location=place)
        out.append((name, kind, pdf, st.code))
    enclosed = [DOCUMENT_TITLES[kind] for _, kind, _, _ in out]
    guide = render_departure(project, session, learner, enrolment, hours_done, results, root, links, followers,
                             enclosed)
    code = verification_code(secret, f"close:depart:{session.id}:{learner.id}")
    out.append(("pack-fin-de-formation.pdf", "depart", issued(guide, now, code), code))
    return out


def _archive(docs) -> bytes:
    """The departure pack as one archive: fixed timestamps, so the same documents give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, _, content, _ in docs:
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, content)
    return buffer.getvalue()


def _email(env, project, session, learner, hours_done, dropped, links, docs, now, sender_email, domain):
    from qualikit.base.typography import fr

    org = project.organisation
    programme = project.programme(session.programme_id)
    trainer = project.trainer(session.trainer_id) if session.trainer_id else None
    context = {
        "learner": learner, "session": session, "programme": programme, "organisation": org,
        "dropped": dropped, "hours_done": hours(hours_done.done), "planned": hours(hours_done.planned),
        "end": long_date(session.end), "links": {"chaud": links.get("chaud")},
        "documents": [f"votre {DOCUMENT_TITLES[kind]} ({name})" for name, kind, *_ in docs],
        "signature": trainer.name if trainer else (org.sender.name if org.sender else org.name),
    }
    rendered = render_email(env, "fin-de-formation", context)
    rendered = type(rendered)(fr(rendered.subject), fr(rendered.text), rendered.html)
    sender_name = org.sender_name
    return build_message(sender_name=sender_name, sender_email=sender_email, to_name=learner.full_name,
                         to_email=learner.email, rendered=rendered, date=now, domain=domain,
                         tags={"Step": "fin-de-formation", "Session": session.id},
                         attachments=[Attachment(name, content, "application/pdf") for name, _, content, _ in docs])


def _propose_for_dropouts(root: Path, project: Project, session: Session, journal: Journal, now: datetime) -> None:
    """Each drop-out proposes an improvement action (indicator 32): its cause is to be analysed."""
    from qualikit.quality.registers.improvements import propose_from, record_proposal
    from qualikit.quality.registers.store import RegisterError

    for e in session.enrolments:
        if e.status is Status.ABANDON:
            reason = e.dropout_reason or "motif non renseigné"
            proposal = propose_from("abandon", f"{session.id}:{e.learner_id}",
                                    f"Abandon en cours de session {session.id} : {reason}")
            try:
                record_proposal(root, proposal, now.date(), journal)
            except RegisterError:
                pass  # a register with errors is reported by `qualikit check`; nothing is written to it


def _record_session(journal, done, session, found, now, report, dry_run) -> Decimal | None:
    """One entry per session: when it was closed, the delivery delay (a KPI), the gaps, the steps due."""
    key = f"close:session:{session.id}"
    if dry_run or key in done or not report.ok:
        return None
    delay = Decimal(int((now - session_end(session)).total_seconds() // 60)) / 60
    done[key] = journal.append("close.session", {
        "session": session.id,
        "delivery_delay_hours": str(delay.quantize(Decimal("0.1"))),
        "gaps": found.lines(),
        "scheduled": [{"step": step, "due": (session.end + timedelta(days=days)).isoformat()}
                      for step, days in SCHEDULED],
    }, key=key)
    return delay

