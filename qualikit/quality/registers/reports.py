"""Signalements de violences, de violences sexistes et sexuelles, de harcèlement ou de discrimination
(indicator 12, audits from 1 Nov 2026).

Sensitive personal data, hence rules stricter than the other registers:
- kept apart, in signalements/, folder 0700 and file 0600 on POSIX;
- the journal gets only `report.recorded` with {id, date}: no names, no facts;
- listings show id, date, status and the number of measures; `summary()`, for KPIs and the
  audit pack, gives counts only;
- a problem in the file is reported by line and column, never by quoting what it holds.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from qualikit.project.load.fields import DATE, TEXT, choice
from qualikit.quality.registers import store
from qualikit.quality.registers.model import Register, ReportChannel, ReportStatus, ViolenceReport
from qualikit.quality.registers.store import Field, RegisterError, Spec

FOLDER = "signalements"
FILENAME = f"{FOLDER}/registre-signalements.yaml"
PREFIX = "S"
JOURNAL_KIND = "report.recorded"

CHANNEL = choice(ReportChannel, {"email": ReportChannel.EMAIL, "mail": ReportChannel.EMAIL,
                                 "courriel": ReportChannel.EMAIL, "tel": ReportChannel.TELEPHONE,
                                 "appel": ReportChannel.TELEPHONE, "lettre": ReportChannel.COURRIER,
                                 "en personne": ReportChannel.ORAL, "entretien": ReportChannel.ORAL,
                                 "questionnaire": ReportChannel.FORMULAIRE})
STATUS = choice(ReportStatus, {"ouverte": ReportStatus.OUVERT, "nouveau": ReportStatus.OUVERT,
                               "en cours de traitement": ReportStatus.EN_COURS, "close": ReportStatus.CLOS,
                               "traite": ReportStatus.CLOS, "cloture": ReportStatus.CLOS})

HEADER = """\
# Registre des signalements de violences, violences sexistes et sexuelles, harcèlement ou
# discrimination (indicateur Qualiopi 12, audits à partir du 1er novembre 2026).
# DONNÉES PERSONNELLES SENSIBLES, ACCÈS RESTREINT\u00a0: ce fichier n'est lisible que par vous
# (droits 600). Ne le copiez pas dans un dossier de preuves, ne l'envoyez pas par e-mail\u00a0;
# l'auditeur peut le consulter sur place. Ne gardez les données que le temps nécessaire.
# «\u00a0qualikit report add\u00a0» ajoute les signalements à la fin du fichier.
#   faits\u00a0: tels que rapportés\u00a0; personnes\u00a0: personnes concernées
#   mesures\u00a0: mesures prises\u00a0; orientation\u00a0: Défenseur des droits, 3919, police, médecine du travail…
#   statut\u00a0: ouvert, en cours ou clos\u00a0; date AAAA-MM-JJ"""

SPEC = Spec(
    filename=FILENAME,
    record=ViolenceReport,
    fields=(
        Field("id", "id", store.entry_id(PREFIX, yearly=True), required=True),
        Field("date", "date", DATE, required=True),
        Field("canal", "channel", CHANNEL),
        Field("faits", "facts", TEXT, required=True),
        Field("personnes", "people", TEXT),
        Field("mesures", "measures", TEXT, many=True),
        Field("orientation", "orientation", TEXT, many=True),
        Field("statut", "status", STATUS),
    ),
    header=HEADER,
    private=True,
)


class Row(NamedTuple):
    """What a listing may show: never facts, never names."""

    id: str
    date: date
    status: ReportStatus
    measures: int


def load(root: Path) -> store.Document:
    return store.load(root, SPEC)


def _clean(items: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(re.sub(r"[ \t\r\n]+", " ", i).strip() for i in items if i and i.strip())


def new_report(register: Register, *, day: date, facts: str, channel: ReportChannel | None = None,
               people: str | None = None, measures: tuple[str, ...] = (), orientation: tuple[str, ...] = (),
               status: ReportStatus = ReportStatus.OUVERT) -> ViolenceReport:
    facts = facts.strip()
    if not facts:
        raise RegisterError("les faits sont vides\u00a0: notez-les tels qu'ils ont été rapportés (--faits)")
    return ViolenceReport(id=store.next_id(register, PREFIX, day.year), date=day, facts=facts, channel=channel,
                          people=(people or "").strip() or None, measures=_clean(measures),
                          orientation=_clean(orientation), status=status)


def update(report: ViolenceReport, *, measures: tuple[str, ...] = (), orientation: tuple[str, ...] = (),
           status: ReportStatus | None = None) -> ViolenceReport:
    """Measures and orientations are added to those already recorded."""
    new_measures = tuple(m for m in _clean(measures) if m not in report.measures)
    new_orientation = tuple(o for o in _clean(orientation) if o not in report.orientation)
    if not new_measures and not new_orientation and (status is None or status is report.status):
        raise RegisterError("rien à modifier\u00a0: précisez --mesure, --orientation ou --statut")
    return replace(report, measures=report.measures + new_measures,
                   orientation=report.orientation + new_orientation, status=status or report.status)


def journal_data(report: ViolenceReport) -> dict[str, str]:
    """The only trace in the journal: id and date."""
    return {"id": report.id, "date": report.date.isoformat()}


def listing(register: Register) -> list[Row]:
    return [Row(r.id, r.date, r.status, len(r.measures)) for r in sorted(register.entries, key=lambda r: r.date)]


def summary(register: Register) -> dict[str, Any]:
    """Counts only, for KPIs and the audit pack: never names, never facts.

    {"total": 3, "by_status": {"ouvert": 1, "en cours": 1, "clos": 1}, "by_year": {2026: 3},
     "measures": 5, "oriented": 2}
    """
    entries = register.entries
    by_status = Counter(r.status for r in entries)
    return {
        "total": len(entries),
        "by_status": {s.value: by_status.get(s, 0) for s in ReportStatus},
        "by_year": dict(sorted(Counter(r.date.year for r in entries).items())),
        "measures": sum(len(r.measures) for r in entries),
        "oriented": sum(1 for r in entries if r.orientation),
    }
