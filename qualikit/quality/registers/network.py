"""Réseau handicap (indicator 26): what the trainer did with the partners who help receive, train or
direct people with a disability — contacts, meetings, the référent's own training, orientations,
resources mobilised. The organisation file declares the référent and the network; only a dated
log shows the network is used.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from qualikit.base.diagnostics import Location, Report
from qualikit.project.load.fields import DATE, TEXT, choice
from qualikit.quality.registers import store
from qualikit.quality.registers.model import NetworkEntry, NetworkKind, Register
from qualikit.quality.registers.store import Field, RegisterError, Spec

FILENAME = "registre-handicap.yaml"
PREFIX = "H"
KIND = choice(NetworkKind, {"prise de contact": NetworkKind.CONTACT, "appel": NetworkKind.CONTACT,
                            "rencontre": NetworkKind.REUNION, "reunion": NetworkKind.REUNION,
                            "instance": NetworkKind.REUNION, "manifestation": NetworkKind.REUNION,
                            "formation": NetworkKind.FORMATION, "formation referent": NetworkKind.FORMATION,
                            "sensibilisation": NetworkKind.FORMATION, "orientation d'un apprenant":
                            NetworkKind.ORIENTATION, "ressource": NetworkKind.RESSOURCE,
                            "outil": NetworkKind.RESSOURCE, "expertise": NetworkKind.RESSOURCE,
                            "compensation": NetworkKind.RESSOURCE})

HEADER = """\
# Registre du réseau handicap (indicateur Qualiopi 26). Une entrée par action avec un partenaire.
# «\u00a0qualikit handicap add\u00a0» ajoute les entrées à la fin du fichier\u00a0; vous pouvez aussi les
# écrire à la main.
#   partenaire\u00a0: Agefiph, Cap emploi, MDPH, Ressource Handicap Formation…
#   type\u00a0: contact, réunion, formation du référent, orientation ou ressource mobilisée
#   compte_rendu\u00a0: ce qui a été fait ou appris (jamais le nom ni le handicap d'un apprenant)
#   fichier\u00a0: compte rendu, invitation ou attestation dans votre projet (facultatif)\u00a0; dates AAAA-MM-JJ"""


def _check(entry: NetworkEntry, values: dict[str, Any], locs: dict[str, Location], report: Report) -> None:
    if entry.file is not None and (".." in Path(entry.file).parts or Path(entry.file).is_absolute()):
        report.error(locs["fichier"], "chemin attendu relatif au dossier du projet, sans «\u00a0..\u00a0»", "fichier")


SPEC = Spec(
    filename=FILENAME,
    record=NetworkEntry,
    fields=(
        Field("id", "id", store.entry_id(PREFIX, yearly=True), required=True),
        Field("date", "date", DATE, required=True),
        Field("partenaire", "partner", TEXT, required=True),
        Field("type", "kind", KIND, required=True),
        Field("compte_rendu", "report", TEXT, required=True),
        Field("fichier", "file", TEXT),
    ),
    header=HEADER,
    check=_check,
)


def load(root: Path) -> store.Document:
    return store.load(root, SPEC)


def new_entry(register: Register, *, day: date, partner: str, kind: NetworkKind, report: str,
              file: str | None = None) -> NetworkEntry:
    partner, report = partner.strip(), report.strip()
    if not partner:
        raise RegisterError("le partenaire est vide\u00a0: Agefiph, Cap emploi, MDPH… (--partenaire)")
    if not report:
        raise RegisterError("le compte rendu est vide\u00a0: dites en une phrase ce qui a été fait ou appris "
                            "(--compte-rendu)")
    return NetworkEntry(id=store.next_id(register, PREFIX, day.year), date=day, partner=partner, kind=kind,
                        report=report, file=(file or "").strip() or None)
