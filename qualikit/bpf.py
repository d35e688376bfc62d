"""The bilan pédagogique et financier (BPF, cerfa 10443) of one financial year, from qualikit's data.

A worksheet to copy into « Mon Activité Formation », never the form itself. The frames and
line labels follow cerfa 10443*17 (A identification, B general information, C income by
source, D costs, E trainers' hours, F-1 learners by type, F-2 activity subcontracted out,
F-3 objective, F-4 speciality, G learners entrusted by another provider, H the manager).

What is counted, and in which financial year
- The financial year is the calendar year by default; `start` moves it (twelve months from
  `start`).
- A session counts in the financial year in which it ENDS: its learners (frames F and G) and its
  income (frame C) are counted there, and only there.
- Hours count by day: a day of training counts in the financial year it falls in. A session
  spanning two years has its hours split by its days (trainers' hours in E, hours-learners in F
  and G) while its learners and income count in the year it ends.
- A learner is every enrolment not withdrawn before the first day (« abandon » with a drop-out
  date on or before the session's first day). A person enrolled in two sessions counts twice.
- Hours-learners: a half-day with a roll call counts when the learner was present (and had not
  dropped out); a half-day without a roll call counts its planned hours, and is listed in
  `problems`.

Income (frame C): qualikit does not invoice, so income is estimated: the session's price when
set (intra, a total), shared equally between the learners who started; otherwise the programme's
price × the learners who started. Each share goes to the line of its funder (the enrolment's,
else the session's, else the learner's: the order of render.stamp.funder_of); a session with a
donneur d'ordre (Session.contractor) goes whole to line 10 and its learners to frame G, not F.

Funder → frame C line, and → frame F-1 line:
    entreprise                      C-1                               F-1 a (with a company, else e)
    OPCO                            C-2 h (scheme unknown: see notes) F-1 a (with a company, else e)
    CPF (Caisse des dépôts)         C-2 e                             F-1 a (with a company, else e)
    Transitions Pro                 C-2 d                             F-1 a (with a company, else e)
    État / région / France Travail  C-5 / C-6 / C-7                   e / e / c
    Agefiph                         C-8 (autres ressources publiques) e
    particulier                     C-9                               d
    autre organisme de formation    C-10                              frame G
    autre                           C-11                              e
    none                            « à affecter » (a problem)        e (a problem)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from qualikit.frdates import short_date
from qualikit.journey.hours import attended, missing_roll_calls
from qualikit.model import Enrolment, Funder, HalfDay, Modality, Organisation, Project, Session, Status

ZERO = Decimal(0)
CENT = Decimal("0.01")

FRAMES: dict[str, str] = {
    "A": "A. Identification de l'organisme de formation",
    "B": "B. Informations générales",
    "C": "C. Bilan financier hors taxes : origine des produits de l'organisme",
    "D": "D. Bilan financier hors taxes : charges de l'organisme",
    "E": "E. Personnes dispensant des heures de formation",
    "F-1": "F-1. Type de stagiaires de l'organisme",
    "F-2": "F-2. Activité sous-traitée de l'organisme",
    "F-3": "F-3. Objectif général des prestations dispensées",
    "F-4": "F-4. Spécialités de formation",
    "G": "G. Stagiaires dont la formation a été confiée à votre organisme par un autre organisme de formation",
    "H": "H. Personne ayant la qualité de dirigeant",
}

# Frame C, in the form's order: (key, label); a None key is a heading of the form with no figure.
INCOME_LINES: tuple[tuple[str | None, str], ...] = (
    ("C-1", "1. Entreprises pour la formation de leurs salariés"),
    (None, "2. Organismes gestionnaires des fonds de la formation professionnelle pour des actions "
           "dispensées dans le cadre :"),
    ("C-2a", "a. des contrats d'apprentissage"),
    ("C-2b", "b. des contrats de professionnalisation"),
    ("C-2c", "c. de la promotion ou de la reconversion par alternance"),
    ("C-2d", "d. des projets de transition professionnelle"),
    ("C-2e", "e. du compte personnel de formation"),
    ("C-2f", "f. des dispositifs spécifiques pour les personnes en recherche d'emploi"),
    ("C-2g", "g. des dispositifs spécifiques pour les travailleurs non-salariés"),
    ("C-2h", "h. du plan de développement des compétences ou d'autres dispositifs"),
    ("C-2", "Total des produits provenant des organismes gestionnaires des fonds de la formation "
            "(lignes a à h)"),
    ("C-3", "3. Pouvoirs publics pour la formation de leurs agents (État, collectivités territoriales, "
            "établissements publics à caractère administratif)"),
    (None, "Pouvoirs publics pour la formation de publics spécifiques :"),
    ("C-4", "4. Instances européennes"),
    ("C-5", "5. État"),
    ("C-6", "6. Conseils régionaux"),
    ("C-7", "7. France Travail (ex-Pôle emploi)"),
    ("C-8", "8. Autres ressources publiques"),
    ("C-9", "9. Contrats conclus avec des personnes à titre individuel et à leurs frais"),
    ("C-10", "10. Contrats conclus avec d'autres organismes de formation (y compris CFA)"),
    ("C-11", "11. Autres produits au titre de la formation professionnelle"),
)
INCOME_KEYS = tuple(k for k, _ in INCOME_LINES if k and k != "C-2")
FUND_KEYS = tuple(k for k in INCOME_KEYS if k.startswith("C-2"))

FUNDER_LINE: dict[Funder, str] = {
    Funder.ENTREPRISE: "C-1",
    Funder.OPCO: "C-2h",
    Funder.CPF: "C-2e",
    Funder.TRANSITIONS_PRO: "C-2d",
    Funder.ETAT: "C-5",
    Funder.REGION: "C-6",
    Funder.FRANCE_TRAVAIL: "C-7",
    Funder.AGEFIPH: "C-8",
    Funder.PARTICULIER: "C-9",
    Funder.ORGANISME: "C-10",
    Funder.AUTRE: "C-11",
}

LEARNER_TYPES: tuple[tuple[str, str], ...] = (
    ("a", "a. Salariés d'employeurs privés hors apprentis"),
    ("b", "b. Apprentis"),
    ("c", "c. Personnes en recherche d'emploi formées par votre organisme de formation"),
    ("d", "d. Particuliers à leurs propres frais formés par votre organisme de formation"),
    ("e", "e. Autres stagiaires"),
)
EMPLOYEE_FUNDERS = frozenset({Funder.ENTREPRISE, Funder.OPCO, Funder.CPF, Funder.TRANSITIONS_PRO})

OBJECTIVES: tuple[tuple[str, str], ...] = (
    ("a", "a. Formations visant un diplôme, un titre à finalité professionnelle ou un certificat de "
          "qualification professionnelle enregistré au Répertoire national des certifications "
          "professionnelles (RNCP)"),
    ("b", "b. Formations visant une certification (dont CQP) ou une habilitation enregistrée au "
          "répertoire spécifique (RS)"),
    ("c", "c. Formations visant un CQP non enregistré au RNCP ou au RS"),
    ("d", "d. Autres formations professionnelles"),
    ("e", "e. Bilans de compétences"),
    ("f", "f. Actions d'accompagnement à la validation des acquis de l'expérience"),
)
RNCP_LEVELS: tuple[str, ...] = (
    "dont de niveau 6 à 8 (Licence, Master, diplôme d'ingénieur, Doctorat…)",
    "dont de niveau 5 (BTS, DUT, écoles de formation sanitaire et sociale…)",
    "dont de niveau 4 (BAC professionnel, BT, BP, BM…)",
    "dont de niveau 3 (BEP, CAP…)",
    "dont de niveau 2",
    "dont certificat de qualification professionnelle (CQP) sans niveau de qualification",
)
TOP_SPECIALITIES = 5  # the form lists the five main specialities, then « autres spécialités »
UNKNOWN_CONTRACTOR = "donneur d'ordre non précisé"

BILLING_NOTE = ("la facturation n'est pas gérée par qualikit : les produits sont estimés à partir des prix "
                "des sessions et programmes")


@dataclass
class Tally:
    """A count of people (learners or trainers) and their hours."""

    count: int = 0
    hours: Decimal = ZERO

    def add(self, count: int, hours: Decimal) -> None:
        self.count += count
        self.hours += hours

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.count + other.count, self.hours + other.hours)


@dataclass
class Bpf:
    year: int
    start: date
    end: date
    organisation: Organisation
    distance: bool = False  # B: some training given wholly or partly at a distance
    income: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(INCOME_KEYS, ZERO))
    unassigned: Decimal = ZERO  # income whose funder is unknown: to put on a line before filing
    trainers: Tally = field(default_factory=Tally)  # E: the provider's own people
    external_trainers: Tally = field(default_factory=Tally)  # E: subcontracted out (never in the model)
    learner_types: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k, _ in LEARNER_TYPES})
    subcontracted: Tally = field(default_factory=Tally)  # F-2: entrusted to another provider (never)
    objectives: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k, _ in OBJECTIVES})
    specialities: dict[str, Tally] = field(default_factory=dict)  # F-4, by programme title
    entrusted: dict[str, Tally] = field(default_factory=dict)  # G, by donneur d'ordre
    sessions: list[str] = field(default_factory=list)  # the sessions with a day in the year
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def fund_total(self) -> Decimal:
        return sum((self.income[k] for k in FUND_KEYS), ZERO)

    @property
    def income_total(self) -> Decimal:
        return sum(self.income.values(), ZERO)

    @property
    def learners_total(self) -> Tally:
        return sum(self.learner_types.values(), Tally())

    @property
    def objectives_total(self) -> Tally:
        return sum(self.objectives.values(), Tally())

    @property
    def entrusted_total(self) -> Tally:
        return sum(self.entrusted.values(), Tally())

    def _problem(self, text: str) -> None:
        if text not in self.problems:
            self.problems.append(text)


def compute_bpf(project: Project, year: int, *, start: date | None = None) -> Bpf:
    """The BPF of the financial year `year` (1 January to 31 December, or twelve months from `start`)."""
    first = start or date(year, 1, 1)
    last = _add_year(first) - timedelta(days=1)
    bpf = Bpf(year=year, start=first, end=last, organisation=project.organisation)
    _identification_problems(bpf)
    trainers: set[str] = set()
    opco = public = False
    times: Counter[str] = Counter()
    for session in sorted(project.sessions, key=lambda s: (s.start, s.id)):
        days = tuple(d for d in session.days if first <= d.date <= last)
        if not days:
            continue
        counted = first <= session.end <= last  # learners and income: the year the session ends
        part = session if len(days) == len(session.days) else replace(session, days=days)
        learners = _learners(bpf, project, session, part, counted)
        if not learners and (session.enrolments or session.price is None):
            bpf._problem(f"session {session.id} : aucun stagiaire entré en formation ; session non comptée")
            continue  # a cancelled session delivers no hours
        bpf.sessions.append(session.id)
        if not counted:
            bpf.notes.append(f"session {session.id} : à cheval sur deux exercices ; ses heures de "
                             f"{_period(first, last)} sont comptées ici, ses stagiaires et ses produits dans "
                             "l'exercice où elle se termine")
        elif len(days) != len(session.days):
            bpf.notes.append(f"session {session.id} : commencée avant le {short_date(first)} ; seules ses heures "
                             "de l'exercice sont comptées ici, ses stagiaires et ses produits entièrement")
        programme = project.programme(session.programme_id)
        if (programme and programme.modality in (Modality.DISTANCIEL, Modality.MIXTE)) or session.distance_link:
            bpf.distance = True
        # E: the trainer's hours are the session's hours, whatever the number of learners.
        bpf.trainers.hours += part.planned_hours
        if session.trainer_id:
            trainers.add(session.trainer_id)
        else:
            bpf._problem(f"session {session.id} : aucun formateur ; ses heures sont comptées en cadre E "
                         "sans personne")
        missing = missing_roll_calls(project, part)
        if missing and learners:
            bpf._problem(f"session {session.id} : appel non saisi, heures prévues utilisées "
                         f"({_half_days(missing)})")
        for share in learners:
            times[share.learner_id] += share.counted
            opco |= share.funder is Funder.OPCO
            public |= share.funder in (Funder.ETAT, Funder.REGION, Funder.AGEFIPH)
            _count_learner(bpf, project, session, share)
        if counted:
            _income(bpf, project, session, learners)
    bpf.trainers.count = len(trainers)
    _notes(bpf, times, opco=opco, public=public)
    return bpf


# --- learners ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Share:
    """One enrolment's part in this financial year."""

    learner_id: str
    counted: int  # 1 when the learner counts in this year (the session ends in it), else 0
    hours: Decimal
    funder: Funder | None
    company: str | None
    objective: str
    line: str | None  # frame C line of its income; None when the funder is unknown


