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

from qualikit.journal import Entry
from qualikit.model import Project, Session, Status

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
    unit: str = "%"  # "%", "/5", "/10", "h", "" (a count)

    @property
    def value(self) -> Decimal | None:
        if self.numerator is None or self.denominator == 0:
            return None
        if self.unit == "%":
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
    dropout_causes: Counter = field(default_factory=Counter)
    comments: list[str] = field(default_factory=list)

    def get(self, label: str) -> Figure | None:
        return next((f for f in self.figures if f.label == label), None)


def in_period(session: Session, start: date | None, end: date | None) -> bool:
    """A session belongs to the period in which it ended."""
    return (start is None or session.end >= start) and (end is None or session.end <= end)


def latest_answers(entries: list[Entry]) -> dict[tuple[str, str, str], dict]:
    """(survey, session, learner) → the values of the most recent submission."""
    out: dict[tuple[str, str, str], tuple[str, dict]] = {}
    for e in entries:
        if e.kind != "survey.answer" or not isinstance(e.data, dict):
            continue
        key = (e.data.get("survey"), e.data.get("session"), e.data.get("learner"))
        stamp = e.data.get("submitted_at") or ""
        if key not in out or stamp >= out[key][0]:
            out[key] = (stamp, e.data.get("values") or {})
    return {k: v for k, (_, v) in out.items()}


