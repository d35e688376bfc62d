"""The four registers' entries as plain frozen records.

Every record keeps the Location it was read from (excluded from equality), like
qualikit.project.model: a register loaded, saved and loaded again gives equal records.
Date-times are aware (Europe/Paris); the files hold them as local time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar

from qualikit.base.diagnostics import Location

NOWHERE = Location("?")


# -- Réclamations, difficultés et aléas (indicator 31) ---------------------------------------------


class IncidentKind(StrEnum):
    RECLAMATION = "réclamation"  # written, by a stakeholder
    DIFFICULTE = "difficulté"  # met by a stakeholder
    ALEA = "aléa"  # an incident during the training: trainer ill, room unavailable, platform down…


class Channel(StrEnum):
    EMAIL = "e-mail"
    TELEPHONE = "téléphone"
    COURRIER = "courrier"
    ORAL = "oral"
    QUESTIONNAIRE = "questionnaire"


class IncidentStatus(StrEnum):
    OUVERTE = "ouverte"
    EN_COURS = "en cours"
    CLOSE = "close"


@dataclass(frozen=True)
class Incident:
    id: str  # R-2026-001
    kind: IncidentKind
    received: datetime
    who: str  # a learner id, or free text: « entreprise Transports Berthier », « financeur »…
    subject: str
    session: str | None = None
    channel: Channel | None = None
    acknowledged: datetime | None = None
    analysis: str | None = None
    answer: str | None = None
    answered: datetime | None = None
    corrective_action: str | None = None
    status: IncidentStatus = IncidentStatus.OUVERTE
    improvement: str | None = None  # A-2026-001
    loc: Location = field(default=NOWHERE, compare=False, repr=False)

    @property
    def is_complaint(self) -> bool:
        return self.kind is IncidentKind.RECLAMATION


# -- Actions d'amélioration (indicator 32) ---------------------------------------------------------


class ImprovementSource(StrEnum):
    ENQUETE = "enquête"
    RECLAMATION = "réclamation"
    ABANDON = "abandon"
    RISQUE = "risque"
    AUDIT = "audit"
    AUTRE = "autre"


class ImprovementStatus(StrEnum):
    PROPOSEE = "proposée"
    EN_COURS = "en cours"
    REALISEE = "réalisée"
    ABANDONNEE = "abandonnée"


@dataclass(frozen=True)
class Improvement:
    id: str  # A-2026-001
    source: ImprovementSource
    finding: str  # constat
    action: str
    reference: str | None = None  # R-2026-001, a session id, Q-003, « audit initial 2026 »…
    created: date | None = None
    owner: str | None = None
    due: date | None = None
    status: ImprovementStatus = ImprovementStatus.PROPOSEE
    done: date | None = None
    effect: str | None = None  # effet observé
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class Proposal:
    """An improvement action suggested by an event, not yet in the register (no id)."""

    source: ImprovementSource
    reference: str | None
    finding: str
    action: str


# -- Risques sur la qualité des formations (indicator 32, audits from 1 Nov 2026) ------------------


class RiskStatus(StrEnum):
    OUVERT = "ouvert"  # measures to put in place or to watch
    MAITRISE = "maîtrisé"  # measures in place and judged sufficient
    CLOS = "clos"  # no longer relevant


@dataclass(frozen=True)
class Risk:
    id: str
    risk: str
    likelihood: int  # 1 (rare) … 4 (fréquent)
    impact: int  # 1 (faible) … 4 (grave)
    measures: tuple[str, ...] = ()
    owner: str | None = None
    reviewed: date | None = None  # dernière revue
    next_review: date | None = None  # prochaine revue
    status: RiskStatus = RiskStatus.OUVERT
    loc: Location = field(default=NOWHERE, compare=False, repr=False)

    @property
    def criticality(self) -> int:
        return self.likelihood * self.impact


# -- Signalements : violences, harcèlement, discriminations (indicator 12, 2026) -------------------


class ReportStatus(StrEnum):
    OUVERT = "ouvert"
    EN_COURS = "en cours"
    CLOS = "clos"


class ReportChannel(StrEnum):
    EMAIL = "e-mail"
    TELEPHONE = "téléphone"
    COURRIER = "courrier"
    ORAL = "oral"
    FORMULAIRE = "formulaire"
    AUTRE = "autre"


@dataclass(frozen=True)
class ViolenceReport:
    """Sensitive personal data: never in the journal, logs, listings or an evidence pack."""

    id: str  # S-2026-001
    date: date
    facts: str  # as reported, in the reporter's words
    channel: ReportChannel | None = None
    people: str | None = None  # people involved, free text
    measures: tuple[str, ...] = ()
    orientation: tuple[str, ...] = ()  # Défenseur des droits, 3919, police, médecine du travail…
    status: ReportStatus = ReportStatus.OUVERT
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


# -- Veille (indicators 23, 24, 25) ------------------------------------------------------------------


class WatchKind(StrEnum):
    LEGALE = "légale"  # 23: laws and rules of vocational training
    METIERS = "métiers"  # 24: the jobs, skills and employment of the trained fields
    PEDAGOGIQUE = "pédagogique"  # 25: teaching methods and technologies


@dataclass(frozen=True)
class WatchEntry:
    id: str  # V-2026-001
    date: date
    kind: WatchKind
    source: str  # where it was read or heard: Légifrance, Centre Inffo, a webinar, a trade fair…
    finding: str  # what changed, or what was learned
    action: str | None = None  # what the organisation changed in consequence (the auditor's question)
    file: str | None = None  # a copy of the source, relative to the project folder
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


# -- Compétences des intervenants et leur développement (indicators 21, 22) ---------------------------


class CompetenceKind(StrEnum):
    DIPLOME = "diplôme"  # 21
    CERTIFICATION = "certification"  # 21
    EXPERIENCE = "expérience"  # 21: years in the trade, missions
    FORMATION = "formation suivie"  # 22: the trainer's own training


@dataclass(frozen=True)
class CompetenceEntry:
    id: str  # C-2026-001
    trainer: str  # a trainer's id (organisation.yaml) or a name
    kind: CompetenceKind
    title: str  # the diploma, the experience, the training followed
    date: date  # obtained, or the end of the experience or training
    provider: str | None = None  # who delivered it (school, organisme, employer)
    hours: int | None = None  # a training's length
    file: str | None = None  # the proof (diploma scan, CV, attestation), relative to the project folder
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


# -- Réseau handicap (indicator 26) -------------------------------------------------------------------


class NetworkKind(StrEnum):
    CONTACT = "contact"  # a call, an e-mail, a first meeting with a partner
    REUNION = "réunion"  # a meeting, an event, an instance of the partner
    FORMATION = "formation du référent"  # the référent's own training or information session
    ORIENTATION = "orientation"  # a learner directed to a partner (never their name or diagnosis here)
    RESSOURCE = "ressource mobilisée"  # an expertise, a tool, a funding mobilised for an adaptation


@dataclass(frozen=True)
class NetworkEntry:
    id: str  # H-2026-001
    date: date
    partner: str  # Agefiph, Cap emploi, MDPH, Ressource Handicap Formation…
    kind: NetworkKind
    report: str  # what was done or learned (compte rendu)
    file: str | None = None  # minutes, invitation, attestation, relative to the project folder
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


# -- Intervenants extérieurs : sous-traitants et salariés portés (indicator 27) ------------------------


class CheckKind(StrEnum):
    CV = "CV"
    DIPLOMES = "diplômes"
    IDENTITE = "SIRET et NDA"  # the company exists (INSEE, Kbis) and, when it has one, its NDA
    URSSAF = "attestation URSSAF"  # attestation de vigilance, less than six months old
    QUALIOPI = "certificat Qualiopi"  # when it has one: not required of a subcontractor
    CHARTE = "charte qualité signée"  # its commitment to the référentiel
    CONTRAT = "contrat signé"  # the contract of a session, signed by both parties
    EVALUATION = "évaluation"  # after the session: how it went, what to change
    FACTURE = "facture"  # its invoice, recorded as a cost


@dataclass(frozen=True)
class ExternalEntry:
    id: str  # ST-2026-001
    date: date
    trainer: str  # the intervenant's id (formateurs of organisation.yaml)
    kind: CheckKind
    session: str | None = None  # for a contract, an evaluation, an invoice
    note: str | None = None  # what was seen: « attestation du 02/09/2026, à jour », the evaluation's text…
    amount: Decimal | None = None  # an invoice's amount, HT
    file: str | None = None  # the piece, relative to the project folder
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


# -- Procedures, dated and versioned (indicators 12, 26, 31, 32) -------------------------------------


@dataclass(frozen=True)
class ProcedureVersion:
    id: str  # P-001
    procedure: str  # the template's name: abandons-relances, accueil-handicap…
    version: str  # « 1 », « 2 », « 2.1 »
    adopted: date  # adoptée le
    changes: str | None = None  # what changed from the previous version
    reviewed: date | None = None  # last review without change
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


# -- A register: one file's entries ------------------------------------------------------------------

T = TypeVar("T")


@dataclass(frozen=True)
class Register(Generic[T]):
    file: str  # relative to the project folder
    entries: tuple[T, ...] = ()

    def get(self, entry_id: str) -> T | None:
        wanted = entry_id.strip().upper()
        return next((e for e in self.entries if e.id == wanted), None)  # type: ignore[attr-defined]

    def __len__(self) -> int:
        return len(self.entries)