def _learners(bpf: Bpf, project: Project, session: Session, part: Session, counted: bool) -> list[_Share]:
    programme = project.programme(session.programme_id)
    objective = _objective(bpf, programme.id if programme else session.programme_id,
                           programme.certification_code if programme else None)
    shares = []
    for enrolment in session.enrolments:
        if _withdrawn_before_start(session, enrolment):
            continue
        who = f"{enrolment.learner_id} (session {session.id})"
        if enrolment.status is Status.ABANDON and enrolment.dropout_date is None:
            bpf._problem(f"{who} : abandon sans date ; compté(e) comme entré(e) en formation, heures "
                         "d'après les appels")
        learner = project.learner(enrolment.learner_id)
        funder = enrolment.funder or session.funder or (learner.funder if learner else None)
        company = enrolment.company or (learner.company if learner else None) or session.client
        if session.contractor or funder is Funder.ORGANISME:
            line = "C-10"
        elif funder is None:
            line = None
            bpf._problem(f"{who} : aucun financeur ; compté(e) en « autres stagiaires » (F-1 e) et ses "
                         "produits « à affecter »")
        else:
            line = FUNDER_LINE[funder]
        shares.append(_Share(enrolment.learner_id, int(counted), _hours(project, part, enrolment), funder,
                             company, objective, line))
    return shares