def compute(project: Project, entries: list[Entry], *, start: date | None = None, end: date | None = None,
            session_id: str | None = None, programme_id: str | None = None, today: date | None = None,
            root: Path | None = None) -> Kpis:
    """`root` given: the complaint register (in the project folder) feeds the complaint figures."""
    sessions = [s for s in project.sessions if s.days and in_period(s, start, end)
                and (session_id is None or s.id == session_id)
                and (programme_id is None or s.programme_id == programme_id)
                and (today is None or s.start <= today)]
    scope = (f"session {session_id}" if session_id else f"programme {programme_id}" if programme_id
             else "toutes les sessions")
    k = Kpis(scope, start, end)
    ids = {s.id for s in sessions}
    keys = {e.key for e in entries if e.key}
    answers = {k_: v for k_, v in latest_answers(entries).items() if k_[1] in ids}

    started = [(s, e) for s in sessions for e in s.enrolments
               if not (e.status is Status.ABANDON and e.dropout_date and e.dropout_date < s.start)]
    ended = [(s, e) for s, e in started if today is None or s.end < today]
    dropped = [(s, e) for s, e in started if e.status is Status.ABANDON]
    completed = [(s, e) for s, e in ended if e.status is not Status.ABANDON]
    k.dropout_causes.update((e.dropout_reason or "motif non renseigné") for _, e in dropped)
    k.figures += [
        Figure("Apprenants", len({e.learner_id for _, e in started}), 1, "personnes distinctes ayant commencé une "
               "session de la période", ""),
        Figure("Taux d'achèvement", len(completed), len(ended), "apprenants ayant terminé ÷ apprenants ayant "
               "commencé une session terminée"),
        Figure("Taux d'abandon", len(dropped), len(started), "apprenants ayant abandonné ÷ apprenants ayant "
               "commencé"),
    ]

    asked_hot = [(s, e) for s, e in started if f"remind:enquete-chaud:{s.id}:{e.learner_id}" in keys
                 or f"close:email:{s.id}:{e.learner_id}" in keys]
    hot = [answers[("chaud", s.id, e.learner_id)] for s, e in asked_hot if ("chaud", s.id, e.learner_id) in answers]
    asked_cold = [(s, e) for s, e in started if f"remind:enquete-froid:{s.id}:{e.learner_id}" in keys]
    cold = [1 for s, e in asked_cold if ("froid", s.id, e.learner_id) in answers]
    asked_company = [s for s in sessions if f"remind:enquete-entreprise:{s.id}:entreprise" in keys]
    company = [1 for s in asked_company if ("entreprise", s.id, "entreprise") in answers]
    k.figures += [
        Figure("Taux de réponse à chaud", len(hot), len(asked_hot), "réponses reçues ÷ questionnaires à chaud "
               "envoyés"),
        Figure("Taux de réponse à froid", len(cold), len(asked_cold), "réponses reçues ÷ questionnaires à froid "
               "envoyés"),
        Figure("Taux de réponse des entreprises", len(company), len(asked_company), "réponses reçues ÷ "
               "questionnaires envoyés aux entreprises clientes"),
    ]

    ended_sessions = [s for s in sessions if today is None or s.end < today]
    reviewed = [s for s in ended_sessions if any(k_[0] == "formateur" and k_[1] == s.id for k_ in answers)]
    k.figures.append(Figure("Bilans du formateur", len(reviewed), len(ended_sessions), "sessions terminées ayant "
                            "un bilan du formateur ÷ sessions terminées"))

    scored = [v for v in hot if any(_num(v.get(c)) is not None for c in CRITERIA)]
    satisfied = [v for v in scored if _mean([_num(v.get(c)) for c in CRITERIA]) >= 4]
    k.figures.append(Figure("Satisfaction", len(satisfied), len(scored), "répondants dont la moyenne des cinq "
                            "critères est d'au moins 4 sur 5 (satisfaits ou très satisfaits) ÷ répondants"))
    for c in CRITERIA:
        notes = [n for v in hot if (n := _num(v.get(c))) is not None]
        k.figures.append(Figure(f"{CRITERIA_LABELS[c]} (moyenne)", sum(notes, Decimal(0)) if notes else None,
                                len(notes), "moyenne des notes de 1 à 5", "/5"))
    nps = [n for v in hot if (n := _num(v.get("nps"))) is not None]
    promoters = sum(1 for n in nps if n >= 9)
    detractors = sum(1 for n in nps if n <= 6)
    k.figures.append(Figure("NPS", promoters - detractors, len(nps), "% de promoteurs (9–10) − % de détracteurs "
                            "(0–6) parmi les répondants", "%"))
    felt = [v.get("accompagne") for v in hot if isinstance(v.get("accompagne"), bool)]
    k.figures.append(Figure("Se sont sentis accompagnés", sum(1 for x in felt if x), len(felt),
                            "réponses « oui » ÷ réponses à la question"))
    k.comments = [str(v["commentaire"]) for v in hot if v.get("commentaire")]

    delays = [Decimal(str(e.data.get("delivery_delay_hours"))) for e in entries
              if e.kind == "close.session" and e.data.get("session") in ids and e.data.get("delivery_delay_hours")]
    k.figures.append(Figure("Délai de remise des documents de fin", sum(delays, Decimal(0)) if delays else None,
                            len(delays), "moyenne des heures entre la fin de la session et l'envoi des "
                            "attestations et certificats", "h"))
    alumni = [1 for s, e in completed if f"remind:alumni:{s.id}:{e.learner_id}" in keys]
    joined = {e.data.get("learner") for e in entries if e.kind == "followup.consentement"}
    k.figures.append(Figure("Invitations alumni envoyées", len(alumni), 1, "apprenants ayant reçu l'invitation "
                            "au réseau des anciens", ""))
    k.figures.append(Figure("Témoignages consentis", len(joined & {e.learner_id for _, e in completed}),
                            len(alumni), "consentements enregistrés ÷ invitations envoyées"))
    if root is not None:
        k.figures += _complaints(root, sessions, start, end, len({e.learner_id for _, e in started}))
    per_person = Counter(e.learner_id for s in project.sessions for e in s.enrolments)
    people = {e.learner_id for _, e in started}
    k.figures.append(Figure("Taux de réinscription", sum(1 for p in people if per_person[p] > 1), len(people),
                            "apprenants inscrits à plusieurs sessions ÷ apprenants de la période"))
    return k


def _complaints(root: Path, sessions: list[Session], start: date | None, end: date | None,
                learners: int) -> list[Figure]:
    from qualikit.registers import incidents

    document = incidents.load(root)
    if not document.ok:
        return []
    ids = {s.id for s in sessions}
    found = [i for i in document.register.entries if i.is_complaint
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
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except ArithmeticError:
        return None


def _mean(values: list[Decimal | None]) -> Decimal:
    known = [v for v in values if v is not None]
    return sum(known, Decimal(0)) / len(known) if known else Decimal(0)
