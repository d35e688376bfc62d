"""The BPF form: its frames, its lines of income, learners and objectives, and the figures it holds (Bpf)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from qualikit.project.model import Organisation

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

LEARNER_TYPES: tuple[tuple[str, str], ...] = (
    ("a", "a. Salariés d'employeurs privés hors apprentis"),
    ("b", "b. Apprentis"),
    ("c", "c. Personnes en recherche d'emploi formées par votre organisme de formation"),
    ("d", "d. Particuliers à leurs propres frais formés par votre organisme de formation"),
    ("e", "e. Autres stagiaires"),
)

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
    external_trainers: Tally = field(default_factory=Tally)  # E: sous-traitants and salariés portés
    purchases: Decimal | None = None  # D: their invoices of the year (registre-sous-traitants.yaml), HT
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