def _withdrawn_before_start(session: Session, enrolment: Enrolment) -> bool:
    return (enrolment.status is Status.ABANDON and enrolment.dropout_date is not None
            and enrolment.dropout_date <= session.start)


def _hours(project: Project, part: Session, enrolment: Enrolment) -> Decimal:
    """Hours present at a roll call, plus the planned hours of half-days without one (before any drop-out)."""
    a = attended(project, part, enrolment)
    planned = {(d.date, half): r.hours for d in part.days for half, r in d.halves()}
    return a.done + sum((planned[slot] for slot in a.unknown), ZERO)


def _count_learner(bpf: Bpf, project: Project, session: Session, share: _Share) -> None:
    who = f"{share.learner_id} (session {session.id})"
    if session.contractor or share.funder is Funder.ORGANISME:
        name = session.contractor or UNKNOWN_CONTRACTOR
        if not session.contractor:
            bpf._problem(f"{who} : financé(e) par un autre organisme de formation mais la session n'a pas de "
                         "donneur d'ordre ; compté(e) en cadre G")
        bpf.entrusted.setdefault(name, Tally()).add(share.counted, share.hours)
        return
    kind = _learner_type(share.funder, share.company)
    if kind == "e" and share.funder in EMPLOYEE_FUNDERS:
        bpf._problem(f"{who} : financé(e) par « {share.funder} » mais sans entreprise ; compté(e) en "
                     "« autres stagiaires » (F-1 e)")
    bpf.learner_types[kind].add(share.counted, share.hours)
    bpf.objectives[share.objective].add(share.counted, share.hours)
    programme = project.programme(session.programme_id)
    title = programme.title if programme else session.programme_id
    bpf.specialities.setdefault(title, Tally()).add(share.counted, share.hours)


