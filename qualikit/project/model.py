"""The trainer's data as plain typed records.

Every record keeps the Location it was read from (excluded from equality), so
later checks can point at the file, line or cell. The same data read from YAML
or from the workbook gives equal models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from qualikit.base.diagnostics import Location

NOWHERE = Location("?")


class Modality(StrEnum):
    PRESENTIEL = "présentiel"
    DISTANCIEL = "distanciel"
    MIXTE = "mixte"


class Funder(StrEnum):
    """Who pays: drives documents (convention vs contrat) and the BPF frames."""

    ENTREPRISE = "entreprise"
    OPCO = "OPCO"
    CPF = "CPF"
    PARTICULIER = "particulier"
    FRANCE_TRAVAIL = "France Travail"
    REGION = "région"
    ETAT = "État"
    AGEFIPH = "Agefiph"
    TRANSITIONS_PRO = "Transitions Pro"
    ORGANISME = "autre organisme de formation"
    AUTRE = "autre"


class Status(StrEnum):
    INSCRIT = "inscrit"
    PRESENT = "présent"
    ABANDON = "abandon"


class HalfDay(StrEnum):
    MATIN = "matin"
    APRES_MIDI = "après-midi"


class Result(StrEnum):
    ACQUIS = "acquis"
    EN_COURS = "en cours d'acquisition"
    NON_ACQUIS = "non acquis"


@dataclass(frozen=True)
class TimeRange:
    start: time
    end: time

    @property
    def hours(self) -> Decimal:
        minutes = (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)
        return Decimal(minutes) / 60

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class Person:
    name: str
    title: str | None = None  # qualité (gérant, présidente…)
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Address:
    street: str | None = None
    postcode: str | None = None
    city: str | None = None

    def lines(self) -> list[str]:
        town = " ".join(p for p in (self.postcode, self.city) if p)
        return [line for line in (self.street, town) if line]


class TrainerStatus(StrEnum):
    """How a trainer works for the organisation: indicator 27 applies to the last two."""

    INTERNE = "interne"  # the trainer themself, or an employee
    SOUS_TRAITANT = "sous-traitant"  # an independent trainer or a company, paid on invoice
    PORTE = "porté"  # a salarié porté: the contract is with the portage company


@dataclass(frozen=True)
class Trainer:
    id: str
    name: str
    email: str | None = None
    phone: str | None = None
    qualifications: tuple[str, ...] = ()
    status: TrainerStatus = TrainerStatus.INTERNE
    company: str | None = None  # raison sociale of the subcontractor, or the portage company
    siret: str | None = None
    nda: str | None = None  # its own déclaration d'activité, when it has one
    address: Address = Address()
    representative: str | None = None  # who signs for the company (the trainer by default)
    day_rate: Decimal | None = None  # HT per day of session, for the contract
    loc: Location = field(default=NOWHERE, compare=False, repr=False)

    @property
    def external(self) -> bool:
        return self.status is not TrainerStatus.INTERNE


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: str = "starttls"  # starttls | ssl | aucune
    user: str | None = None
    password_env: str = "QUALIKIT_SMTP_PASSWORD"  # the password itself never sits in a file
    certificate: str | None = None  # None: the system's authorities; "ignorer"; or a CA file (project-relative)


@dataclass(frozen=True)
class Settings:
    """Project settings; every default here is qualikit's practice, not an audit rule."""

    lead_time_days: int = 7
    dropout_alert_rate: Decimal = Decimal("0.10")
    response_target_rate: Decimal = Decimal("0.80")
    complaint_answer_hours: int = 48
    catch_up_days: int = 7  # a step missed while the machine was off is still sent this many days late
    payment_reminder_days: tuple[int, ...] = (7, 30)  # reminders to a payer, days after an invoice's due date
    send_on_working_days: bool = True  # mails to learners and clients wait for a working day
    closed_days: tuple[date, ...] = ()  # days the organisation is closed, on top of weekends and public holidays
    new_entrant: bool = False
    audit_date: date | None = None
    survey_urls: tuple[tuple[str, str], ...] = ()  # (survey kind, URL template with {token})
    smtp: SmtpSettings | None = None
    certificate: str | None = None  # PKCS#12 file, relative to the project folder
    certificate_passphrase_env: str = "QUALIKIT_CERT_PASSPHRASE"
    verification_url: str | None = None  # https page where readers check a code (see `verify --publish`)
    loc: Location = field(default=NOWHERE, compare=False, repr=False)

    def survey_url(self, kind: str) -> str | None:
        return dict(self.survey_urls).get(kind)

    @property
    def work_calendar(self):
        from qualikit.base.workdays import WorkCalendar

        return WorkCalendar(self.send_on_working_days, frozenset(self.closed_days))


