"""`qualikit init`: a new project folder, whole or not at all."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from qualikit.base.resources import templates_dir
from qualikit.project.load.schema import WORKBOOK, YAML_FILES


@dataclass
class OrgAnswers:
    """What `init` asks a trainer; everything can be completed later in the files."""

    raison_sociale: str
    forme_juridique: str | None = None
    siret: str | None = None
    nda: str | None = None
    nda_region: str | None = None
    adresse: str | None = None
    code_postal: str | None = None
    ville: str | None = None
    representant: str | None = None
    qualite: str | None = None
    email: str | None = None
    telephone: str | None = None

    @property
    def formateur_id(self) -> str:
        return slug(self.representant or "formateur") or "formateur"


class ScaffoldError(Exception):
    """The destination cannot receive a new project (the message says why, in French)."""


def slug(text: str) -> str:
    bare = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", bare.lower()).strip("-")[:64]


def create_project(dest: Path, answers: OrgAnswers, form: str, today: date) -> list[Path]:
    """Write the project into a temporary sibling folder, then move it into place."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ScaffoldError(f"« {dest} » existe déjà et n'est pas vide : choisissez un nouveau dossier")
    parent = dest.absolute().parent
    if not parent.is_dir():
        raise ScaffoldError(f"le dossier parent « {parent} » n'existe pas")
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=parent))
    try:
        _write(staging, answers, form, today)
        if dest.exists():
            dest.rmdir()
        staging.rename(dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(p.relative_to(dest) for p in dest.rglob("*") if p.is_file())


def _write(root: Path, answers: OrgAnswers, form: str, today: date) -> None:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    for folder in ("assets", "templates"):
        (root / folder).mkdir()
    (root / "templates" / "LISEZMOI.txt").write_text(
        "Déposez ici vos propres modèles d'e-mails ou de documents : ils remplacent ceux de qualikit\n"
        "qui portent le même nom.\n", encoding="utf-8")
    if form == "xlsx":
        _write_workbook(root / WORKBOOK, answers)
        return
    env = Environment(loader=FileSystemLoader(templates_dir() / "projet"), undefined=StrictUndefined,
                      keep_trailing_newline=True, autoescape=False)
    env.filters["y"] = lambda v: "" if v in (None, "") else json.dumps(v, ensure_ascii=False)
    for name in YAML_FILES:
        text = env.get_template(name + ".j2").render(o=answers, today=today.isoformat())
        (root / name).write_text(text, encoding="utf-8")


def _write_workbook(path: Path, answers: OrgAnswers) -> None:
    from qualikit.base.diagnostics import Location
    from qualikit.project.load.tables import Cell, Row
    from qualikit.project.xlsx_write import write_workbook

    values = {k: v for k, v in asdict(answers).items() if v}
    keys = {"representant": "representant_legal.nom", "qualite": "representant_legal.qualite"}
    here = Location(WORKBOOK)
    org = Row(here, {keys.get(k, k): Cell(v, here) for k, v in values.items()})
    if answers.representant:
        org.cells["referent_handicap.nom"] = Cell(answers.representant, here)
        org.cells["expediteur.nom"] = Cell(answers.representant, here)
    if answers.email:
        org.cells["expediteur.email"] = Cell(answers.email, here)
    trainer = Row(here, {"id": Cell(answers.formateur_id, here), "nom": Cell(answers.representant or
                                                                                answers.raison_sociale, here)})
    settings = Row(here, {"delai_convocation_jours": Cell(7, here), "seuil_alerte_abandon": Cell("10 %", here),
                          "taux_reponse_cible": Cell("80 %", here),
                          "delai_reponse_reclamation_heures": Cell(48, here)})
    write_workbook(path, {"organisation": [org], "parametres": [settings], "formateurs": [trainer]})
