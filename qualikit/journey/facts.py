"""The dated journey of each learner of each session, built once from the project and the journal.

Every command asks the same record where a learner stands (convoked? admitted? present
which half-days? surveys asked and answered? documents issued?) instead of working it out
from journal keys of its own. Build it from a project and journal already cut at the date
of interest (`journey.asof`): then it is the truth at the end of that day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from qualikit.base.clock import PARIS
from qualikit.project.model import Enrolment, Funder, HalfDay, Learner, Project, Session, Status

COMPANY = "entreprise"  # the client company's contact, in survey keys
PAYER = "payeur:"  # a funder's client id, prefixed, in survey keys: never taken for a learner's id


def payer_key(client_id: str) -> str:
    """The « learner » part of a funder's survey token and journal key."""
    return f"{PAYER}{client_id}"
ENTRY_SURVEYS = ("besoins", "positionnement")
ANSWER = "survey.answer"

# what a half-day was for a learner
PRESENT, ABSENT, UNKNOWN, GONE, NOT_ADMITTED = "présent", "absent", "appel non saisi", "après l'abandon", "non admis"


@dataclass(frozen=True)
class Half:
    day: date
    half: HalfDay
    hours: Decimal
    state: str  # PRESENT, ABSENT, UNKNOWN (no roll call), GONE (after the drop-out), NOT_ADMITTED


@dataclass(frozen=True)
class Survey:
    asked: datetime | None = None  # when its link was journaled as sent to this person
    answered: datetime | None = None  # when the answer was imported
    values: dict = field(default_factory=dict, compare=False)  # the latest submission's answers
    submitted: str = ""  # that submission's time, as the form tool gave it


@dataclass(frozen=True)
class Document:
    kind: str  # attestation, certificat, competences, depart, kit, contrat
    issued: datetime
    file: str | None
    code: str | None
    surveys: tuple[str, ...] = ()  # the links it carried (the welcome kit)


OBTAINED, PARTIAL, FAILED, ABSENT_EXAM = "obtenu", "partiel", "non obtenu", "absent"
RESULT = "certification.result"


@dataclass(frozen=True)
class ExamPath:
    """A learner's way to the certification exam: the project's dated facts, then the imported result."""

    informed_on: date | None = None  # the conditions of presentation sent: examens.yaml, or the convocation
    registered_on: date | None = None
    exam_session: str | None = None
    registration_proof: str | None = None
    adaptation_asked: str | None = None
    adaptation_granted: str | None = None
    adaptation_file: str | None = None
    presented: bool | None = None  # the project's word, or the result's (an « absent » result: not presented)
    absence_reason: str | None = None
    result: str | None = None  # OBTAINED, PARTIAL, FAILED (ABSENT_EXAM sets presented to False)
    blocks: tuple[str, ...] = ()  # the blocks obtained
    result_on: date | None = None


@dataclass
class LearnerJourney:
    """One learner in one session: the facts, each with its date."""

    session: Session
    enrolment: Enrolment
    learner: Learner
    funder: Funder | None
    signed_on: date | None = None
    withdrawal_end: date | None = None
    contract_sent: datetime | None = None
    convoked: datetime | None = None
    halves: tuple[Half, ...] = ()
    surveys: dict[str, Survey] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    closing_mail: datetime | None = None
    steps: dict[str, datetime] = field(default_factory=dict)  # journey step id → sent (first time)
    contacts: list = field(default_factory=list)  # calls, interviews, notes (journal entries)
    exam: ExamPath | None = None  # certifying sessions only: the way to the exam

    @property
    def id(self) -> str:
        return self.learner.id

    @property
    def individual(self) -> bool:
        """A particulier paying themselves: a signed contract and its withdrawal period come first."""
        return self.funder is Funder.PARTICULIER

    @property
    def dropped_on(self) -> date | None:
        e = self.enrolment
        if e.status is not Status.ABANDON:
            return None
        return e.dropout_date or self.session.start

    @property
    def dropped(self) -> bool:
        return self.enrolment.status is Status.ABANDON

    @property
    def withdrew_before_start(self) -> bool:
        """Left before the first day: a withdrawal, not a drop-out in the figures."""
        return self.dropped and self.dropped_on is not None and self.dropped_on < self.session.start

    def admitted_on(self, day: date) -> bool:
        """May follow the training that day: a particulier once the contract is signed and the
        withdrawal period over (L6353-5/6); everyone else always."""
        if not self.individual:
            return True
        return self.withdrawal_end is not None and day > self.withdrawal_end

    def contract_wait(self, day: date) -> str | None:
        """Why a particulier cannot be convoked on `day`, or None."""
        if not self.individual:
            return None
        if self.signed_on is None:
            return "contrat de formation non signé"
        if day <= self.withdrawal_end:
            return f"délai de rétractation jusqu'au {self.withdrawal_end:%d/%m/%Y}"
        return None

    @property
    def hours_done(self) -> Decimal:
        return sum((h.hours for h in self.halves if h.state == PRESENT), Decimal(0))

    @property
    def absences(self) -> list[Half]:
        return [h for h in self.halves if h.state == ABSENT]

    @property
    def present_unadmitted(self) -> list[Half]:
        """Half-days the roll call counts as present though no signed contract allowed it."""
        return [h for h in self.halves if h.state == NOT_ADMITTED]

    def survey(self, kind: str) -> Survey:
        return self.surveys.get(kind) or Survey()