@dataclass(frozen=True)
class Organisation:
    name: str  # raison sociale
    siret: str | None = None
    nda: str | None = None  # numéro de déclaration d'activité
    nda_region: str | None = None
    legal_form: str | None = None
    address: Address = Address()
    legal_rep: Person | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    disability_referent: Person | None = None
    disability_network: tuple[str, ...] = ()
    sender: Person | None = None  # who e-mails come from
    logo: str | None = None  # path relative to the project folder
    signature: str | None = None
    rules_url: str | None = None  # règlement intérieur
    vat_regime: str | None = None  # « exoneration » (CGI 261-4-4° a, the default), « franchise » (293 B), « assujetti »
    vat_number: str | None = None  # numéro de TVA intracommunautaire (required when VAT is charged)
    loc: Location = field(default=NOWHERE, compare=False, repr=False)

    @property
    def sender_email(self) -> str | None:
        """Who e-mails come from: the sender identity, else the organisation's address."""
        return (self.sender.email if self.sender and self.sender.email else None) or self.email

    @property
    def sender_name(self) -> str:
        return (self.sender.name if self.sender and self.sender.name else None) or self.name


DONOR_ISSUES, NO_ISSUE = "donneur_ordre", "aucune"
ISSUERS = (DONOR_ISSUES, NO_ISSUE)  # subcontracted session: documents in the donneur d'ordre's name, or none


class ClientKind(StrEnum):
    """Who a client is, which decides how it is invoiced (and its BPF line)."""

    ENTREPRISE = "entreprise"
    OPCO = "OPCO"
    FRANCE_TRAVAIL = "France Travail"
    ORGANISME = "organisme de formation"
    PUBLIC = "organisme public"
    AUTRE = "autre"


@dataclass(frozen=True)
class Client:
    """A company, a funder (OPCO, France Travail) or an organisme that buys or pays for training."""

    id: str
    name: str
    kind: ClientKind = ClientKind.ENTREPRISE
    siret: str | None = None
    vat_number: str | None = None
    address: Address = Address()
    representative: Person | None = None  # who signs the convention
    contact: Person | None = None  # who receives the convention, the invoices and the client survey
    agreement: str | None = None  # OPCO: the funding agreement (accord de prise en charge) number
    payment_days: int = 30  # invoices are due this many days after their date
    nda: str | None = None  # an organisme de formation's numéro de déclaration d'activité (donneur d'ordre)
    loc: Location = field(default=NOWHERE, compare=False, repr=False)

    @property
    def email(self) -> str | None:
        return self.contact.email if self.contact and self.contact.email else None


@dataclass(frozen=True)
class Programme:
    id: str
    title: str
    objectives: tuple[str, ...] = ()
    prerequisites: tuple[str, ...] = ()
    audience: str | None = None
    duration_hours: Decimal | None = None
    modality: Modality | None = None
    methods: tuple[str, ...] = ()
    evaluation: tuple[str, ...] = ()
    accessibility: str | None = None
    price: Decimal | None = None  # euros HT per learner
    certification_code: str | None = None  # RNCP… / RS…
    recognition: str | None = None  # type de reconnaissance délivrée
    financing: tuple[str, ...] = ()
    access_delay: str | None = None
    outline: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    competence_certificate: bool = False
    updated: date | None = None
    contractor: str | None = None  # donneur d'ordre (a client id) of every session of this programme
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class CertificationBlock:
    """A block of competencies of the certification's fiche, and the programme sequences that train it."""

    code: str  # RS0000BC01…
    title: str
    competencies: tuple[str, ...] = ()
    assessment: str | None = None  # how the block is assessed (written test, role play…)
    sequences: tuple[int, ...] = ()  # 1-based indexes into the programme's outline (contenu)
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class Certification:
    """An RNCP or RS certification as its fiche and the certifier's agreement describe it (indicators 3, 7, 16)."""

    code: str  # RNCP… / RS…, the programmes' code_certification
    title: str
    certifier: str | None = None
    blocks: tuple[CertificationBlock, ...] = ()
    trains: bool = False  # habilitated (or under convention) to prepare for it
    assesses: bool = False  # habilitated to run its assessment
    habilitation_file: str | None = None  # convention or habilitation, project-relative
    habilitation_start: date | None = None
    habilitation_end: date | None = None
    exam_place: str | None = None
    assessor: str | None = None  # who runs the exam (the learner is pointed there when we do not assess)
    exam_rules: str | None = None  # the certifier's exam rules, project-relative file
    certifier_contact: str | None = None
    registration: str | None = None  # who registers the candidate, how, by when
    access_conditions: tuple[str, ...] = ()  # what the candidate must meet or bring
    disability_adaptations: str | None = None  # what the certifier allows, and when to ask
    retakes: str | None = None  # what a failed or absent candidate can do
    separate_blocks: bool = False  # blocks can be validated one by one
    equivalences: tuple[str, ...] = ()
    bridges: tuple[str, ...] = ()  # passerelles
    next_steps: tuple[str, ...] = ()  # suites de parcours
    outlets: tuple[str, ...] = ()  # débouchés
    insertion_rate: Decimal | None = None  # taux d'insertion global published on the fiche (0–1)
    job_insertion_rate: Decimal | None = None  # taux d'insertion dans le métier visé (0–1)
    fiche_read_on: date | None = None  # when the fiche's figures were read
    loc: Location = field(default=NOWHERE, compare=False, repr=False)

    def block(self, code: str) -> CertificationBlock | None:
        return next((b for b in self.blocks if b.code == code), None)


