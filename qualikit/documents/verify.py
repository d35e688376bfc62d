"""`qualikit verify`: is this PDF one the trainer issued, as issued? One word answers it.

- « signé » / « authentique »: these exact bytes are in the journal (signed, or not); identical bytes
  carry the signature they were issued with, so no signature needs re-checking (and pyHanko, slow
  to import, is not loaded);
- « altéré »: the document carries a code the journal knows, but its bytes differ; or its
  signature no longer covers what it says;
- « inconnu »: nothing links it to the project.
Away from the project (no journal: a client, an OPCO), only the signature can speak: an intact
one says « signé », and who signed is to be checked against the certificate fingerprint the
trainer publishes (`verify --publish`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from qualikit.base.clock import PARIS
from qualikit.project.journal import Entry

CODE = re.compile(rb"QK-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")
AUTHENTIQUE, SIGNE, ALTERE, INCONNU = "authentique", "signé", "altéré", "inconnu"

# journal kinds of issued documents, as the reader knows them
KINDS = {  # (what it is, « délivré » agreed with it)
    "close.attestation": ("attestation de fin de formation", "délivrée"),
    "close.certificat": ("certificat de réalisation", "délivré"),
    "close.competences": ("certificat de compétences", "délivré"),
    "close.depart": ("pack de fin de formation", "délivré"),
    "contract.contrat": ("contrat de formation", "délivré"),
    "contract.convention": ("convention de formation", "délivrée"),
    "contract.info": ("information préalable à l'inscription", "délivrée"),
    "contract.sous-traitance": ("contrat de sous-traitance", "délivré"),
    "onboard.kit": ("convocation et livret d'accueil", "délivrés"),
    "onboard.attendance_sheet": ("feuille d'émargement", "délivrée"),
    "onboard.certification_info": ("information sur les conditions de présentation à la certification", "délivrée"),
    "emargement.close": ("feuille d'émargement signée dans la salle", "scellée"),
    "emargement.import": ("feuille d'émargement scannée", "déposée"),
    "programme.sheet": ("fiche programme", "délivrée"),
    "countersign.contrat": ("contrat de formation signé par le stagiaire", "scellé"),
    "countersign.convention": ("convention de formation signée par le client", "scellée"),
    "external.contract": ("contrat avec un intervenant extérieur", "délivré"),
}


@dataclass(frozen=True)
class Verdict:
    word: str  # AUTHENTIQUE, SIGNE, ALTERE or INCONNU
    lines: tuple[str, ...] = field(default=())  # French explanation, never an internal name

    @property
    def ok(self) -> bool:
        return self.word in (AUTHENTIQUE, SIGNE)


def kind_label(entry: Entry) -> str:
    return KINDS.get(entry.kind, ("document", ""))[0]


def _issued_as(entry: Entry) -> str:
    """« certificat de réalisation délivré le lundi 19 octobre 2026 à 9 h 00 »."""
    label, participle = KINDS.get(entry.kind, ("document", "délivré"))
    return f"{label} {participle} {_when(entry)}"


def document_code(pdf: bytes) -> str | None:
    """The verification code the PDF carries in its metadata (Keywords), if any."""
    match = CODE.search(pdf)
    return match.group(0).decode("ascii") if match else None


def issued_documents(entries: list[Entry]) -> list[Entry]:
    """Journal entries of documents issued: a file with its SHA-256."""
    return [e for e in entries if isinstance(e.data, dict) and e.data.get("sha256") and e.data.get("file")
            and str(e.data["file"]).endswith(".pdf")]


def _when(entry: Entry) -> str:
    """« le 19/10/2026 à 9 h 05 » (babel, for the long form, would double the time of a check)."""
    from qualikit.base.frdates import clock_time, short_date

    moment = entry.ts.astimezone(PARIS) if isinstance(entry.ts, datetime) else entry.ts
    return f"le {short_date(moment.date())} à {clock_time(moment)}"


def verify_document(pdf: bytes, entries: list[Entry] | None, trust: Callable[[], list[bytes]] = list) -> Verdict:
    """The verdict on `pdf`: with the project's journal (`entries`), or away from it (None). `trust`
    gives the project's certificate, asked only when a signature must be checked."""
    digest = hashlib.sha256(pdf).hexdigest()
    code = document_code(pdf)
    signed = b"/ByteRange" in pdf
    if entries is not None:
        documents = issued_documents(entries)
        issued = next((e for e in reversed(documents) if e.data["sha256"] == digest), None)
        if issued is not None:
            what = _issued_as(issued).capitalize()
            code_text = f", code {issued.data['code']}" if issued.data.get("code") else ""
            if signed:
                return Verdict(SIGNE, (f"{what}{code_text} ; contenu identique à l'original, signé "
                                       "électroniquement à sa délivrance.",))
            return Verdict(AUTHENTIQUE, (f"{what}{code_text} ; contenu identique à l'original.",))
        claimed = next((e for e in reversed(documents) if code and e.data.get("code") == code), None)
        if claimed is not None:
            return Verdict(ALTERE, (f"Il porte le code {code} : {_issued_as(claimed)}, mais son contenu n'est plus "
                                    "celui d'origine.",))
    if signed:
        from qualikit.documents.signing import check_signature

        sig = check_signature(pdf, trust() if entries is not None else None)
        if not sig.intact:
            return Verdict(ALTERE, (f"Signature électronique : {sig.message}.",))
        if sig.valid and entries is not None:
            return Verdict(SIGNE, (f"Signature électronique : {sig.message}, mais ce document n'est pas au journal "
                                   "du projet.",))
        if entries is None:
            who = f" de {sig.signer}" if sig.signer else ""
            lines = [f"Signature intègre{who}, émetteur à vérifier sur la liste publiée par l'organisme."]
            if sig.fingerprint:
                lines.append(f"Empreinte SHA-256 du certificat du signataire : {sig.fingerprint}")
            if code:
                lines.append(f"Code de vérification : {code}.")
            return Verdict(SIGNE, tuple(lines))
        return Verdict(INCONNU, (f"Signature électronique : {sig.message} ; aucun document de ce projet "
                                 "n'a ce contenu.",))
    if entries is None:
        lines = ["Ni journal de projet ici, ni signature électronique : rien ne permet de le vérifier."]
        if code:
            lines.append(f"Il porte le code {code} : vérifiez-le sur la page de vérification de l'organisme.")
        return Verdict(INCONNU, tuple(lines))
    if not pdf.startswith(b"%PDF-"):
        return Verdict(INCONNU, ("Ce fichier n'est pas un PDF, et ne correspond à aucun document délivré par ce "
                                 "projet.",))
    return Verdict(INCONNU, ("Il ne correspond à aucun document délivré par ce projet.",))
