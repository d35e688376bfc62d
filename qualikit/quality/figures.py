"""Key figures (indicators 2, 12, 30, 32): computed from the project and the journal, each with
its n and the method of calculation, so a figure on a small n is shown as such.

Pure: project + journal entries + period in, plain records out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from qualikit.base.frdates import signed
from qualikit.journey.facts import Journey, SessionJourney
from qualikit.project.journal import Entry
from qualikit.project.model import Project, Session

CRITERIA = ("accueil", "contenu", "equipe", "moyens", "accompagnement")  # the five CPF criteria, 1–5
CRITERIA_LABELS = {"accueil": "Accueil", "contenu": "Contenu", "equipe": "Équipe pédagogique",
                   "moyens": "Moyens mis à disposition", "accompagnement": "Accompagnement"}
SMALL_N = 5  # below this, a rate is shown as counts only


@dataclass(frozen=True)
class Figure:
    label: str
    numerator: Decimal | int | None
    denominator: int
    method: str  # the formula, in French (indicator 2 asks for it since 2026)
    unit: str = "%"  # "%", "/5", "/10", "h", "" (a count), "±" (a signed score from −100 to +100: the NPS)

    @property
    def value(self) -> Decimal | None:
        if self.numerator is None or self.denominator == 0:
            return None
        if self.unit in ("%", "±"):
            return (Decimal(self.numerator) * 100 / self.denominator).quantize(Decimal("1"), ROUND_HALF_UP)
        return (Decimal(self.numerator) / self.denominator).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def text(self) -> str:
        """French display; a small n is given as counts, never dressed up as a rate."""
        if self.denominator == 0:
            return "—"
        if self.unit == "%":
            if self.denominator < SMALL_N:
                return f"{self.numerator} sur {self.denominator}"
            return f"{self.value}\u00a0% ({self.numerator}/{self.denominator})"
        if self.unit == "±":  # a difference of shares: signed, never « % », never « x sur n »
            if self.denominator < SMALL_N:
                return f"promoteurs − détracteurs\u00a0: {signed(self.numerator)} (n = {self.denominator})"
            return f"{signed(self.value)} (n = {self.denominator})"
        if self.unit == "":
            return str(self.numerator)
        number = str(self.value).replace(".", ",")
        return f"{number}{self.unit if self.unit != 'h' else chr(0xA0) + 'h'} (n = {self.denominator})"


@dataclass
class Kpis:
    scope: str  # "toutes les sessions", "session X", "programme Y"
    start: date | None
    end: date | None
    figures: list[Figure] = field(default_factory=list)
    dropout_causes: Counter = field(default_factory=Counter)  # the trainer's own words: never published
    dropout_categories: Counter = field(default_factory=Counter)  # what a public page may show
    comments: list[str] = field(default_factory=list)
    subcontracted: int = 0  # sessions of the period left out: delivered for a donneur d'ordre

    def get(self, label: str) -> Figure | None:
        return next((f for f in self.figures if f.label == label), None)

    @property
    def period(self) -> str:
        return period_text(self.start, self.end)


def in_period(session: Session, start: date | None, end: date | None) -> bool:
    """A session belongs to a period it overlaps: it started by the period's end, ended after its start."""
    return (start is None or session.end >= start) and (end is None or session.start <= end)


def select(journey: Journey, start: date | None = None, end: date | None = None, session_id: str | None = None,
           programme_id: str | None = None) -> list[SessionJourney]:
    """The sessions a set of figures covers: those of the period that had started by the journey's date,
    except those delivered for a donneur d'ordre, whose results are its own to publish (RNQ guide,
    indicator 2, « sous-traitance ») — unless that very session is asked for."""
    last = min(end, journey.day) if end else journey.day
    return [sj for sj in journey if in_period(sj.session, start, last)
            and (session_id is None or sj.id == session_id)
            and (session_id is not None or not sj.session.contractor)
            and (programme_id is None or sj.session.programme_id == programme_id)]


def subcontracted(journey: Journey, start: date | None = None, end: date | None = None) -> int:
    """How many sessions of the period `select` leaves out because they were delivered for another organisme."""
    last = min(end, journey.day) if end else journey.day
    return sum(1 for sj in journey if in_period(sj.session, start, last) and sj.session.contractor)