def _learner_type(funder: Funder | None, company: str | None) -> str:
    if funder is Funder.PARTICULIER:
        return "d"
    if funder is Funder.FRANCE_TRAVAIL:
        return "c"
    if funder in EMPLOYEE_FUNDERS and company:
        return "a"
    return "e"


def _objective(bpf: Bpf, programme_id: str, code: str | None) -> str:
    text = "".join((code or "").split()).upper()
    if text.startswith("RNCP"):
        return "a"
    if text.startswith("RS"):
        return "b"
    if text:
        bpf._problem(f"programme {programme_id} : code de certification « {code} » ni RNCP ni RS ; compté en "
                     "« autres formations professionnelles » (F-3 d)")
    return "d"


# --- income --------------------------------------------------------------------------------------


def _income(bpf: Bpf, project: Project, session: Session, learners: list[_Share]) -> None:
    programme = project.programme(session.programme_id)
    if session.price is not None:
        if learners:
            weights = Counter(s.line for s in learners)
        else:  # sold as a whole, no learner listed
            line = "C-10" if session.contractor else FUNDER_LINE.get(session.funder) if session.funder else None
            if line is None:
                bpf._problem(f"session {session.id} : aucun financeur ; produit « à affecter »")
            bpf._problem(f"session {session.id} : aucun inscrit ; produit compté, stagiaires et heures-stagiaires "
                         "absents du bilan")
            weights = Counter({line: 1})
        for line, amount in _split(session.price, weights).items():
            _credit(bpf, line, amount)
        return
    if programme is None or programme.price is None:
        bpf._problem(f"session {session.id} : aucun prix (ni sur la session ni sur le programme)")
        return
    for share in learners:
        _credit(bpf, share.line, programme.price)


