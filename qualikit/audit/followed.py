"""Three learners followed end to end: one page each, their whole journey in date order.

An auditor follows a few learners from contract to cold survey; samples that change with each
indicator make that impossible. The pack picks three learners of the period — a particulier, a
company-funded learner and a drop-out or an adapted learner, those with the most to show — and
gives each a page under 00-parcours/ with every fact dated and every document and e-mail linked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from qualikit.audit import coverage
from qualikit.audit.context import Context, outbox_by_id
from qualikit.audit.results import PackFile
from qualikit.base.clock import PARIS
from qualikit.journey.facts import ABSENT, NOT_ADMITTED, PRESENT, LearnerJourney, SessionJourney
from qualikit.project.journal import convention_key

FOLDER = "00-parcours"
FOLLOWED = 3
ROLES = ("particulier", "financé par une entreprise ou un financeur", "abandon ou adaptation")
DOCUMENT_LABELS = {
    "kit": "Convocation et livret d'accueil", "attestation": "Attestation de fin de formation",
    "certificat": "Certificat de réalisation", "competences": "Certificat de compétences",
    "depart": "Pack de fin de formation", "contrat": "Contrat de formation", "info": "Information préalable",
    "convention": "Convention de formation",
}
FILE_NAMES = {"kit": "convocation-livret-accueil", "attestation": "attestation-fin-formation",
              "certificat": "certificat-realisation", "competences": "certificat-competences",
              "depart": "pack-fin-de-formation", "contrat": "contrat-formation", "info": "information-prealable",
              "convention": "convention"}
SURVEY_TITLES = {"besoins": "Analyse des besoins", "positionnement": "Positionnement à l'entrée",
                 "chaud": "Enquête à chaud", "froid": "Enquête à froid"}
HALF_STATES = {PRESENT: "présent", ABSENT: "absent", NOT_ADMITTED: "présent sans contrat en règle"}


@dataclass
class Event:
    moment: datetime | date
    what: str  # French
    detail: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (href relative to the page, label)
    answers: list[tuple[str, str]] = field(default_factory=list)  # (question, answer)

    @property
    def sort_key(self) -> tuple:
        if isinstance(self.moment, datetime):
            return (self.moment.date(), 1, self.moment.time())
        return (self.moment, 0, None)


@dataclass
class Followed:
    role: str
    session: SessionJourney
    learner: LearnerJourney
    events: list[Event]
    files: list[PackFile]  # relative to the pack's root

    @property
    def page(self) -> str:
        return f"{FOLDER}/{self.learner.id}.html"


def pick(ctx: Context) -> list[tuple[str, SessionJourney, LearnerJourney]]:
    """Up to three learners, each a different case, from the sessions that went furthest."""
    pool = sorted(coverage.learners(ctx), key=lambda p: (p[0].closed is None, -p[0].session.end.toordinal()))
    tests = (lambda sj, lj: lj.individual,
             lambda sj, lj: not lj.individual and not lj.dropped,
             lambda sj, lj: lj.dropped or bool(lj.learner.adaptation))
    out: list[tuple[str, SessionJourney, LearnerJourney]] = []
    for role, test in zip(ROLES, tests, strict=True):
        found = next(((sj, lj) for sj, lj in pool if test(sj, lj) and lj.id not in {x[2].id for x in out}), None)
        if found:
            out.append((role, *found))
    for sj, lj in pool:  # fewer cases than roles: the next learners, to follow three all the same
        if len(out) >= FOLLOWED:
            break
        if lj.id not in {x[2].id for x in out}:
            out.append(("apprenant", sj, lj))
    return out


def follow(ctx: Context) -> list[Followed]:
    if "followed" not in ctx.cache:
        ctx.cache["followed"] = [_follow(ctx, role, sj, lj) for role, sj, lj in pick(ctx)]
    return ctx.cache["followed"]


def _follow(ctx: Context, role: str, sj: SessionJourney, lj: LearnerJourney) -> Followed:
    files: dict[str, PackFile] = {}

    def link(source: Path, name: str, label: str) -> tuple[str, str]:
        rel = f"{lj.id}/{name}"
        files.setdefault(rel, PackFile(f"{FOLDER}/{rel}", label, source=source))
        return rel, label

    events = [*_enrolment(lj), *_journal(ctx, sj, lj, link), *_attendance(lj), *_answers(lj),
              *_evaluations(ctx, sj, lj)]
    events.sort(key=lambda e: e.sort_key)
    return Followed(role, sj, lj, events, list(files.values()))


def _enrolment(lj: LearnerJourney) -> list[Event]:
    e = lj.enrolment
    out = []
    if e.enrolled_on:
        out.append(Event(e.enrolled_on, "Inscription", f"session {lj.session.id}"))
    if lj.signed_on:
        out.append(Event(lj.signed_on, "Contrat de formation signé",
                         f"délai de rétractation jusqu'au {lj.withdrawal_end:%d/%m/%Y}" if lj.withdrawal_end else ""))
    if lj.dropped and lj.dropped_on:
        out.append(Event(lj.dropped_on, "Abandon", "motif consigné dans le dossier du projet"
                         if e.dropout_reason else "motif non renseigné"))
    if lj.learner.adaptation:
        out.append(Event(lj.session.start, "Adaptation mise en place", lj.learner.adaptation))
    return out


def _journal(ctx: Context, sj: SessionJourney, lj: LearnerJourney, link) -> list[Event]:
    """Every journal row about this learner in this session: documents issued and messages sent."""
    from qualikit.documents.journal_export import REASON, RESULT, reminder_log

    copies = outbox_by_id(ctx)
    convention = None if lj.individual else convention_key(sj.id, ctx.project.buyer_of(sj.session, lj.enrolment))
    out = []
    for entry in ctx.entries:
        data = entry.data if isinstance(entry.data, dict) else {}
        if data.get("session") != sj.id or entry.kind == "survey.answer":
            continue
        if data.get("learner") != lj.id and not (entry.kind == "contract.convention" and entry.key == convention):
            continue
        rows = reminder_log(ctx.project, [entry])
        kind = entry.kind.partition(".")[2]
        what = rows[0][REASON] if rows else DOCUMENT_LABELS.get(kind, "")
        if not what:
            continue
        signed = entry.kind == "countersign.contrat"  # the copy signed on the page of `emargement`
        event = Event(entry.ts, f"{what} signé par le stagiaire" if signed else what,
                      "signé" if signed else rows[0][RESULT] if rows else "délivré")
        rel = data.get("file")
        if rel not in ctx.rewritten and (path := ctx.project_file(rel)) is not None:
            name = FILE_NAMES.get(kind, path.stem)
            event.links.append(link(path, f"{entry.seq:05d}-{name}{path.suffix}", DOCUMENT_LABELS.get(kind, what)))
        mid = " ".join(str(data.get("message_id") or "").split())
        if mid and mid in copies:
            event.links.append(link(copies[mid], f"{entry.seq:05d}-email.eml", "copie de l'e-mail (.eml)"))
        out.append(event)
    return out


def _attendance(lj: LearnerJourney) -> list[Event]:
    from qualikit.base.frdates import hours

    out = []
    for h in lj.halves:
        if h.state in HALF_STATES:
            out.append(Event(h.day, f"Émargement ({h.half.value})", f"{HALF_STATES[h.state]}, {hours(h.hours)}"))
    return out


def _answers(lj: LearnerJourney) -> list[Event]:
    from qualikit.audit.shared import ANSWER_LABELS

    out = []
    for kind, survey in sorted(lj.surveys.items()):
        title = SURVEY_TITLES.get(kind, f"Questionnaire {kind}")
        if survey.asked:
            out.append(Event(survey.asked, f"{title} : lien envoyé"))
        if survey.answered:
            answers = [(ANSWER_LABELS.get(k, k.replace("_", " ").capitalize()), _value(v))
                       for k, v in survey.values.items()]
            out.append(Event(survey.answered, f"{title} : réponse reçue", "", answers=answers))
    return out


def _value(v: object) -> str:
    if isinstance(v, bool):
        return "oui" if v else "non"
    return str(v)


def _evaluations(ctx: Context, sj: SessionJourney, lj: LearnerJourney) -> list[Event]:
    programme = ctx.project.programme(sj.session.programme_id)
    objectives = programme.objectives if programme else ()
    answers = []
    for ev in ctx.project.evaluations:
        if ev.session_id == sj.id and ev.learner_id == lj.id:
            text = objectives[ev.objective - 1] if 0 < ev.objective <= len(objectives) else f"objectif {ev.objective}"
            result = ev.result.value if ev.result else ""
            score = f" ({ev.score}/{ev.scale})" if ev.score is not None and ev.scale else ""
            answers.append((text, f"{result}{score}"))
    if not answers:
        return []
    return [Event(sj.session.end, "Évaluation finale des acquis", "", answers=answers)]


# --- pages -----------------------------------------------------------------------------------------

def pages(ctx: Context) -> list[PackFile]:
    """The three pages and the files they link, paths relative to the pack's root."""
    out: list[PackFile] = []
    for f in follow(ctx):
        out.append(PackFile(f.page, f"Parcours de {f.learner.learner.full_name}",
                            data=_render(ctx, f).encode("utf-8")))
        out += f.files
    return out


def _render(ctx: Context, f: Followed) -> str:
    from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from qualikit.base.frdates import clock_time, long_date
    from qualikit.base.resources import templates_dir

    env = ImmutableSandboxedEnvironment(loader=FileSystemLoader(templates_dir()),
                                        autoescape=select_autoescape(["html", "j2"]), undefined=StrictUndefined)
    programme = ctx.project.programme(f.session.session.programme_id)
    events = [{"date": long_date(e.moment.date() if isinstance(e.moment, datetime) else e.moment),
               "time": clock_time(e.moment.astimezone(PARIS)) if isinstance(e.moment, datetime) else "",
               "what": e.what, "detail": e.detail, "links": e.links, "answers": e.answers} for e in f.events]
    return env.get_template("audit/parcours.html.j2").render(
        name=f.learner.learner.full_name, role=f.role, session=f.session.id,
        programme=programme.title if programme else f.session.session.programme_id,
        dates=f"du {f.session.session.start:%d/%m/%Y} au {f.session.session.end:%d/%m/%Y}",
        funder=f.learner.funder.value if f.learner.funder else "", events=events,
        organisation=ctx.project.organisation.name, stamp=long_date(ctx.stamp))
