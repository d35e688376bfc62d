"""Risques sur la qualité des formations (indicator 32, audits from 1 Nov 2026): likelihood × impact,
measures, owner and yearly review. Seeded on request from templates/registres/risques-initiaux.yaml."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from qualikit.base.diagnostics import Location, Report
from qualikit.project.load.fields import DATE, TEXT, choice
from qualikit.quality.registers import store
from qualikit.quality.registers.model import Register, Risk, RiskStatus
from qualikit.quality.registers.store import COUNT, LEVEL, Field, RegisterError, Spec

FILENAME = "registre-risques.yaml"
SEED = Path("registres") / "risques-initiaux.yaml"  # inside templates/
PREFIX = "Q"
HIGH, MEDIUM = 9, 5  # criticality from which a risk is « élevée », « moyenne »

STATUS = choice(RiskStatus, {"ouverte": RiskStatus.OUVERT, "actif": RiskStatus.OUVERT,
                             "a traiter": RiskStatus.OUVERT, "maitrisee": RiskStatus.MAITRISE,
                             "sous controle": RiskStatus.MAITRISE, "close": RiskStatus.CLOS,
                             "ferme": RiskStatus.CLOS})

HEADER = """\
# Registre des risques sur la qualité des formations (indicateur Qualiopi 32, audits à partir
# du 1er novembre 2026). «\u00a0qualikit risk add\u00a0» ajoute les risques à la fin du fichier,
# «\u00a0qualikit risk review\u00a0» note leur revue\u00a0; vous pouvez aussi les modifier à la main.
#   probabilite\u00a0: 1 rare, 2 possible, 3 probable, 4 fréquent
#   impact\u00a0: 1 faible, 2 gênant, 3 sérieux, 4 grave
#   criticite\u00a0: probabilité × impact, recalculée par qualikit
#   statut\u00a0: ouvert, maîtrisé ou clos\u00a0; dates AAAA-MM-JJ"""


def _check(risk: Risk, values: dict[str, Any], locs: dict[str, Location], report: Report) -> None:
    written = values.get("criticite")
    if written is not None and written != risk.criticality:
        report.warning(locs["criticite"], f"criticité {written} écrite, mais probabilité × impact = "
                       f"{risk.likelihood} × {risk.impact} = {risk.criticality}\u00a0: qualikit retient "
                       f"{risk.criticality}", "criticite")
    if risk.reviewed is not None and risk.next_review is not None and risk.next_review < risk.reviewed:
        report.warning(locs["prochaine_revue"], "prochaine revue antérieure à la dernière revue", "prochaine_revue")


SPEC = Spec(
    filename=FILENAME,
    record=Risk,
    fields=(
        Field("id", "id", store.entry_id(PREFIX, yearly=False), required=True),
        Field("risque", "risk", TEXT, required=True),
        Field("probabilite", "likelihood", LEVEL, required=True),
        Field("impact", "impact", LEVEL, required=True),
        Field("criticite", "criticality", COUNT, computed=True),
        Field("mesures", "measures", TEXT, many=True),
        Field("responsable", "owner", TEXT),
        Field("derniere_revue", "reviewed", DATE),
        Field("prochaine_revue", "next_review", DATE),
        Field("statut", "status", STATUS),
    ),
    header=HEADER,
    check=_check,
)


def load(root: Path) -> store.Document:
    return store.load(root, SPEC)


def in_a_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def load_seed(path: Path | None = None) -> store.Document:
    """The template's risks, read with the register's own reader (located problems if it was edited)."""
    from qualikit.base.resources import templates_dir

    path = path if path is not None else templates_dir() / SEED
    spec = replace(SPEC, filename=path.name)
    return store.load(path.parent, spec)


def seed(today: date, owner: str | None = None, path: Path | None = None) -> list[Risk]:
    """The usual risks, most critical first, numbered Q-001…, reviewed today, next review in a year."""
    doc = load_seed(path)
    if not doc.ok:
        raise RegisterError("le modèle de risques initiaux contient des erreurs", doc.report)
    ordered = sorted(doc.register.entries, key=lambda r: (-r.criticality, -r.impact))
    return [replace(r, id=f"{PREFIX}-{n:03d}", owner=r.owner or owner, reviewed=today,
                    next_review=in_a_year(today), status=r.status)
            for n, r in enumerate(ordered, 1)]


def new_risk(register: Register, *, risk: str, likelihood: int, impact: int, today: date,
             measures: tuple[str, ...] = (), owner: str | None = None, next_review: date | None = None) -> Risk:
    risk = re.sub(r"[ \t\r\n]+", " ", risk).strip()
    if not risk:
        raise RegisterError("décrivez le risque en une phrase (--risque)")
    return Risk(id=store.next_id(register, PREFIX), risk=risk, likelihood=likelihood, impact=impact,
                measures=tuple(m.strip() for m in measures if m.strip()), owner=(owner or "").strip() or None,
                reviewed=today, next_review=next_review or in_a_year(today))


def review(risk: Risk, today: date, *, likelihood: int | None = None, impact: int | None = None,
           measures: tuple[str, ...] = (), status: RiskStatus | None = None, owner: str | None = None,
           next_review: date | None = None) -> Risk:
    """The risk reviewed today: new levels, added measures, next review in a year unless given."""
    if next_review is not None and next_review < today:
        raise RegisterError(f"la prochaine revue ({next_review:%d/%m/%Y}) est déjà passée")
    added = tuple(m.strip() for m in measures if m.strip() and m.strip() not in risk.measures)
    return replace(risk, likelihood=likelihood or risk.likelihood, impact=impact or risk.impact,
                   measures=risk.measures + added, status=status or risk.status,
                   owner=(owner or "").strip() or risk.owner, reviewed=today,
                   next_review=next_review or in_a_year(today))


def by_criticality(register: Register) -> list[Risk]:
    """Most critical first; equal criticality: higher impact first, then by id."""
    return sorted(register.entries, key=lambda r: (-r.criticality, -r.impact, r.id))


def level(criticality: int) -> str:
    return "élevée" if criticality >= HIGH else "moyenne" if criticality >= MEDIUM else "faible"


def review_due(risk: Risk, today: date) -> bool:
    return risk.status is not RiskStatus.CLOS and (risk.next_review is None or risk.next_review <= today)