@dataclass
class SessionJourney:
    session: Session
    learners: list[LearnerJourney]
    closed: datetime | None = None  # close-session recorded
    delivery_delay_hours: Decimal | None = None
    company: Survey = field(default_factory=Survey)  # the client company's survey
    trainer_review: Survey = field(default_factory=Survey)
    funders: list = field(default_factory=list)  # the clients paying it in subrogation (Project.funders_of)
    funder_surveys: dict[str, Survey] = field(default_factory=dict)  # funder's client id → its survey

    @property
    def id(self) -> str:
        return self.session.id

    @property
    def ends_at(self) -> datetime:
        """The end of the last scheduled half-day: the earliest a session can be closed."""
        return session_end(self.session)

    def learner(self, learner_id: str) -> LearnerJourney | None:
        return next((lj for lj in self.learners if lj.learner.id == learner_id), None)

    @property
    def started(self) -> list[LearnerJourney]:
        """Learners who began the training (a withdrawal before the first day is not counted)."""
        return [lj for lj in self.learners if not lj.withdrew_before_start]


@dataclass
class Journey:
    """Every session's journey, as of the end of `day`."""

    day: date
    sessions: dict[str, SessionJourney]
    since: date | None = None  # the journal's first row: before it, qualikit saw nothing happen

    def watched(self, session: Session) -> bool:
        """Was qualikit in use when the session's convocations were due? If not, a missing
        convocation says nothing (it was sent by other means before qualikit came in)."""
        return self.since is not None and self.since < session.start

    def __iter__(self):
        return iter(self.sessions.values())

    def get(self, session_id: str) -> SessionJourney | None:
        return self.sessions.get(session_id)

    def learner(self, session_id: str, learner_id: str) -> LearnerJourney | None:
        sj = self.sessions.get(session_id)
        return sj.learner(learner_id) if sj else None


def session_end(session: Session) -> datetime:
    last = max(session.days, key=lambda d: d.date)
    return datetime.combine(last.date, last.halves()[-1][1].end, PARIS)


def build(project: Project, entries: list, day: date, only: set[str] | None = None) -> Journey:
    """The journey from a project and a journal already cut at `day` (see `journey.asof`);
    `only`: just these sessions (a daily run needs the few whose steps fall near today). Half-days
    signed in the room take their roll call from the signed sheet (journey/roll_calls.py); a contract signed
    on its page dates the signature and the withdrawal period (project/signatures.contract_signed_on)."""
    from qualikit.journey.roll_calls import with_signed
    from qualikit.project.signatures import contract_signed_on

    project = with_signed(project, entries)
    signatures = contract_signed_on(entries)
    absents = _absents(project)
    exams = _exams(project, day)
    sessions: dict[str, SessionJourney] = {}
    index: dict[tuple[str, str], LearnerJourney] = {}
    for session in project.sessions:
        if not session.days or (only is not None and session.id not in only):
            continue
        learners = []
        for enrolment in session.enrolments:
            lj = learner_journey(project, session, enrolment, absents,
                                 signatures.get((session.id, enrolment.learner_id)))
            if lj is None:
                continue
            lj.exam = exams.get((session.id, lj.id))
            learners.append(lj)
            index[(session.id, lj.id)] = lj
        sessions[session.id] = SessionJourney(session, learners, funders=project.funders_of(session))
    for e in entries:
        _apply(e, sessions, index)
    for e in entries:
        if e.kind == RESULT:
            _result(e, index, day)
    return Journey(day, sessions, entries[0].ts.date() if entries else None)