def _credit(bpf: Bpf, line: str | None, amount: Decimal) -> None:
    if line is None:
        bpf.unassigned += amount
    else:
        bpf.income[line] += amount


def _split(total: Decimal, weights: Counter) -> dict:
    """`total` shared by weight, to the cent; the rounding difference goes to the largest share."""
    n = sum(weights.values())
    parts = {k: (total * w / n).quantize(CENT, ROUND_HALF_UP) for k, w in weights.items()}
    gap = total - sum(parts.values(), ZERO)
    if gap:
        biggest = max(parts, key=lambda k: parts[k])
        parts[biggest] += gap
    return parts


# --- identification, notes -----------------------------------------------------------------------


def _identification_problems(bpf: Bpf) -> None:
    org = bpf.organisation
    if not org.nda:
        bpf._problem("organisation : numéro de déclaration d'activité manquant (cadre A)")
    if not org.siret:
        bpf._problem("organisation : SIRET manquant (cadre A)")
    if not org.address.lines():
        bpf._problem("organisation : adresse manquante (cadre A)")
    if not org.legal_rep:
        bpf._problem("organisation : représentant légal manquant (cadre H)")


def _notes(bpf: Bpf, times: Counter, *, opco: bool, public: bool) -> None:
    general = [
        BILLING_NOTE,
        "une session compte dans l'exercice où elle se termine (stagiaires et produits) ; à cheval sur deux "
        "exercices, ses heures sont réparties selon ses journées",
        "heures-stagiaires : heures de présence relevées aux appels ; sans appel, heures prévues (hors abandon)",
    ]
    twice = sorted(lid for lid, n in times.items() if n > 1)
    if twice:
        general.append("un apprenant inscrit à plusieurs sessions compte une fois par session : "
                      + ", ".join(f"{lid} ({times[lid]})" for lid in twice))
    if opco:
        general.append("produits des OPCO comptés en ligne 2 h (plan de développement des compétences) : qualikit "
                      "ne connaît pas le dispositif ; un contrat d'apprentissage, de professionnalisation ou une "
                      "Pro-A se reportent en ligne 2 a, 2 b ou 2 c")
    if public:
        general.append("État, région, Agefiph : produits en lignes 5, 6 et 8 (publics spécifiques), stagiaires en "
                      "« autres stagiaires » ; pour la formation de leurs propres agents, utilisez la ligne 3, "
                      "et pour des demandeurs d'emploi la ligne F-1 c")
    general += [
        "cadre D (charges) : à reprendre de votre comptabilité, qualikit ne les connaît pas",
        "cadre E : toutes les heures sont celles des formateurs de l'organisme ; qualikit n'enregistre pas de "
        "formateur extérieur sous-traitant (ligne à 0)",
        "cadres F-1 b et F-2 : qualikit n'enregistre ni contrat d'apprentissage ni action confiée à un autre "
        "organisme (lignes à 0)",
        "cadre F-4 : une ligne par programme ; saisissez le code NSF de chaque spécialité et regroupez les "
        "programmes de même spécialité",
        "sur Mon Activité Formation, arrondissez les montants à l'euro et les heures à l'unité",
    ]
    if bpf.objectives["a"].count or bpf.objectives["a"].hours:
        general.append("cadre F-3 a : qualikit ne connaît pas le niveau des certifications RNCP ; répartissez "
                      "la ligne a entre les niveaux")
    bpf.notes[:0] = general


# --- the form, line by line ----------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of the form: a figure (amount, or count and hours), a text, or a heading."""

    frame: str
    label: str
    amount: Decimal | None = None
    count: int | None = None
    hours: Decimal | None = None
    text: str | None = None
    heading: bool = False
    total: bool = False


TO_FILL = "à renseigner"


