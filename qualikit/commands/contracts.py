"""Before the training: the contract (an individual) or the convention (a company), with the
statutory information pack (L6353-8), signed when a certificate is configured, journaled and
sent once. Also the programme sheets (indicator 1). Prints nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from qualikit.base.files import safe_name, write_atomic
from qualikit.base.frdates import long_date
from qualikit.base.tokens import project_secret
from qualikit.commands.close import CloseError, _signer
from qualikit.commands.onboard import OUTPUT, journal_sha, latest, latest_of, sha256, unchanged
from qualikit.delivery.send import DeliveryReport, Outgoing, Transport, deliver
from qualikit.documents.email import Attachment, build_message, render_email, template_env
from qualikit.project.journal import Journal, convention_key
from qualikit.project.model import Funder, Project, Session, Status


class ContractError(Exception):
    """The contract cannot be issued as asked; French message."""


@dataclass
class ContractResult:
    issued: list[str] = field(default_factory=list)  # files written now
    delivery: DeliveryReport | None = None


def issue_contracts(project: Project, root: Path, journal: Journal, transport: Transport, now: datetime,
                    session_id: str, learner_id: str | None = None, *, dry_run: bool = False) -> ContractResult:
    from qualikit.documents.contract import render_contract
    from qualikit.documents.convention import render_convention
    from qualikit.documents.info_pack import render_info_pack
    from qualikit.documents.pdf_common import issued
    from qualikit.documents.signing import sign_pdf, verification_code
    from qualikit.documents.stamp import doc_stamp
    from qualikit.project.schedule import Instalment, ScheduleError, individual_schedule

    session = project.session(session_id)
    if session is None:
        raise ContractError(f"session « {session_id} » inconnue")
    programme = project.programme(session.programme_id)
    enrolments = [e for e in session.enrolments if e.status is not Status.ABANDON
                  and (learner_id is None or e.learner_id == learner_id)]
    if learner_id is not None and session.contractor:
        raise ContractError(f"session {session_id} réalisée en sous-traitance pour « {session.contractor} » : "
                            "le contrat ou la convention des stagiaires est celui du donneur d'ordre")
    if learner_id is not None and not enrolments:
        raise ContractError(f"« {learner_id} » n'est pas inscrit à la session {session_id}")
    try:
        signer = _signer(project, root)
    except CloseError as exc:
        raise ContractError(str(exc)) from None
    secret = project_secret(root) if not dry_run else b"dry-run"
    org = project.organisation
    place = org.address.city or ""
    folder = root / OUTPUT / safe_name(session.id) / "contrats"
    result = ContractResult()
    env = template_env(root)
    outgoing = []

    def stamp(key: str):
        return doc_stamp(project, secret, key, now.date(), signer.name if signer else None)

    with journal.locked():
        done = latest(journal)

        def issue(name: str, kind: str, key: str, pdf: bytes, data: dict) -> bytes:
            code = verification_code(secret, key)
            pdf = issued(pdf, now, code)
            if signer is not None and kind != "info":
                pdf = sign_pdf(pdf, signer, reason=f"Émission : {name}", location=place)
            path = folder / name
            if not dry_run and not (journal_sha(done, key) and path.is_file()):
                write_atomic(path, pdf)
                done[key] = journal.append(f"contract.{kind}", {**data, "file": path.relative_to(root).as_posix(),
                                                                "sha256": sha256(pdf), "code": code,
                                                                "signed": signer is not None and kind != "info"},
                                                   key=key)
                result.issued.append(path.relative_to(root).as_posix())
            return path.read_bytes() if path.is_file() else pdf

        if session.contractor:  # delivered for another organisme: its contract, nothing to the learners
            from qualikit.documents.subcontract import render_subcontract
            from qualikit.project.vat import mention

            key = f"contract:sous-traitance:{session.id}"
            pdf = issue("contrat-sous-traitance.pdf", "sous-traitance", key,
                        render_subcontract(project, session, root, stamp(key), vat_mention=mention(org)),
                        {"session": session.id, "contractor": session.contractor})
            donor = project.contractor_of(session)
            if donor is not None and donor.email:
                outgoing.append(_message(env, project, session, donor.contact.name or donor.name, donor.email,
                                         "sous-traitance", [("contrat-de-sous-traitance.pdf", pdf)], now,
                                         {"session": session.id}, f"contract:email:{session.id}:donneur-ordre"))
            enrolments = []
        individuals = [e for e in enrolments if project.funder_of(session, e) is Funder.PARTICULIER]
        buyers = [e for e in enrolments if e not in individuals]
        for e in individuals:
            learner = project.learner(e.learner_id)
            price = programme.price
            if price is None:
                raise ContractError(f"programme « {programme.id} » sans prix : le contrat de {learner.id} ne peut "
                                    "pas être établi")
            schedule = ([Instalment(d, a, f"Échéance du {d:%d/%m/%Y}") for d, a in e.schedule] if e.schedule
                        else individual_schedule(price, e.signed_on or now.date(), session.start, session.end))
            key = f"contract:contrat:{session.id}:{learner.id}"
            try:
                pdf = render_contract(project, session, learner, root, stamp(key),
                                      signed_on=e.signed_on, schedule=schedule)
            except ScheduleError as exc:
                raise ContractError(f"{learner.id} : échéancier refusé ({exc})") from None
            contract = issue(f"contrat-{safe_name(learner.id)}.pdf", "contrat", key, pdf,
                             {"session": session.id, "learner": learner.id})
            info = issue(f"information-{safe_name(learner.id)}.pdf", "info", f"contract:info:{session.id}:{learner.id}",
                         render_info_pack(project, programme, session, learner, root),
                         {"session": session.id, "learner": learner.id})
            outgoing.append(_message(env, project, session, learner.full_name, learner.email, "contrat",
                                     [("contrat-de-formation.pdf", contract), ("information-prealable.pdf", info)],
                                     now, {"session": session.id, "learner": learner.id},
                                     f"contract:email:{session.id}:{learner.id}"))
        for buyer, group in _buyers(project, session, buyers).items():
            learners = [project.learner(e.learner_id) for e in group]
            suffix = "" if buyer is None else f"-{safe_name(buyer)}"
            key = convention_key(session.id, buyer)
            pdf = render_convention(project, session, learners, root, stamp(key))
            convention = issue(f"convention{suffix}.pdf", "convention", key, pdf, {"session": session.id})
            if session.client_email and buyer is None:
                infos = [(f"information-{safe_name(x.id)}.pdf",
                          issue(f"information-{safe_name(x.id)}.pdf", "info", f"contract:info:{session.id}:{x.id}",
                                render_info_pack(project, programme, session, x, root),
                                {"session": session.id, "learner": x.id})) for x in learners]
                outgoing.append(_message(env, project, session, session.client or "", session.client_email,
                                         "convention", [("convention-de-formation.pdf", convention), *infos], now,
                                         {"session": session.id}, f"contract:email:{session.id}:client"))
        result.delivery = deliver(journal, transport, outgoing, dry_run=dry_run,
                                  spool=root / ".qualikit" / "spool")
    return result


def _buyers(project: Project, session: Session, enrolments: list) -> dict[str | None, list]:
    """One convention per buyer: the session's client (intra), else each learner's company (inter)."""
    if session.client or not enrolments:
        return {None: enrolments} if enrolments else {}
    groups: dict[str | None, list] = {}
    for e in enrolments:
        groups.setdefault(project.buyer_of(session, e), []).append(e)
    return groups


def _message(env, project, session, to_name, to_email, template, files, now, data, key) -> Outgoing:
    from qualikit.base.typography import fr

    org = project.organisation
    sender_email = org.sender_email
    if not sender_email:
        raise ContractError("aucune adresse d'expédition : renseignez expediteur.email dans l'organisation")
    sender_name = org.sender_name
    programme = project.programme(session.programme_id)
    rendered = render_email(env, template, {"session": session, "programme": programme, "organisation": org,
                                            "to_name": to_name, "start": long_date(session.start),
                                            "signature": sender_name})
    rendered = type(rendered)(fr(rendered.subject), fr(rendered.text), rendered.html)
    message = build_message(sender_name=sender_name, sender_email=sender_email, to_name=to_name, to_email=to_email,
                            rendered=rendered, date=now, domain=sender_email.rpartition("@")[2],
                            tags={"Step": template, "Session": session.id},
                            attachments=[Attachment(n, c, "application/pdf") for n, c in files])
    return Outgoing(key=key, message=message, kind="contract.email", data=data)


def programme_sheets(project: Project, root: Path, journal: Journal, today: date,
                     programme_id: str | None = None, *, workers: int | None = None) -> list[str]:
    """Each programme's dated sheet, PDF and HTML (indicator 1), journaled when its content changes.
    A large catalogue is rendered on every core; written and journaled here, in the catalogue's order."""
    from qualikit.documents.pdf_common import issued
    from qualikit.documents.programme_batch import render_programme_sheets
    from qualikit.documents.signing import verification_code
    from qualikit.journey import as_of

    programmes = [p for p in project.programmes if programme_id is None or p.id == programme_id]
    if programme_id is not None and not programmes:
        raise ContractError(f"programme « {programme_id} » inconnu")
    folder = root / OUTPUT / "programmes"
    secret = project_secret(root)
    written = []
    with journal.locked():
        entries = journal.entries()
        done = latest_of(entries)
        # a certifying programme's rates: the learners' results as known today (as `kpi` reads them)
        certifying = {s.id for s in project.sessions if project.certification_of(s) is not None}
        journey = (as_of(project, entries, today, only=certifying)
                   if any(p.certification_code for p in programmes) else None)
        items = [(programme, programme.updated or today) for programme in programmes]
        rendered = render_programme_sheets(project, root, items, journey, html=True, workers=workers)
        for (programme, issued_on), (sheet, page) in zip(items, rendered, strict=True):
            pdf_key = f"programme:pdf:{programme.id}"
            pdf = issued(sheet, journal.now(), verification_code(secret, pdf_key))
            for suffix, content in ((".pdf", pdf), (".html", page.encode("utf-8"))):
                path = folder / f"{safe_name(programme.id)}{suffix}"
                key = f"programme:{suffix[1:]}:{programme.id}"
                if unchanged(path, journal_sha(done, key), content):
                    continue
                write_atomic(path, content)
                done[key] = journal.append("programme.sheet", {"programme": programme.id, "file":
                                                               path.relative_to(root).as_posix(),
                                                               "sha256": sha256(content),
                                                               "updated": issued_on.isoformat(),
                                                               **({"code": verification_code(secret, key)}
                                                                  if suffix == ".pdf" else {})}, key=key)
                written.append(path.relative_to(root).as_posix())
    return written
