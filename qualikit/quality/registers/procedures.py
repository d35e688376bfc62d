"""Procedures dated and versioned: which version of each written procedure was in force, since when,
what changed, when it was last reviewed. An auditor dismisses an undated, unversioned procedure."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from qualikit.base.diagnostics import Location, Report
from qualikit.project.load.fields import DATE, TEXT, Parser, bad
from qualikit.quality.registers import store
from qualikit.quality.registers.model import ProcedureVersion, Register
from qualikit.quality.registers.store import Field, RegisterError, Spec

FILENAME = "registre-procedures.yaml"
PREFIX = "P"
NAMES = ("abandons-relances", "violences-harcelement-discriminations", "reclamations-difficultes-aleas",
         "amelioration-continue", "accueil-handicap")


def _name(value: Any) -> str:
    text = str(value).strip().lower()
    if text not in NAMES:
        raise bad(text, "le nom d'une procédure\u00a0: " + ", ".join(NAMES))
    return text


PROCEDURE = Parser(_name, "le nom d'une procédure", NAMES)

HEADER = """\
# Versions des procédures écrites (indicateurs Qualiopi 12, 26, 31 et 32). Une entrée par version
# adoptée\u00a0: «\u00a0qualikit procedure adopt\u00a0» en ajoute une, «\u00a0qualikit procedure review\u00a0» note une
# relecture sans changement. Le texte de chaque procédure est dans templates/procedures/ de votre projet.
#   procedure\u00a0: abandons-relances, violences-harcelement-discriminations,
#              reclamations-difficultes-aleas, amelioration-continue ou accueil-handicap
#   version\u00a0: 1, 2, 2.1…\u00a0; adoptee_le, revue_le\u00a0: AAAA-MM-JJ\u00a0; changements\u00a0: ce qui a changé"""


def _check(entry: ProcedureVersion, values: dict[str, Any], locs: dict[str, Location], report: Report) -> None:
    if entry.reviewed is not None and entry.reviewed < entry.adopted:
        report.warning(locs["revue_le"], "relecture antérieure à l'adoption de cette version", "revue_le")


SPEC = Spec(
    filename=FILENAME,
    record=ProcedureVersion,
    fields=(
        Field("id", "id", store.entry_id(PREFIX, yearly=False), required=True),
        Field("procedure", "procedure", PROCEDURE, required=True),
        Field("version", "version", TEXT, required=True),
        Field("adoptee_le", "adopted", DATE, required=True),
        Field("changements", "changes", TEXT),
        Field("revue_le", "reviewed", DATE),
    ),
    header=HEADER,
    check=_check,
)


def load(root: Path) -> store.Document:
    return store.load(root, SPEC)


def history(register: Register, procedure: str) -> list[ProcedureVersion]:
    """The versions of one procedure, oldest first; the last one is in force."""
    return sorted((v for v in register.entries if v.procedure == procedure), key=lambda v: (v.adopted, v.id))


def adopt(register: Register, procedure: str, day: date, changes: str | None,
          version: str | None = None) -> ProcedureVersion:
    """A new version in force from `day`: the next number unless one is given."""
    before = history(register, procedure)
    if before and day < before[-1].adopted:
        raise RegisterError(f"la version en vigueur a été adoptée le {before[-1].adopted:%d/%m/%Y}\u00a0: une "
                            "nouvelle version ne peut pas la précéder")
    if version is None:
        head = before[-1].version.split(".")[0] if before else "0"
        version = str(int(head) + 1) if head.isdigit() else str(len(before) + 1)
    if any(v.version == version for v in before):
        raise RegisterError(f"la version {version} de «\u00a0{procedure}\u00a0» existe déjà")
    if before and not (changes or "").strip():
        raise RegisterError("dites ce qui change par rapport à la version précédente (--changements)")
    return ProcedureVersion(store.next_id(register, PREFIX), procedure, version, day,
                            (changes or "").strip() or None)


def review(register: Register, procedure: str, day: date) -> ProcedureVersion:
    """The version in force, read again on `day` and kept as it is."""
    before = history(register, procedure)
    if not before:
        raise RegisterError(f"aucune version de «\u00a0{procedure}\u00a0» n'est enregistrée\u00a0: adoptez-la d'abord "
                            "(qualikit procedure adopt)")
    return replace(before[-1], reviewed=day)