def _exams(project: Project, day: date) -> dict[tuple[str, str], ExamPath]:
    """The exam facts known at the end of `day`: a registration or information dated later has not happened."""
    def known(d: date | None) -> date | None:
        return d if d is not None and d <= day else None

    out = {}
    for x in project.exams:
        registered = known(x.registered_on)
        out[(x.session_id, x.learner_id)] = ExamPath(
            informed_on=known(x.informed_on), registered_on=registered,
            exam_session=x.exam_session if registered else None,
            registration_proof=x.registration_proof if registered else None, adaptation_asked=x.adaptation_asked,
            adaptation_granted=x.adaptation_granted, adaptation_file=x.adaptation_file, presented=x.presented,
            absence_reason=x.absence_reason)
    return out


def _result(e, index: dict[tuple[str, str], LearnerJourney], day: date) -> None:
    """An imported result (the latest one wins), unless dated after `day`."""
    from dataclasses import replace

    data = e.data
    lj = index.get((data.get("session"), data.get("learner")))
    try:
        on = date.fromisoformat(data.get("date") or "")
    except ValueError:
        on = e.ts.date()
    if lj is None or on > day:
        return
    path = lj.exam or ExamPath()
    if data.get("result") == ABSENT_EXAM:
        lj.exam = replace(path, presented=False, result=None, blocks=(), result_on=on,
                          absence_reason=path.absence_reason or data.get("reason"))
    else:
        lj.exam = replace(path, presented=True, result=data.get("result"), blocks=tuple(data.get("blocks") or ()),
                          result_on=on)


def _informed(lj: LearnerJourney, on: date) -> None:
    """The learner received the conditions of presentation on `on` (the earliest known date wins)."""
    from dataclasses import replace

    path = lj.exam or ExamPath()
    if path.informed_on is None or on < path.informed_on:
        lj.exam = replace(path, informed_on=on)


def _absents(project: Project) -> dict[tuple[str, date, HalfDay], frozenset[str]]:
    return {(a.session_id, a.date, a.half): frozenset(a.absent) for a in project.attendance}


def learner_journey(project: Project, session: Session, enrolment: Enrolment,
                    absents: dict | None = None, signed: datetime | None = None) -> LearnerJourney | None:
    """One learner's record from the project alone (the journal's facts are added by `build`); `signed`:
    when they signed their contract on the page of `qualikit emargement`, which wins over the
    project's date_signature (the signature is the proof): the withdrawal period runs from it."""
    from qualikit.project.schedule import withdrawal_end

    learner = project.learner(enrolment.learner_id)
    if learner is None:
        return None
    signed_on = signed.astimezone(PARIS).date() if signed is not None else enrolment.signed_on
    lj = LearnerJourney(session, enrolment, learner, project.funder_of(session, enrolment), signed_on=signed_on,
                        withdrawal_end=withdrawal_end(signed_on) if signed_on else None)
    lj.halves = _halves(session, lj, _absents(project) if absents is None else absents)
    return lj


def _halves(session: Session, lj: LearnerJourney, absents) -> tuple[Half, ...]:
    out = []
    dropped = lj.dropped_on
    for day in session.days:
        for half, hours in day.halves():
            called = absents.get((session.id, day.date, half))
            if dropped is not None and day.date >= dropped:
                state = GONE
            elif called is None:
                state = UNKNOWN
            elif lj.learner.id in called:
                state = ABSENT
            elif not lj.admitted_on(day.date):
                state = NOT_ADMITTED
            else:
                state = PRESENT
            out.append(Half(day.date, half, hours.hours, state))
    return tuple(out)