@dataclass(frozen=True)
class Exam:
    """A learner's way to the certification exam in one session (the result comes from the journal)."""

    session_id: str
    learner_id: str
    informed_on: date | None = None  # conditions of presentation sent
    registered_on: date | None = None
    exam_session: str | None = None  # the certifier's session (date, place)
    registration_proof: str | None = None  # project-relative file
    adaptation_asked: str | None = None
    adaptation_granted: str | None = None
    adaptation_file: str | None = None  # the request or the certifier's decision, project-relative
    presented: bool | None = None  # None: not known yet
    absence_reason: str | None = None
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class Learner:
    """A person; the same id across sessions is how re-enrolment is recognised."""

    id: str
    last_name: str
    first_name: str
    email: str
    civility: str | None = None  # Mme / M.
    phone: str | None = None
    company: str | None = None
    funder: Funder | None = None
    adaptation: str | None = None  # the adaptation needed, never a diagnosis
    address: Address = Address()  # a particulier's, for their contract and invoices
    loc: Location = field(default=NOWHERE, compare=False, repr=False)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Day:
    date: date
    morning: TimeRange | None = None
    afternoon: TimeRange | None = None
    distance: bool = False  # held at a distance (the session's link) rather than in its room
    loc: Location = field(default=NOWHERE, compare=False, repr=False)

    def halves(self) -> list[tuple[HalfDay, TimeRange]]:
        out = []
        if self.morning:
            out.append((HalfDay.MATIN, self.morning))
        if self.afternoon:
            out.append((HalfDay.APRES_MIDI, self.afternoon))
        return out

    @property
    def hours(self) -> Decimal:
        return sum((r.hours for _, r in self.halves()), Decimal(0))


@dataclass(frozen=True)
class Enrolment:
    learner_id: str
    status: Status = Status.INSCRIT
    enrolled_on: date | None = None
    dropout_date: date | None = None
    dropout_reason: str | None = None
    funder: Funder | None = None  # overrides the session's and the learner's
    company: str | None = None
    signed_on: date | None = None  # contract signature (withdrawal period starts)
    schedule: tuple[tuple[date, Decimal], ...] = ()  # a hand-written payment schedule
    payer: str | None = None  # a client id: the OPCO or France Travail agency that pays (subrogation)
    payer_share: Decimal | None = None  # what the payer covers (HT); the company pays the rest
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class Session:
    id: str
    programme_id: str
    days: tuple[Day, ...]
    trainer_id: str | None = None
    place: str | None = None
    access: str | None = None  # how to get there: transport, parking, floor…
    distance_link: str | None = None
    connection_help: str | None = None
    to_bring: str | None = None
    client: str | None = None  # client company
    funder: Funder | None = None
    contractor: str | None = None  # donneur d'ordre (a client id) when subcontracted (BPF frame G, line C-10)
    issuer: str | None = None  # subcontracted: who issues attestations and certificats (ISSUERS)
    price: Decimal | None = None  # total HT when sold as a whole (intra)
    follow_up: str | None = None  # plan de suivi (indicator 12, sessions over 2 days)
    client_email: str | None = None  # the client company's contact, for its survey (indicator 30)
    payer: str | None = None  # a client id: the OPCO or France Travail agency that pays (subrogation)
    payer_share: Decimal | None = None  # what the payer covers (HT); the client company pays the rest
    exam_minutes: str | None = None  # procès-verbal of the certification exam, project-relative file
    exam_date: date | None = None  # the certification exam's day, when known
    enrolments: tuple[Enrolment, ...] = ()
    loc: Location = field(default=NOWHERE, compare=False, repr=False)

    @property
    def start(self) -> date:
        return min(d.date for d in self.days)

    @property
    def end(self) -> date:
        return max(d.date for d in self.days)

    @property
    def planned_hours(self) -> Decimal:
        return sum((d.hours for d in self.days), Decimal(0))

    def enrolment(self, learner_id: str) -> Enrolment | None:
        return next((e for e in self.enrolments if e.learner_id == learner_id), None)