def bpf_lines(bpf: Bpf) -> list[Line]:
    """Every line of the form in the cerfa's order, frame by frame."""
    org = bpf.organisation
    out: list[Line] = []

    def text(frame: str, label: str, value: str | None) -> None:
        out.append(Line(frame, label, text=value or TO_FILL))

    def tally(frame: str, label: str, t: Tally, total: bool = False) -> None:
        out.append(Line(frame, label, count=t.count, hours=t.hours, total=total))

    text("A", "Numéro de déclaration d'activité", org.nda)
    text("A", "Raison sociale", org.name)
    text("A", "Forme juridique", org.legal_form)
    text("A", "SIRET", org.siret)
    text("A", "Adresse", ", ".join(org.address.lines()))
    text("A", "Téléphone", org.phone)
    text("A", "Courriel", org.email)

    text("B", "Exercice comptable", f"du {short_date(bpf.start)} au {short_date(bpf.end)}")
    text("B", "Formations dispensées en tout ou partie à distance", "oui" if bpf.distance else "non")

    for key, label in INCOME_LINES:
        if key is None:
            out.append(Line("C", label, heading=True))
        elif key == "C-2":
            out.append(Line("C", label, amount=bpf.fund_total, total=True))
        else:
            out.append(Line("C", label, amount=bpf.income[key]))
    out.append(Line("C", "Total des produits réalisés au titre de la formation professionnelle (lignes 1 à 11)",
                    amount=bpf.income_total, total=True))
    if bpf.unassigned:
        out.append(Line("C", "Produits sans financeur connu, à affecter à une ligne avant le dépôt",
                        amount=bpf.unassigned))
    text("C", "Part du chiffre d'affaires global réalisée dans le domaine de la formation professionnelle (%)",
         None)

    text("D", "Total des charges de l'organisme liées à l'activité de formation", None)
    text("D", "dont salaires des formateurs", None)
    text("D", "dont achats de prestation de formation et honoraires de formation", None)

    tally("E", "Personnes de votre organisme dispensant des heures de formation", bpf.trainers)
    tally("E", "Personnes extérieures à votre organisme dispensant des heures de formation dans le cadre de "
               "contrats de sous-traitance", bpf.external_trainers)

    for key, label in LEARNER_TYPES:
        tally("F-1", label, bpf.learner_types[key])
    tally("F-1", "Total (a + b + c + d + e)", bpf.learners_total, total=True)

    tally("F-2", "Stagiaires ou apprentis dont l'action a été confiée par votre organisme à un autre "
                 "organisme de formation", bpf.subcontracted)

    for key, label in OBJECTIVES:
        tally("F-3", label, bpf.objectives[key])
        if key == "a":
            for level in RNCP_LEVELS:
                if bpf.objectives["a"].count or bpf.objectives["a"].hours:
                    text("F-3", level, "à répartir (niveau inconnu de qualikit)")
                else:
                    tally("F-3", level, Tally())
    tally("F-3", "Total (a + b + c + d + e + f)", bpf.objectives_total, total=True)

    ranked = sorted(bpf.specialities.items(), key=lambda kv: (-kv[1].hours, -kv[1].count, kv[0]))
    for title, t in ranked[:TOP_SPECIALITIES]:
        tally("F-4", f"{title} (code NSF à renseigner)", t)
    others = sum((t for _, t in ranked[TOP_SPECIALITIES:]), Tally())
    tally("F-4", "Autres spécialités", others)
    tally("F-4", "Total", sum((t for _, t in ranked), Tally()), total=True)

    tally("G", "Formations confiées à votre organisme par un autre organisme de formation", bpf.entrusted_total,
          total=True)
    for name, t in sorted(bpf.entrusted.items()):
        tally("G", f"dont {name}", t)

    rep = org.legal_rep
    text("H", "Nom et prénom", rep.name if rep else None)
    text("H", "Qualité", rep.title if rep else None)
    text("H", "Courriel", rep.email if rep else None)
    return out


def bpf_table(bpf: Bpf) -> list[tuple[str, str, str]]:
    """(frame, line label, value) in the cerfa's order; headings have an empty value."""
    return [(line.frame, line.label, format_value(line)) for line in bpf_lines(bpf)]


def format_value(line: Line) -> str:
    if line.heading:
        return ""
    if line.text is not None:
        return line.text
    if line.amount is not None:
        return f"{number(line.amount)}\u00a0€"
    noun = "personne" if line.frame == "E" else "stagiaire"
    count = line.count or 0
    return f"{count}\u00a0{noun}{'s' if count > 1 else ''} · {number(line.hours or ZERO)}\u00a0h"


