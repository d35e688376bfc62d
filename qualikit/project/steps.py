"""The default journey: which message goes to whom, when, relative to the session.

Project data with defaults: the trainer's `parcours` table changes or extends these steps
(`journey.plan` merges them), and `check` knows the default ids from here.
"""

from __future__ import annotations

from dataclasses import dataclass

# audiences
ALL = "tous"  # every learner still in the session
ABSENT = "absents"  # learners absent from a half-day (anchor "absence")
NO_HOT = "sans-reponse-chaud"
NO_COLD = "sans-reponse-froid"
AT_RISK = "a-risque"  # absent at least once, or dropped answers
DROPPED = "abandons"
COMPANY = "entreprise"  # the client company's contact (session.client_email), once per session
FUNDERS = "financeurs"  # each funder paying the session (its payer's contact), once per session
ANCHORS = ("debut", "fin", "absence")


@dataclass(frozen=True)
class Step:
    id: str
    label: str
    anchor: str  # debut (first day), fin (last day), absence (the absent half-day)
    offset: int  # days after the anchor (negative: before)
    audience: str = ALL
    template: str = ""  # emails/<template>.subject.j2 and .txt.j2; defaults to the id
    survey: str | None = None  # a survey link to include (chaud, froid…)
    enabled: bool = True
    programme: str | None = None  # only for this programme

    @property
    def template_name(self) -> str:
        return self.template or self.id


DEFAULT_STEPS: tuple[Step, ...] = (
    Step("rappel-veille", "Rappel J-1", "debut", -1),
    Step("relance-absence", "Suivi d'une absence", "absence", 1, ABSENT),
    Step("enquete-chaud", "Enquête à chaud", "fin", 0, survey="chaud"),
    Step("relance-chaud", "Relance de l'enquête à chaud", "fin", 3, NO_HOT, survey="chaud"),
    Step("recapitulatif", "Récapitulatif et plan d'action (J+7)", "fin", 7),
    Step("enquete-entreprise", "Enquête entreprise", "fin", 10, COMPANY, survey="entreprise"),
    Step("enquete-financeur", "Enquête financeur", "fin", 10, FUNDERS, survey="financeur"),
    Step("alumni", "Invitation alumni et demande de témoignage", "fin", 14),
    Step("suivi-j30", "Suivi à 30 jours", "fin", 30),
    Step("enquete-froid", "Enquête à froid (J+90)", "fin", 90, survey="froid"),
    Step("relance-froid", "Relance de l'enquête à froid", "fin", 97, NO_COLD, survey="froid"),
    Step("enquete-froid-2", "Seconde enquête à froid (J+180)", "fin", 180, survey="froid", enabled=False),
)