@dataclass(frozen=True)
class Attendance:
    """One half-day's roll call: who was absent (everyone else enrolled was there)."""

    session_id: str
    date: date
    half: HalfDay
    absent: tuple[str, ...] = ()
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class Evaluation:
    session_id: str
    learner_id: str
    objective: int  # 1-based index into the programme's objectives
    result: Result | None = None
    score: Decimal | None = None  # "14/20" → 14 with scale 20
    scale: Decimal | None = None
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class JourneyStep:
    """A trainer's change to the journey plan (or a step of their own); None = keep the default."""

    id: str
    label: str | None = None
    anchor: str | None = None  # debut | fin | absence
    offset: int | None = None
    audience: str | None = None
    template: str | None = None
    survey: str | None = None
    enabled: bool | None = None
    programme: str | None = None
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class Payment:
    """A payment received on an invoice, written in the project (paiements.yaml or the sheet)."""

    invoice: str  # its number, « 2026-0004 »
    on: date
    amount: Decimal  # TTC
    means: str = "virement"
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class Project:
    organisation: Organisation
    settings: Settings
    trainers: tuple[Trainer, ...] = ()
    programmes: tuple[Programme, ...] = ()
    learners: tuple[Learner, ...] = ()
    sessions: tuple[Session, ...] = ()
    attendance: tuple[Attendance, ...] = ()
    evaluations: tuple[Evaluation, ...] = ()
    journey: tuple[JourneyStep, ...] = ()
    clients: tuple[Client, ...] = ()
    certifications: tuple[Certification, ...] = ()
    exams: tuple[Exam, ...] = ()
    payments: tuple[Payment, ...] = ()

    def certification(self, code: str | None) -> Certification | None:
        return next((c for c in self.certifications if c.code == code), None) if code else None

    def certification_of(self, session: Session) -> Certification | None:
        """The certification a session prepares for, when its programme names one that the project describes."""
        programme = self.programme(session.programme_id)
        return self.certification(programme.certification_code) if programme else None

    def programme(self, pid: str) -> Programme | None:
        return self._by_id["programmes"].get(pid)

    def learner(self, lid: str) -> Learner | None:
        return self._by_id["learners"].get(lid)

    def session(self, sid: str) -> Session | None:
        return self._by_id["sessions"].get(sid)

    def funder_of(self, session: Session, enrolment: Enrolment) -> Funder | None:
        """Who pays for this enrolment: the enrolment's own, else the session's, else the learner's.
        A subcontracted session is paid by its donneur d'ordre, whoever funds it on its side."""
        if session.contractor:
            return Funder.ORGANISME
        learner = self.learner(enrolment.learner_id)
        return enrolment.funder or session.funder or (learner.funder if learner else None)

    def buyer_of(self, session: Session, enrolment: Enrolment) -> str | None:
        """Whose convention covers this enrolment: None for the session's client (intra), else the
        learner's company, else the funder (inter: one convention per buyer)."""
        if session.client:
            return None
        learner = self.learner(enrolment.learner_id)
        funder = self.funder_of(session, enrolment)
        return enrolment.company or (learner.company if learner else None) or (funder.value if funder else
                                                                                 "sans-financeur")

    def funders_of(self, session: Session) -> list[Client]:
        """The funders paying this session in subrogation (its payer and its learners'), from the
        clients table, in the order they appear: who receives the funder survey (indicator 30)."""
        refs = [session.payer, *(e.payer for e in session.enrolments)]
        out: list[Client] = []
        for ref in refs:
            client = self.client(ref)
            if client is not None and client not in out:
                out.append(client)
        return out

    def contractor_of(self, session: Session) -> Client | None:
        """The donneur d'ordre of a subcontracted session, from the clients table."""
        return self.client(session.contractor) if session.contractor else None

    def trainer(self, tid: str) -> Trainer | None:
        return self._by_id["trainers"].get(tid)

    def client(self, ref: str | None) -> Client | None:
        """A client by its id or by its name (sessions and learners name their company)."""
        if not ref:
            return None
        found = self._by_id["clients"].get(ref)
        if found is None:
            found = next((c for c in self.clients if c.name.casefold() == ref.casefold()), None)
        return found

    @cached_property
    def _by_id(self) -> dict[str, dict]:
        """Built once: commands look records up by id thousands of times on a large project."""
        return {name: {r.id: r for r in getattr(self, name)}
                for name in ("programmes", "learners", "sessions", "trainers", "clients")}