def period_text(start: date | None, end: date | None) -> str:
    """The period in words, said on every page that shows a figure."""
    if start and end:
        return f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}"
    if end:
        return f"jusqu’au {end:%d/%m/%Y}"
    return f"depuis le {start:%d/%m/%Y}" if start else "depuis le début de l’activité"


# --- one function per figure: kpi, indicators, alerts, status and the audit pack all call these ---

def learners(sessions: list[SessionJourney]) -> Figure:
    return Figure("Apprenants", len({lj.id for sj in sessions for lj in sj.started}), 1,
                  "personnes distinctes ayant commencé une session de la période", "")


def ended(sessions: list[SessionJourney], day: date) -> list[SessionJourney]:
    """Sessions over by `day` (their last day is past)."""
    return [sj for sj in sessions if sj.session.end < day]


def completion(sessions: list[SessionJourney], day: date) -> Figure:
    started = [lj for sj in ended(sessions, day) for lj in sj.started]
    return Figure("Taux d'achèvement", sum(1 for lj in started if not lj.dropped), len(started),
                  "apprenants ayant terminé ÷ apprenants ayant commencé une session terminée")


def dropout(sessions: list[SessionJourney]) -> Figure:
    started = [lj for sj in sessions for lj in sj.started]
    return Figure("Taux d'abandon", sum(1 for lj in started if lj.dropped), len(started),
                  "apprenants ayant abandonné ÷ apprenants ayant commencé")


SURVEY_LABELS = {"chaud": "à chaud", "froid": "à froid", "besoins": "de l'analyse des besoins",
                 "positionnement": "du positionnement"}


def response(sessions: list[SessionJourney], survey: str) -> Figure:
    """Answered ÷ asked, where asked means its link was journaled as sent to that learner."""
    asked = [lj.survey(survey) for sj in sessions for lj in sj.started if lj.survey(survey).asked]
    return Figure(f"Taux de réponse {SURVEY_LABELS.get(survey, survey)}",
                  sum(1 for s in asked if s.answered), len(asked),
                  f"réponses reçues ÷ questionnaires {SURVEY_LABELS.get(survey, survey)} envoyés "
                  "(lien envoyé à l'apprenant)")


def company_response(sessions: list[SessionJourney]) -> Figure:
    asked = [sj for sj in sessions if sj.company.asked]
    return Figure("Taux de réponse des entreprises", sum(1 for sj in asked if sj.company.answered), len(asked),
                  "réponses reçues ÷ questionnaires envoyés aux entreprises clientes")


def funder_response(sessions: list[SessionJourney]) -> Figure:
    asked = [s for sj in sessions for s in sj.funder_surveys.values() if s.asked]
    return Figure("Taux de réponse des financeurs", sum(1 for s in asked if s.answered), len(asked),
                  "réponses reçues ÷ questionnaires envoyés aux financeurs (OPCO, France Travail…)")


def trainer_reviews(sessions: list[SessionJourney], day: date) -> Figure:
    over = ended(sessions, day)
    return Figure("Bilans du formateur", sum(1 for sj in over if sj.trainer_review.answered), len(over),
                  "sessions terminées ayant un bilan du formateur ÷ sessions terminées")


def hot_answers(sessions: list[SessionJourney]) -> list[dict]:
    return [s.values for sj in sessions for lj in sj.started if (s := lj.survey("chaud")).answered]


def satisfaction(answers: list[dict]) -> Figure:
    scored = [v for v in answers if any(_num(v.get(c)) is not None for c in CRITERIA)]
    satisfied = [v for v in scored if _mean([_num(v.get(c)) for c in CRITERIA]) >= 4]
    return Figure("Satisfaction", len(satisfied), len(scored), "répondants dont la moyenne des cinq "
                  "critères est d'au moins 4 sur 5 (satisfaits ou très satisfaits) ÷ répondants")


def criterion(answers: list[dict], c: str) -> Figure:
    notes = [n for v in answers if (n := _num(v.get(c))) is not None]
    return Figure(f"{CRITERIA_LABELS[c]} (moyenne)", sum(notes, Decimal(0)) if notes else None, len(notes),
                  "moyenne des notes de 1 à 5", "/5")


