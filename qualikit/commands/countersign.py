"""Contracts and conventions signed by the other party on the page of `qualikit emargement`: the
learner their contrat de formation (a particulier), the client's representative the convention,
after the organisation (whose signature the issued PDF already carries).

Each document waiting for a signature is a `Paper`: the latest issued original of a contract or
convention the session needs (commands/contracts.py journals them). Its signer reaches it by a
personal link whose token is bound to that document and that party (base/tokens.document_token).
Signing keeps, append-only: the traced strokes beside the contracts; a `contract.signature` record
chained with the session's attendance signatures (project/signatures.py: who, when with its offset,
the device, the strokes' and the original's SHA-256); the signed copy (documents/countersign.py),
sealed with the organisation's PAdES signature when a certificate is configured, journaled as an
issued document (`countersign.contrat` / `countersign.convention`) that `qualikit verify` knows.
The journey reads a learner's contract signature date from these records (project/signatures.contract_signed_on):
the withdrawal period runs from it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

from qualikit.base.files import safe_name, write_atomic
from qualikit.base.tokens import document_token, project_secret
from qualikit.project.journal import Journal, convention_key
from qualikit.project.model import Funder, Project, Session, Status
from qualikit.project.signatures import CONTRACT, START, heads, link

OUTPUT = "sortie"
STROKES_FOLDER = "contrats-signatures"
ISSUED = {"contrat": "countersign.contrat", "convention": "countersign.convention"}  # documents/verify.KINDS
CLIENT = "client"  # the party of an intra session's convention (its buyer is the session's client)


class CountersignError(Exception):
    """A refusal, in French."""


@dataclass(frozen=True)
class Paper:
    """A contract or convention the session issued, waiting for (or holding) the other party's signature."""

    document: str  # « contrat » or « convention »
    party: str  # the learner's id, or the buyer (CLIENT for the session's client)
    holder: str  # who is to sign, as the page names them: the learner, or the client company
    title: str  # « Contrat de formation – Excel : tableaux croisés »
    file: str  # the issued original, relative to the project
    sha256: str
    code: str
    signed: dict | None = field(default=None, compare=False)  # the chained signature record, once signed
    copy: str | None = field(default=None, compare=False)  # the signed copy, once signed

    @property
    def learner(self) -> bool:
        return self.document == "contrat"


