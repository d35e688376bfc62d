"""`qualikit sous-traitant contrat`: the contract with each external intervenant, one per session they
deliver, in sortie/sous-traitance/; stamped with a verification code, signed when a certificate is
configured, journaled once (a second run leaves an issued contract as it is).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from qualikit.base.files import safe_name, write_atomic
from qualikit.base.tokens import project_secret
from qualikit.commands.onboard import OUTPUT, journal_sha, latest, sha256
from qualikit.project.journal import Journal
from qualikit.project.model import Project, Session
from qualikit.quality.registers.external import CONTRACT_KIND, contract_key

FOLDER = "sous-traitance"


class ExternalContractError(Exception):
    """The contracts cannot be made as asked; French message."""


@dataclass
class ExternalContracts:
    issued: list[str] = field(default_factory=list)  # project-relative paths written now
    kept: list[str] = field(default_factory=list)  # already issued, left as they were


def external_sessions(project: Project, trainer_id: str | None = None, session_id: str | None = None
                      ) -> list[Session]:
    """The sessions delivered by an external intervenant (sous-traitant or porté), filtered."""
    out = []
    for s in project.sessions:
        trainer = project.trainer(s.trainer_id) if s.trainer_id else None
        if trainer is None or not trainer.external or not s.days:
            continue
        if (trainer_id is None or s.trainer_id == trainer_id) and (session_id is None or s.id == session_id):
            out.append(s)
    return sorted(out, key=lambda s: (s.start, s.id))


def issue_external_contracts(project: Project, root: Path, journal: Journal, now: datetime, *,
                             trainer_id: str | None = None, session_id: str | None = None) -> ExternalContracts:
    from qualikit.commands.close import CloseError, _signer
    from qualikit.documents.external_trainer_contract import contract_title, render_external_trainer_contract
    from qualikit.documents.pdf_common import issued
    from qualikit.documents.signing import sign_pdf, verification_code
    from qualikit.documents.stamp import doc_stamp

    if session_id is not None and project.session(session_id) is None:
        raise ExternalContractError(f"session « {session_id} » inconnue")
    if trainer_id is not None and (project.trainer(trainer_id) is None or not project.trainer(trainer_id).external):
        raise ExternalContractError(f"« {trainer_id} » n'est pas un intervenant extérieur (statut sous-traitant ou "
                                    "porté dans les formateurs)")
    sessions = external_sessions(project, trainer_id, session_id)
    if not sessions:
        raise ExternalContractError("aucune session animée par un intervenant extérieur"
                                    + (f" pour {session_id}" if session_id else ""))
    try:
        signer = _signer(project, root)
    except CloseError as exc:
        raise ExternalContractError(str(exc)) from None
    secret = project_secret(root)
    result = ExternalContracts()
    folder = root / OUTPUT / FOLDER
    with journal.locked():
        done = latest(journal)
        for session in sessions:
            trainer = project.trainer(session.trainer_id)
            key = contract_key(session.id, trainer.id)
            path = folder / f"contrat-{safe_name(trainer.id)}-{safe_name(session.id)}.pdf"
            rel = path.relative_to(root).as_posix()
            if journal_sha(done, key) and path.is_file():
                result.kept.append(rel)
                continue
            stamp = doc_stamp(project, secret, key, now.date(), signer.name if signer else None)
            code = verification_code(secret, key)
            pdf = issued(render_external_trainer_contract(project, session, trainer, root, stamp), now, code)
            if signer is not None:
                pdf = sign_pdf(pdf, signer, reason=f"Émission : {contract_title(trainer).lower()}",
                               location=project.organisation.address.city or "")
            write_atomic(path, pdf)
            done[key] = journal.append(CONTRACT_KIND, {"session": session.id, "trainer": trainer.id, "file": rel,
                                              "sha256": sha256(pdf), "code": code, "signed": signer is not None},
                                       key=key)
            result.issued.append(rel)
    return result
