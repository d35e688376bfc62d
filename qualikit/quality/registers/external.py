"""Intervenants extérieurs (indicator 27): what the trainer checked of each subcontractor or salarié
porté before and after their sessions, with the pieces, and their invoices as costs.

The référentiel leaves the quality chain to the donneur d'ordre: selecting (CV, diplomas, the company
and its social dues), committing them to the référentiel (a signed quality charter, the contract),
and steering (an evaluation after each session). A subcontractor need not be Qualiopi-certified.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from qualikit.base.diagnostics import Location, Report
from qualikit.project.load.fields import DATE, IDENT, POSITIVE, TEXT, choice
from qualikit.quality.registers import store
from qualikit.quality.registers.model import CheckKind, ExternalEntry, Register
from qualikit.quality.registers.store import Field, RegisterError, Spec

FILENAME = "registre-sous-traitants.yaml"
PREFIX = "ST"
KIND = choice(CheckKind, {"curriculum": CheckKind.CV, "cv": CheckKind.CV, "diplome": CheckKind.DIPLOMES,
                          "titres": CheckKind.DIPLOMES, "siret": CheckKind.IDENTITE, "nda": CheckKind.IDENTITE,
                          "kbis": CheckKind.IDENTITE, "siret nda": CheckKind.IDENTITE,
                          "urssaf": CheckKind.URSSAF, "vigilance": CheckKind.URSSAF,
                          "attestation de vigilance": CheckKind.URSSAF, "qualiopi": CheckKind.QUALIOPI,
                          "charte": CheckKind.CHARTE, "charte qualite": CheckKind.CHARTE,
                          "contrat": CheckKind.CONTRAT, "evaluation": CheckKind.EVALUATION,
                          "bilan": CheckKind.EVALUATION, "facture": CheckKind.FACTURE})
# Checked once per intervenant, before their first session (the URSSAF one every six months).
SELECTION = (CheckKind.CV, CheckKind.DIPLOMES, CheckKind.IDENTITE, CheckKind.URSSAF, CheckKind.CHARTE)
URSSAF_MONTHS = 6  # art. D8222-5 du code du travail: at the contract, then every six months
PER_SESSION = (CheckKind.CONTRAT, CheckKind.EVALUATION, CheckKind.FACTURE)

HEADER = """\
# Intervenants extérieurs : sous-traitants et salariés portés (indicateur Qualiopi 27). Une entrée par
# pièce vérifiée. «\u00a0qualikit sous-traitant check\u00a0» et «\u00a0qualikit sous-traitant facture\u00a0» ajoutent
# les entrées à la fin du fichier\u00a0; vous pouvez aussi les écrire à la main.
#   intervenant\u00a0: son identifiant (formateurs d'organisation.yaml, statut sous-traitant ou porté)
#   type\u00a0: CV, diplômes, SIRET et NDA, attestation URSSAF (de vigilance, moins de 6 mois), certificat
#          Qualiopi (s'il en a un), charte qualité signée, contrat signé, évaluation (après la session), facture
#   session\u00a0: pour un contrat, une évaluation, une facture\u00a0; montant\u00a0: d'une facture, HT
#   fichier\u00a0: la pièce dans votre projet\u00a0; dates AAAA-MM-JJ"""


def _check(entry: ExternalEntry, values: dict[str, Any], locs: dict[str, Location], report: Report) -> None:
    if entry.file is not None and (".." in Path(entry.file).parts or Path(entry.file).is_absolute()):
        report.error(locs["fichier"], "chemin attendu relatif au dossier du projet, sans «\u00a0..\u00a0»", "fichier")
    if entry.kind is CheckKind.FACTURE and entry.amount is None:
        report.error(entry.loc, "une facture sans montant (attendu\u00a0: montant, HT)", "montant")
    if entry.kind in PER_SESSION and entry.session is None:
        report.error(entry.loc, f"{entry.kind.value}\u00a0: de quelle session\u00a0? (attendu\u00a0: session)",
                     "session")


