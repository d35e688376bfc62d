"""Veille (indicators 23, 24, 25): what the trainer read or heard, where, and what they changed.

Project data cannot show a watch; a dated log can. One entry per thing learned, of one kind:
légale (23), métiers (24) or pédagogique et technologique (25).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from qualikit.base.diagnostics import Location, Report
from qualikit.project.load.fields import DATE, TEXT, choice
from qualikit.quality.registers import store
from qualikit.quality.registers.model import Register, WatchEntry, WatchKind
from qualikit.quality.registers.store import Field, RegisterError, Spec

FILENAME = "registre-veille.yaml"
PREFIX = "V"
INDICATORS = {WatchKind.LEGALE: 23, WatchKind.METIERS: 24, WatchKind.PEDAGOGIQUE: 25}
KIND = choice(WatchKind, {"legale": WatchKind.LEGALE, "reglementaire": WatchKind.LEGALE,
                          "legale et reglementaire": WatchKind.LEGALE, "juridique": WatchKind.LEGALE,
                          "metier": WatchKind.METIERS, "emploi": WatchKind.METIERS, "competences": WatchKind.METIERS,
                          "pedagogie": WatchKind.PEDAGOGIQUE, "technologique": WatchKind.PEDAGOGIQUE,
                          "pedagogique et technologique": WatchKind.PEDAGOGIQUE, "innovation": WatchKind.PEDAGOGIQUE})

HEADER = """\
# Registre de veille (indicateurs Qualiopi 23, 24 et 25). Une entrée par information retenue.
# «\u00a0qualikit veille add\u00a0» ajoute les entrées à la fin du fichier\u00a0; vous pouvez aussi
# les écrire à la main.
#   type\u00a0: légale (23), métiers (24) ou pédagogique (25, pédagogique et technologique)
#   source\u00a0: où vous l'avez lu ou entendu\u00a0; constat\u00a0: ce qui change
#   action\u00a0: ce que vous avez changé en conséquence (c'est ce que l'auditeur regarde)
#   fichier\u00a0: une copie de la source dans votre projet (facultatif)\u00a0; dates AAAA-MM-JJ"""


def _check(entry: WatchEntry, values: dict[str, Any], locs: dict[str, Location], report: Report) -> None:
    if entry.file is not None and (".." in Path(entry.file).parts or Path(entry.file).is_absolute()):
        report.error(locs["fichier"], "chemin attendu relatif au dossier du projet, sans «\u00a0..\u00a0»", "fichier")


SPEC = Spec(
    filename=FILENAME,
    record=WatchEntry,
    fields=(
        Field("id", "id", store.entry_id(PREFIX, yearly=True), required=True),
        Field("date", "date", DATE, required=True),
        Field("type", "kind", KIND, required=True),
        Field("source", "source", TEXT, required=True),
        Field("constat", "finding", TEXT, required=True),
        Field("action", "action", TEXT),
        Field("fichier", "file", TEXT),
    ),
    header=HEADER,
    check=_check,
)


def load(root: Path) -> store.Document:
    return store.load(root, SPEC)


def new_entry(register: Register, *, day: date, kind: WatchKind, source: str, finding: str,
              action: str | None = None, file: str | None = None) -> WatchEntry:
    source, finding = source.strip(), finding.strip()
    if not source:
        raise RegisterError("la source est vide\u00a0: dites où vous l'avez lu ou entendu (--source)")
    if not finding:
        raise RegisterError("le constat est vide\u00a0: dites en une phrase ce qui change (--constat)")
    return WatchEntry(id=store.next_id(register, PREFIX, day.year), date=day, kind=kind, source=source,
                      finding=finding, action=(action or "").strip() or None, file=(file or "").strip() or None)