def number(value: Decimal) -> str:
    """3450 → « 3 450 », 66.5 → « 66,5 », 1234.567 → « 1 234,57 » (no-break thousands separator)."""
    q = value.quantize(CENT, ROUND_HALF_UP)
    whole, _, cents = f"{q:f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    text = sign + "\u00a0".join(groups or ["0"])
    cents = cents.rstrip("0")
    return f"{text},{cents}" if cents else text


# --- the workbook --------------------------------------------------------------------------------


def write_bpf_xlsx(bpf: Bpf, path: Path) -> None:
    """One sheet in the cerfa's order (figures as numbers), one sheet of points to check; atomic."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from qualikit.files import write_atomic_with

    book = Workbook()
    book.properties.creator = "qualikit"
    ws = book.active
    ws.title = f"BPF {bpf.year}"
    bold = Font(bold=True)
    fill = PatternFill("solid", start_color="DDE4EE")
    _put(ws.cell(1, 1), f"Bilan pédagogique et financier {bpf.year} (cerfa 10443) — document de travail à "
                        "reporter sur Mon Activité Formation")
    ws.cell(1, 1).font = Font(bold=True, size=12)
    header = ("Cadre", "Ligne", "Montant (€ HT)", "Nombre", "Heures", "Valeur")
    for c, title in enumerate(header, start=1):
        cell = ws.cell(3, c)
        _put(cell, title)
        cell.font, cell.fill = bold, fill
    ws.freeze_panes = "A4"
    r, frame = 3, None
    for line in bpf_lines(bpf):
        if line.frame != frame:
            frame = line.frame
            r += 1
            _put(ws.cell(r, 1), frame)
            _put(ws.cell(r, 2), FRAMES[frame])
            ws.cell(r, 1).font = ws.cell(r, 2).font = bold
        r += 1
        _put(ws.cell(r, 1), line.frame)
        _put(ws.cell(r, 2), line.label)
        ws.cell(r, 2).alignment = Alignment(wrap_text=True, vertical="top")
        if line.amount is not None:
            _put(ws.cell(r, 3), _excel_number(line.amount))
            ws.cell(r, 3).number_format = "#,##0.00"
        if line.count is not None:
            _put(ws.cell(r, 4), line.count)
            _put(ws.cell(r, 5), _excel_number(line.hours or ZERO))
        if line.text is not None:
            _put(ws.cell(r, 6), line.text)
        if line.total or line.heading:
            for c in range(2, 7):
                ws.cell(r, c).font = bold
    for letter, width in zip("ABCDEF", (8, 80, 16, 10, 10, 40), strict=True):
        ws.column_dimensions[letter].width = width

    check = book.create_sheet("À vérifier")
    for c, title in enumerate(("Type", "Texte"), start=1):
        cell = check.cell(1, c)
        _put(cell, title)
        cell.font, cell.fill = bold, fill
    r = 1
    for kind, items in (("Point à vérifier", bpf.problems), ("Note", bpf.notes)):
        for item in items:
            r += 1
            _put(check.cell(r, 1), kind)
            _put(check.cell(r, 2), item)
            check.cell(r, 2).alignment = Alignment(wrap_text=True, vertical="top")
    check.column_dimensions["A"].width = 18
    check.column_dimensions["B"].width = 120
    write_atomic_with(Path(path), book.save)


def _excel_number(value: Decimal) -> int | float:
    q = value.quantize(CENT, ROUND_HALF_UP)
    return int(q) if q == q.to_integral_value() else float(q)


def _put(cell, value) -> None:
    """The convention of xlsx_write._put: text is always a string cell, never a formula or an error code."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if not value:
            cell.value = None
            return
        cell.value = value
        cell.data_type = "s"  # "=…", "+…", "-…", "@…" stay text
        return
    cell.value = value


# --- small helpers -------------------------------------------------------------------------------


def _add_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _period(first: date, last: date) -> str:
    return f"l'exercice du {short_date(first)} au {short_date(last)}"


def _half_days(slots: list[tuple[date, HalfDay]]) -> str:
    shown = [f"{d:%d/%m} {half}" for d, half in slots[:4]]
    more = len(slots) - len(shown)
    return f"{len(slots)} demi-journée{'s' if len(slots) > 1 else ''} : " + ", ".join(shown) + (
        f" et {more} autre{'s' if more > 1 else ''}" if more else "")