@dataclass
class Desk:
    """The documents of one session that its learners or its client sign on the page."""

    project: Project
    root: Path
    journal: Journal
    session: Session
    clock: Callable[[], datetime]
    signer: object | None = None  # the organisation's PAdES signer, when a certificate is configured

    @cached_property
    def secret(self) -> bytes:
        return project_secret(self.root)

    def papers(self, entries=None) -> list[Paper]:
        """The session's issued contracts (particuliers) and conventions, in that order."""
        from qualikit.commands.contracts import _buyers

        entries = self.journal.entries() if entries is None else entries
        latest = {e.key: e for e in entries if e.key}
        programme = self.project.programme(self.session.programme_id)
        title = programme.title if programme else self.session.programme_id
        active = [e for e in self.session.enrolments if e.status is not Status.ABANDON]
        individuals = [e for e in active if self.project.funder_of(self.session, e) is Funder.PARTICULIER]
        wanted = []
        for e in individuals:
            learner = self.project.learner(e.learner_id)
            if learner is not None:
                key = f"contract:contrat:{self.session.id}:{learner.id}"
                wanted.append(("contrat", learner.id, learner.full_name, key))
        for buyer, _ in _buyers(self.project, self.session, [e for e in active if e not in individuals]).items():
            holder = buyer or self.session.client or "le client"
            wanted.append(("convention", buyer or CLIENT, holder, convention_key(self.session.id, buyer)))
        signed = {(e.data.get("document"), e.data.get("party")): e.data for e in entries
                  if e.kind == CONTRACT and e.data.get("session") == self.session.id}
        copies = {(e.data.get("document"), e.data.get("party")): e.data.get("file") for e in entries
                  if e.kind in ISSUED.values() and e.data.get("session") == self.session.id}
        out = []
        for document, party, holder, key in wanted:
            issued = latest.get(key)
            if issued is None or not issued.data.get("file"):
                continue
            label = "Contrat de formation" if document == "contrat" else "Convention de formation"
            out.append(Paper(document, party, holder, f"{label} – {title}", issued.data["file"],
                             issued.data.get("sha256", ""), issued.data.get("code", ""),
                             signed.get((document, party)), copies.get((document, party))))
        return out

    def token(self, paper: Paper) -> str:
        return document_token(self.secret, paper.document, self.session.id, paper.party)

    def paper_of_token(self, token: str) -> Paper | None:
        """The one document this personal link signs; None for any other token."""
        for paper in self.papers():
            if hmac.compare_digest(self.token(paper), token):
                return paper
        return None

    def original(self, paper: Paper) -> bytes:
        try:
            return (self.root / paper.file).read_bytes()
        except OSError:
            raise CountersignError(f"document introuvable : {paper.file}") from None

    def sign(self, token: str, strokes: dict, device: str, via: str = "lien", signer_name: str = "") -> Path:
        """The other party signs the document of `token`: stamped, sealed, written and journaled once."""
        from qualikit.documents.countersign import Countersignature, countersigned
        from qualikit.documents.signing import SigningError, sign_pdf

        with self.journal.locked():
            entries = self.journal.entries()
            paper = next((p for p in self.papers(entries) if hmac.compare_digest(self.token(p), token)), None)
            if paper is None:
                raise CountersignError("ce lien ne permet de signer aucun document de cette session")
            if paper.signed is not None:
                raise CountersignError(f"ce document est déjà signé (le {paper.signed['at'][:10]})")
            original = self.original(paper)
            if hashlib.sha256(original).hexdigest() != paper.sha256:
                raise CountersignError(f"{paper.file} n'est plus le document délivré : rien n'est signé")
            if paper.learner:
                learner = self.project.learner(paper.party)
                name, role = learner.full_name, "le stagiaire"
            else:
                name = " ".join(signer_name.split())[:120]
                if len(name) < 3:
                    raise CountersignError("indiquez le nom et la qualité de la personne qui signe pour le client")
                role = f"pour le client {paper.holder}"
            now = self.clock()
            image, digest = self._strokes_file(paper, strokes, now)
            prev = heads(entries).get(self.session.id, START)
            record = {"session": self.session.id, "learner": paper.party if paper.learner else None,
                      "role": "stagiaire" if paper.learner else "client", "at": now.isoformat(timespec="seconds"),
                      "image": image, "image_sha256": digest, "device": device[:120], "via": via,
                      "document": paper.document, "party": paper.party, "signer": name, "original": paper.file,
                      "original_sha256": paper.sha256, "prev_chain": prev}
            record["chain"] = link(prev, record)
            how = "par lien personnel" if via == "lien" else "sur l'ordinateur de l'organisme de formation"
            pdf = countersigned(original, Countersignature(
                paper.title, name, role, now, strokes, device[:120], how, Path(paper.file).name, paper.sha256,
                paper.code), self.project.organisation, self.root)
            if self.signer is not None:
                try:
                    pdf = sign_pdf(pdf, self.signer, reason=f"Signée par {name} : {paper.title}",
                                   location=self.project.organisation.address.city or "")
                except SigningError as exc:
                    raise CountersignError(f"scellement impossible ({exc}) : rien n'est signé") from None
            original_path = self.root / paper.file
            target = original_path.with_name(f"{original_path.stem}-signe.pdf")
            write_atomic(target, pdf)  # the file first: a journaled signature always has its copy
            self.journal.append(CONTRACT, record, key=f"countersign:signature:{self.session.id}:{paper.document}:"
                                                      f"{paper.party}")
            self.journal.append(ISSUED[paper.document], {
                "session": self.session.id, "learner": paper.party if paper.learner else None,
                "party": paper.party, "file": target.relative_to(self.root).as_posix(),
                "sha256": hashlib.sha256(pdf).hexdigest(), "code": paper.code, "signed": self.signer is not None,
                "chain": record["chain"]}, key=f"countersign:{paper.document}:{self.session.id}:{paper.party}")
        return target

    def _strokes_file(self, paper: Paper, strokes: dict, now: datetime) -> tuple[str, str]:
        folder = self.root / OUTPUT / safe_name(self.session.id) / STROKES_FOLDER
        data = json.dumps(strokes, separators=(",", ":")).encode()
        n, path = 0, folder / f"{paper.document}-{safe_name(paper.party)}-{now:%Y%m%d-%H%M%S}.json"
        while path.exists():
            n += 1
            path = path.with_name(f"{paper.document}-{safe_name(paper.party)}-{now:%Y%m%d-%H%M%S}-{n}.json")
        write_atomic(path, data)
        return path.relative_to(self.root).as_posix(), hashlib.sha256(data).hexdigest()


def open_desk(project: Project, root: Path, journal: Journal, session_id: str, clock: Callable[[], datetime],
              signer=None) -> Desk:
    session = project.session(session_id)
    if session is None:
        raise CountersignError(f"session « {session_id} » inconnue")
    return Desk(project, root, journal, session, clock, signer)