def nps(answers: list[dict]) -> Figure:
    notes = [n for v in answers if (n := _num(v.get("nps"))) is not None]
    promoters = sum(1 for n in notes if n >= 9)
    detractors = sum(1 for n in notes if n <= 6)
    return Figure("NPS", promoters - detractors, len(notes), "% de promoteurs (9–10) − % de détracteurs "
                  "(0–6) parmi les répondants", "±")


def felt_supported(answers: list[dict]) -> Figure:
    felt = [v.get("accompagne") for v in answers if isinstance(v.get("accompagne"), bool)]
    return Figure("Se sont sentis accompagnés", sum(1 for x in felt if x), len(felt),
                  "réponses « oui » ÷ réponses à la question")


def delivery_delay(sessions: list[SessionJourney]) -> Figure:
    delays = [sj.delivery_delay_hours for sj in sessions if sj.delivery_delay_hours is not None]
    return Figure("Délai de remise des documents de fin", sum(delays, Decimal(0)) if delays else None,
                  len(delays), "moyenne des heures entre la fin de la session et l'envoi des "
                  "attestations et certificats", "h")


def alumni(sessions: list[SessionJourney], day: date) -> tuple[Figure, Figure]:
    completed = [lj for sj in ended(sessions, day) for lj in sj.started if not lj.dropped]
    invited = [lj for lj in completed if "alumni" in lj.steps]
    consented = [lj for lj in completed if any(c.kind == "followup.consentement" for c in lj.contacts)]
    return (Figure("Invitations alumni envoyées", len(invited), 1, "apprenants ayant reçu l'invitation "
                   "au réseau des anciens", ""),
            Figure("Témoignages consentis", len(consented), len(invited),
                   "consentements enregistrés ÷ invitations envoyées"))


def re_enrolment(sessions: list[SessionJourney], journey: Journey) -> Figure:
    per_person = Counter(lj.id for sj in journey for lj in sj.learners)
    people = {lj.id for sj in sessions for lj in sj.started}
    return Figure("Taux de réinscription", sum(1 for p in people if per_person[p] > 1), len(people),
                  "apprenants inscrits à plusieurs sessions ÷ apprenants de la période")


def certifying(project: Project, sessions: list[SessionJourney]) -> dict[str, list[SessionJourney]]:
    """The sessions preparing each certification the project describes, by code (indicator 3)."""
    out: dict[str, list[SessionJourney]] = {}
    for sj in sessions:
        cert = project.certification_of(sj.session)
        if cert is not None:
            out.setdefault(cert.code, []).append(sj)
    return out


def presentation(code: str, sessions: list[SessionJourney], day: date) -> Figure:
    """Presented to the exam ÷ began an ended session preparing it (drop-outs included: they count)."""
    base = [lj for sj in ended(sessions, day) for lj in sj.started]
    return Figure(f"Taux de présentation à la certification {code}",
                  sum(1 for lj in base if lj.exam and lj.exam.presented), len(base),
                  "apprenants présentés à l'examen ÷ apprenants ayant commencé une session terminée qui y prépare")


def obtention(code: str, sessions: list[SessionJourney], day: date, partial: bool = False) -> Figure:
    """Obtained whole (or, `partial`, some blocks only) ÷ presented with a known result."""
    from qualikit.journey.facts import OBTAINED, PARTIAL

    judged = [lj for sj in ended(sessions, day) for lj in sj.started
              if lj.exam and lj.exam.presented and lj.exam.result]
    wanted = PARTIAL if partial else OBTAINED
    return Figure(f"Taux d'obtention {'partielle (blocs) ' if partial else ''}de la certification {code}",
                  sum(1 for lj in judged if lj.exam.result == wanted), len(judged),
                  ("apprenants ayant validé une partie des blocs" if partial else
                   "apprenants ayant obtenu la certification entière") + " ÷ apprenants présentés dont le "
                  "résultat est connu")