def _apply(e, sessions: dict[str, SessionJourney], index: dict[tuple[str, str], LearnerJourney]) -> None:
    data = e.data
    sid = data.get("session")
    if not isinstance(sid, str):
        return
    kind = e.kind
    lid = data.get("learner")
    lj = index.get((sid, lid)) if isinstance(lid, str) else None
    if kind == ANSWER:
        _answer(e, sessions.get(sid), lj, lid)
        return
    if kind == "close.session":
        sj = sessions.get(sid)
        if sj is not None and sj.closed is None:
            sj.closed = e.ts
            delay = data.get("delivery_delay_hours")
            sj.delivery_delay_hours = Decimal(str(delay)) if delay is not None else None
        return
    if kind.startswith("remind.") and lid is None and data.get("step"):
        sj = sessions.get(sid)
        if sj is not None and data.get("funder"):
            if data.get("surveys"):
                old = sj.funder_surveys.get(data["funder"]) or Survey()
                sj.funder_surveys[data["funder"]] = _asked(old, e.ts)
        elif sj is not None:
            if data["surveys"] if "surveys" in data else _legacy_survey(data["step"]):
                sj.company = _asked(sj.company, e.ts)
        return
    if lj is None:
        return
    if kind == "onboard.email":
        lj.convoked = lj.convoked or e.ts
        if data.get("certification"):  # the conditions of presentation went with the convocation
            _informed(lj, e.ts.date())
        kit = lj.documents.get("kit")
        _asked_surveys(lj, data["surveys"] if "surveys" in data else kit and kit.surveys, e.ts)
    elif kind == "onboard.kit":
        lj.documents["kit"] = Document("kit", e.ts, data.get("file"), None, tuple(data.get("surveys") or ()))
    elif kind == "close.email":
        lj.closing_mail = lj.closing_mail or e.ts
        # rows written before the links were journaled: the closing e-mail carried the hot survey
        _asked_surveys(lj, data["surveys"] if "surveys" in data else ("chaud",), e.ts)
    elif kind.startswith("close."):
        name = kind.partition(".")[2]
        lj.documents[name] = Document(name, e.ts, data.get("file"), data.get("code"))
    elif kind.startswith("remind."):
        step = data.get("step") or kind.partition(".")[2]
        lj.steps.setdefault(step, e.ts)
        _asked_surveys(lj, data["surveys"] if "surveys" in data else _legacy_survey(step), e.ts)
    elif kind.startswith("contract.") and "contrat" in kind:
        lj.contract_sent = lj.contract_sent or e.ts
    elif kind.startswith("followup."):
        lj.contacts.append(e)


def _legacy_survey(step: str) -> tuple[str, ...]:
    """Rows written before the links were journaled: the survey steps carried their link."""
    return {"enquete-chaud": ("chaud",), "enquete-froid": ("froid",), "enquete-froid-2": ("froid",),
            "enquete-entreprise": ("entreprise",)}.get(step, ())


def _asked_surveys(lj: LearnerJourney, surveys, ts: datetime) -> None:
    for survey in surveys or ():
        lj.surveys[survey] = _asked(lj.survey(survey), ts)


def _asked(current: Survey, ts: datetime) -> Survey:
    return current if current.asked is not None else Survey(ts, current.answered, current.values, current.submitted)


def _answer(e, sj: SessionJourney | None, lj: LearnerJourney | None, lid) -> None:
    survey = e.data.get("survey")
    values = e.data.get("values") or {}
    if sj is None or not isinstance(survey, str):
        return
    if survey == "formateur":
        sj.trainer_review = Survey(sj.trainer_review.asked, sj.trainer_review.answered or e.ts, values)
    elif lid == COMPANY:
        sj.company = Survey(sj.company.asked, sj.company.answered or e.ts, values)
    elif isinstance(lid, str) and lid.startswith(PAYER):
        old = sj.funder_surveys.get(lid.removeprefix(PAYER)) or Survey()
        sj.funder_surveys[lid.removeprefix(PAYER)] = Survey(old.asked, old.answered or e.ts, values)
    elif lj is not None:
        old = lj.survey(survey)
        stamp = e.data.get("submitted_at") or ""
        # a resubmission replaces the answers (the latest submission wins), not the first answer's date
        if old.answered is None or stamp >= old.submitted:
            lj.surveys[survey] = Survey(old.asked, old.answered or e.ts, values, stamp)


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), PARIS)
