"""Compétences des intervenants (indicator 21) and their development (22): diplomas, certifications,
experience and the trainings each trainer followed, with the file that proves each."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from qualikit.base.diagnostics import Location, Report
from qualikit.project.load.fields import DATE, TEXT, choice
from qualikit.quality.registers import store
from qualikit.quality.registers.model import CompetenceEntry, CompetenceKind, Register
from qualikit.quality.registers.store import COUNT, Field, RegisterError, Spec

FILENAME = "registre-competences.yaml"
PREFIX = "C"
OWN_TRAINING = (CompetenceKind.FORMATION,)  # indicator 22; the others prove 21
KIND = choice(CompetenceKind, {"diplome": CompetenceKind.DIPLOME, "titre": CompetenceKind.DIPLOME,
                               "experience": CompetenceKind.EXPERIENCE, "cv": CompetenceKind.EXPERIENCE,
                               "formation": CompetenceKind.FORMATION, "formation suivie": CompetenceKind.FORMATION,
                               "certificat": CompetenceKind.CERTIFICATION,
                               "habilitation": CompetenceKind.CERTIFICATION})

HEADER = """\
# Compétences des intervenants (indicateur Qualiopi 21) et leur développement (indicateur 22).
# Une entrée par diplôme, certification, expérience ou formation suivie. «\u00a0qualikit competence add\u00a0»
# ajoute les entrées à la fin du fichier\u00a0; vous pouvez aussi les écrire à la main.
#   formateur\u00a0: l'identifiant du formateur (organisation.yaml)\u00a0; type\u00a0: diplôme, certification,
#              expérience ou formation suivie\u00a0; date\u00a0: obtention, ou fin de l'expérience ou de la formation
#   fichier\u00a0: la pièce qui le prouve (diplôme, CV, attestation), dans votre projet\u00a0; dates AAAA-MM-JJ"""


def _check(entry: CompetenceEntry, values: dict[str, Any], locs: dict[str, Location], report: Report) -> None:
    if entry.file is not None and (".." in Path(entry.file).parts or Path(entry.file).is_absolute()):
        report.error(locs["fichier"], "chemin attendu relatif au dossier du projet, sans «\u00a0..\u00a0»", "fichier")


SPEC = Spec(
    filename=FILENAME,
    record=CompetenceEntry,
    fields=(
        Field("id", "id", store.entry_id(PREFIX, yearly=True), required=True),
        Field("formateur", "trainer", TEXT, required=True),
        Field("type", "kind", KIND, required=True),
        Field("intitule", "title", TEXT, required=True),
        Field("date", "date", DATE, required=True),
        Field("organisme", "provider", TEXT),
        Field("heures", "hours", COUNT),
        Field("fichier", "file", TEXT),
    ),
    header=HEADER,
    check=_check,
)


def load(root: Path) -> store.Document:
    return store.load(root, SPEC)


def new_entry(register: Register, *, trainer: str, kind: CompetenceKind, title: str, day: date,
              provider: str | None = None, hours: int | None = None, file: str | None = None) -> CompetenceEntry:
    trainer, title = trainer.strip(), title.strip()
    if not trainer:
        raise RegisterError("le formateur est vide\u00a0: son identifiant dans organisation.yaml (--formateur)")
    if not title:
        raise RegisterError("l'intitulé est vide\u00a0: le diplôme, l'expérience ou la formation (--intitule)")
    return CompetenceEntry(id=store.next_id(register, PREFIX, day.year), trainer=trainer, kind=kind, title=title,
                           date=day, provider=(provider or "").strip() or None, hours=hours,
                           file=(file or "").strip() or None)