def certification_figures(project: Project, sessions: list[SessionJourney], day: date,
                          code: str | None = None) -> list[Figure]:
    """Per certification (or the one `code`): presentation, obtention, partial obtention. `kpi`, the public
    page, the pack and the programme sheet show these, and nothing else."""
    out = []
    for cert, group in certifying(project, sessions).items():
        if code is None or cert == code:
            out += [presentation(cert, group, day), obtention(cert, group, day), obtention(cert, group, day, True)]
    return out


def compute(project: Project, entries: list[Entry], *, start: date | None = None, end: date | None = None,
            session_id: str | None = None, programme_id: str | None = None, today: date | None = None,
            root: Path | None = None, journey: Journey | None = None) -> Kpis:
    """Every figure of the period as of `today` (the end of the period when not given).

    `root` given: the complaint register (in the project folder) feeds the complaint figures.
    """
    from qualikit.journey import as_of
    from qualikit.quality.dropouts import category

    if journey is None:
        journey = as_of(project, entries, today or end or _last_day(project, entries))
    sessions = select(journey, start, end, session_id, programme_id)
    scope = (f"session {session_id}" if session_id else f"programme {programme_id}" if programme_id
             else "toutes les sessions")
    k = Kpis(scope, start, min(end, journey.day) if end else journey.day)
    if session_id is None:
        k.subcontracted = subcontracted(journey, start, end)
    reasons = [lj.enrolment.dropout_reason for sj in sessions for lj in sj.started if lj.dropped]
    k.dropout_causes.update(r or "motif non renseigné" for r in reasons)
    k.dropout_categories.update(category(r) for r in reasons)
    answers = hot_answers(sessions)
    k.figures += [learners(sessions), completion(sessions, journey.day), dropout(sessions),
                  response(sessions, "chaud"), response(sessions, "froid"), company_response(sessions),
                  funder_response(sessions),
                  trainer_reviews(sessions, journey.day), satisfaction(answers),
                  *(criterion(answers, c) for c in CRITERIA), nps(answers), felt_supported(answers),
                  delivery_delay(sessions), *alumni(sessions, journey.day),
                  *certification_figures(project, sessions, journey.day)]
    k.comments = [str(v["commentaire"]) for v in answers if v.get("commentaire")]
    if root is not None:
        k.figures += _complaints(root, [sj.session for sj in sessions], start, k.end,
                                 len({lj.id for sj in sessions for lj in sj.started}))
    k.figures.append(re_enrolment(sessions, journey))
    return k


def _last_day(project: Project, entries: list[Entry]) -> date:
    """Without a date: everything known (the last session's end or the last journal row)."""
    days = [s.end for s in project.sessions if s.days] + ([entries[-1].ts.date()] if entries else [])
    return max(days, default=date(2000, 1, 1))


def _complaints(root: Path, sessions: list[Session], start: date | None, end: date | None,
                learners: int) -> list[Figure]:
    from qualikit.quality.registers import incidents
    from qualikit.quality.registers.asof import as_of

    document = incidents.load(root)
    if not document.ok:
        return []
    ids = {s.id for s in sessions}
    register = as_of(document.register, end) if end else document.register  # an answer given later is not known
    found = [i for i in register.entries if i.is_complaint
             and (start is None or i.received.date() >= start) and (end is None or i.received.date() <= end)
             and (i.session is None or i.session in ids)]
    delays = [d.total_seconds() / 3600 for i in found if (d := incidents.answer_delay(i)) is not None]
    return [
        Figure("Réclamations pour 100 apprenants", len(found) * 100, learners, "réclamations reçues × 100 ÷ "
               "apprenants de la période", "\u00a0pour 100"),
        Figure("Délai de réponse aux réclamations", Decimal(str(round(sum(delays), 1))) if delays else None,
               len(delays), "moyenne des heures entre la réception et la réponse", "h"),
    ]


def _num(value) -> Decimal | None:
    """A survey answer as a number; None for no answer, text, and NaN/inf/huge values an older
    import may have journaled (they would break every mean)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).replace(",", "."))
    except (ArithmeticError, ValueError):
        return None
    return number if number.is_finite() and (not number or number.adjusted() < 6) else None


def _mean(values: list[Decimal | None]) -> Decimal:
    known = [v for v in values if v is not None]
    return sum(known, Decimal(0)) / len(known) if known else Decimal(0)