SPEC = Spec(
    filename=FILENAME,
    record=ExternalEntry,
    fields=(
        Field("id", "id", store.entry_id(PREFIX, yearly=True), required=True),
        Field("date", "date", DATE, required=True),
        Field("intervenant", "trainer", IDENT, required=True),
        Field("type", "kind", KIND, required=True),
        Field("session", "session", IDENT),
        Field("constat", "note", TEXT),
        Field("montant", "amount", POSITIVE),
        Field("fichier", "file", TEXT),
    ),
    header=HEADER,
    check=_check,
)


def load(root: Path) -> store.Document:
    return store.load(root, SPEC)


def new_entry(register: Register, *, day: date, trainer: str, kind: CheckKind, session: str | None = None,
              note: str | None = None, amount: Decimal | None = None, file: str | None = None) -> ExternalEntry:
    trainer = trainer.strip()
    if not trainer:
        raise RegisterError("l'intervenant est vide\u00a0: son identifiant dans organisation.yaml (--intervenant)")
    if kind is CheckKind.FACTURE and amount is None:
        raise RegisterError("une facture demande son montant HT (--montant)")
    if kind in PER_SESSION and not session:
        raise RegisterError(f"{kind.value}\u00a0: précisez la session (--session)")
    return ExternalEntry(id=store.next_id(register, PREFIX, day.year), date=day, trainer=trainer, kind=kind,
                         session=(session or "").strip() or None, note=(note or "").strip() or None,
                         amount=amount, file=(file or "").strip() or None)


# -- the contracts qualikit issued (commands/external_contracts.py journals them) ----------------------

CONTRACT_KIND = "external.contract"


def contract_key(session_id: str, trainer_id: str) -> str:
    return f"external:contract:{session_id}:{trainer_id}"


def contracted(entries: Iterable) -> dict[tuple[str, str], str]:
    """(session, intervenant) → the project-relative file of the contract issued, from journal entries."""
    out = {}
    for e in entries:
        if e.kind == CONTRACT_KIND and isinstance(e.data, dict):
            out[(str(e.data.get("session")), str(e.data.get("trainer")))] = str(e.data.get("file") or "")
    return out


# -- what is still missing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """One piece an intervenant lacks; `session` is None for a selection check."""

    trainer: str
    session: str | None
    what: str  # French: « attestation URSSAF de moins de 6 mois », « contrat »…


def gaps(trainer: str, sessions: Iterable, entries: Iterable[ExternalEntry], contracts: Iterable[tuple[str, str]],
         today: date) -> list[Gap]:
    """What this intervenant lacks for these sessions (their own, started or planned): the selection
    checks on file, an URSSAF attestation less than six months old
    at each session's start, a contract per session (generated by qualikit or a signed copy on file),
    an evaluation once a session is over. An invoice is a cost, never a gap."""
    mine = [e for e in entries if e.trainer == trainer]
    sessions = sorted(sessions, key=lambda s: (s.start, s.id))
    if not sessions:
        return []
    out: list[Gap] = [Gap(trainer, None, kind.value) for kind in SELECTION
                      if kind is not CheckKind.URSSAF and not any(e.kind is kind for e in mine)]
    for s in sessions:
        if not any(e.kind is CheckKind.URSSAF and s.start - timedelta(days=31 * URSSAF_MONTHS) <= e.date <= s.end
                   for e in mine):
            out.append(Gap(trainer, s.id, "attestation URSSAF de moins de 6 mois"))
        signed = any(e.kind is CheckKind.CONTRAT and e.session == s.id for e in mine)
        if not signed and (s.id, trainer) not in contracts:
            out.append(Gap(trainer, s.id, "contrat"))
        if s.end < today and not any(e.kind is CheckKind.EVALUATION and e.session == s.id for e in mine):
            out.append(Gap(trainer, s.id, "évaluation après la session"))
    return out


def costs(entries: Iterable[ExternalEntry], start: date, end: date) -> Decimal:
    """The intervenants' invoices dated in [start, end], HT: the BPF's purchases of training."""
    return sum((e.amount for e in entries if e.kind is CheckKind.FACTURE and e.amount is not None
                and start <= e.date <= end), Decimal(0))
