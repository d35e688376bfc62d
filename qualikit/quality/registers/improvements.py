"""Actions d'amélioration (indicator 32): what was found, what is done about it, and its effect."""

from __future__ import annotations

import re
import shlex
from contextlib import nullcontext
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from qualikit.base.diagnostics import Location, Report
from qualikit.project.load.fields import DATE, TEXT, Invalid, choice
from qualikit.quality.registers import store
from qualikit.quality.registers.model import Improvement, ImprovementSource, ImprovementStatus, Proposal, Register
from qualikit.quality.registers.store import Field, RegisterError, Spec

FILENAME = "registre-ameliorations.yaml"
PREFIX = "A"
OPEN = (ImprovementStatus.PROPOSEE, ImprovementStatus.EN_COURS)

_SOURCE_ALIASES = {
    "survey": ImprovementSource.ENQUETE, "questionnaire": ImprovementSource.ENQUETE,
    "satisfaction": ImprovementSource.ENQUETE, "enquete a chaud": ImprovementSource.ENQUETE,
    "enquete a froid": ImprovementSource.ENQUETE, "chaud": ImprovementSource.ENQUETE,
    "froid": ImprovementSource.ENQUETE, "hot survey": ImprovementSource.ENQUETE,
    "complaint": ImprovementSource.RECLAMATION, "plainte": ImprovementSource.RECLAMATION,
    "difficulte": ImprovementSource.RECLAMATION, "alea": ImprovementSource.RECLAMATION,
    "incident": ImprovementSource.RECLAMATION,
    "dropout": ImprovementSource.ABANDON, "drop out": ImprovementSource.ABANDON,
    "decrochage": ImprovementSource.ABANDON, "abandons": ImprovementSource.ABANDON,
    "risk": ImprovementSource.RISQUE, "risques": ImprovementSource.RISQUE,
    "non conformite": ImprovementSource.AUDIT, "ecart": ImprovementSource.AUDIT,
    "other": ImprovementSource.AUTRE,
}
SOURCE = choice(ImprovementSource, _SOURCE_ALIASES)
STATUS = choice(ImprovementStatus, {"propose": ImprovementStatus.PROPOSEE, "a faire": ImprovementStatus.PROPOSEE,
                                    "realise": ImprovementStatus.REALISEE, "faite": ImprovementStatus.REALISEE,
                                    "fait": ImprovementStatus.REALISEE, "terminee": ImprovementStatus.REALISEE,
                                    "abandonne": ImprovementStatus.ABANDONNEE})

# A first action to consider, by source; the trainer rewrites it after analysis.
SUGGESTED = {
    ImprovementSource.ENQUETE: "Analyser l'appréciation avec la personne concernée et ajuster le programme, "
                               "les supports ou l'animation",
    ImprovementSource.RECLAMATION: "Analyser la cause et définir une action corrective durable",
    ImprovementSource.ABANDON: "Analyser la cause de l'abandon et renforcer le suivi des apprenants à risque",
    ImprovementSource.RISQUE: "Mettre en place ou renforcer les mesures de maîtrise du risque",
    ImprovementSource.AUDIT: "Traiter l'écart relevé et vérifier son efficacité",
    ImprovementSource.AUTRE: "Analyser la situation et définir une action",
}

HEADER = """\
# Registre des actions d'amélioration (indicateur Qualiopi 32).
# Une entrée par action. «\u00a0qualikit improvement add\u00a0» ajoute les entrées à la fin du fichier\u00a0;
# vous pouvez aussi les écrire ou les compléter à la main.
#   source\u00a0: enquête, réclamation, abandon, risque, audit ou autre\u00a0; reference\u00a0: ce qui l'a
#            déclenchée (R-2026-001, une session, Q-003…)
#   statut\u00a0: proposée, en cours, réalisée ou abandonnée\u00a0; dates AAAA-MM-JJ
#   effet\u00a0: ce qui a été observé après l'action (c'est ce que l'auditeur regarde)."""


def _check(improvement: Improvement, values: dict[str, Any], locs: dict[str, Location], report: Report) -> None:
    if improvement.status is ImprovementStatus.REALISEE and improvement.done is None:
        report.warning(locs.get("statut", improvement.loc), "action réalisée sans date\u00a0: ajoutez realisee_le "
                       "(AAAA-MM-JJ)", "statut")
    if improvement.done is not None and improvement.status is not ImprovementStatus.REALISEE:
        report.warning(locs["realisee_le"], f"date de réalisation alors que le statut est "
                       f"«\u00a0{improvement.status.value}\u00a0»", "realisee_le")


SPEC = Spec(
    filename=FILENAME,
    record=Improvement,
    fields=(
        Field("id", "id", store.entry_id(PREFIX, yearly=True), required=True),
        Field("date", "created", DATE),
        Field("source", "source", SOURCE, required=True),
        Field("reference", "reference", TEXT),
        Field("constat", "finding", TEXT, required=True),
        Field("action", "action", TEXT, required=True),
        Field("responsable", "owner", TEXT),
        Field("echeance", "due", DATE),
        Field("statut", "status", STATUS),
        Field("realisee_le", "done", DATE),
        Field("effet", "effect", TEXT),
    ),
    header=HEADER,
    check=_check,
)


def load(root: Path) -> store.Document:
    return store.load(root, SPEC)


def new_improvement(register: Register, *, source: ImprovementSource, finding: str, action: str, created: date,
                    reference: str | None = None, owner: str | None = None, due: date | None = None,
                    status: ImprovementStatus = ImprovementStatus.PROPOSEE) -> Improvement:
    finding, action = finding.strip(), action.strip()
    if not finding:
        raise RegisterError("le constat est vide\u00a0: dites en une phrase ce qui a été observé (--constat)")
    if not action:
        raise RegisterError("l'action est vide\u00a0: dites ce qui va être fait (--action)")
    if due is not None and due < created:
        raise RegisterError(f"l'échéance ({due:%d/%m/%Y}) précède la date de l'action ({created:%d/%m/%Y})")
    done = created if status is ImprovementStatus.REALISEE else None
    return Improvement(id=store.next_id(register, PREFIX, created.year), source=source, finding=finding,
                       action=action, reference=(reference or "").strip() or None, created=created,
                       owner=(owner or "").strip() or None, due=due, status=status, done=done)


def update(improvement: Improvement, today: date, *, status: ImprovementStatus | None = None,
           action: str | None = None, owner: str | None = None, due: date | None = None,
           done: date | None = None, effect: str | None = None) -> Improvement:
    """The action with what changed; marking it réalisée dates it today unless a date is given."""
    changes: dict[str, Any] = {}
    if status is not None:
        changes["status"] = status
        if status is ImprovementStatus.REALISEE and done is None and improvement.done is None:
            changes["done"] = today
        if status is not ImprovementStatus.REALISEE and done is None:
            changes["done"] = None
    if done is not None:
        if improvement.created is not None and done < improvement.created:
            raise RegisterError(f"la date de réalisation ({done:%d/%m/%Y}) précède la date de l'action "
                                f"({improvement.created:%d/%m/%Y})")
        changes["done"] = done
        changes.setdefault("status", ImprovementStatus.REALISEE)
    for name, value in (("action", action), ("owner", owner), ("effect", effect)):
        if value is not None and value.strip():
            changes[name] = value.strip()
    if due is not None:
        changes["due"] = due
    if not changes:
        raise RegisterError("rien à modifier\u00a0: précisez --statut, --effet, --action, --responsable, "
                            "--echeance ou --realisee-le")
    return replace(improvement, **changes)


def is_late(improvement: Improvement, today: date) -> bool:
    return improvement.status in OPEN and improvement.due is not None and improvement.due < today


def find(register: Register, source: ImprovementSource, reference: str | None) -> Improvement | None:
    """The action already recorded for this source and reference, if any."""
    if not reference:
        return None
    return next((i for i in register.entries if i.source is source and i.reference == reference), None)


def propose_from(kind: str, reference: str | None, text: str) -> Proposal:
    """An improvement action suggested by an event: a negative hot survey, a complaint, a drop-out…

    `kind`: enquête (survey), réclamation (complaint, difficulté, aléa), abandon (drop-out), risque,
    audit or autre, in French or English; `reference`: what triggered it (a session id, R-2026-001…);
    `text`: the finding, in French. Nothing is written: see `record_proposal`.
    """
    try:
        source = SOURCE(kind)
    except Invalid:
        raise ValueError(f"unknown improvement source: {kind!r}") from None
    finding = re.sub(r"[ \t\r\n]+", " ", text).strip()
    if not finding:
        raise ValueError("an improvement proposal needs a finding")
    return Proposal(source, (reference or "").strip() or None, finding, SUGGESTED[source])


def from_proposal(register: Register, proposal: Proposal, today: date, owner: str | None = None) -> Improvement:
    return new_improvement(register, source=proposal.source, finding=proposal.finding, action=proposal.action,
                           created=today, reference=proposal.reference, owner=owner)


def record_proposal(root: Path, proposal: Proposal, today: date, journal: Any = None,
                    owner: str | None = None) -> tuple[Improvement, bool]:
    """Add the proposal to the register once: (the action, whether it was created now).

    Idempotent on (source, reference), so a daily automation may call it every day. Holds the
    journal lock when a journal is given. Raises RegisterError when the register has errors.
    """
    with journal.locked() if journal is not None else nullcontext():
        doc = load(root)
        if not doc.ok:
            raise RegisterError(f"{FILENAME} contient des erreurs\u00a0: rien n'a été modifié", doc.report)
        existing = find(doc.register, proposal.source, proposal.reference)
        if existing is not None:
            return existing, False
        improvement = from_proposal(doc.register, proposal, today, owner)
        store.append(root, doc, improvement)
        if journal is not None:
            journal.append("improvement.recorded", {"id": improvement.id, "source": improvement.source.value})
        return improvement, True


def hint_command(proposal: Proposal, project_arg: str | None = None) -> str:
    """The command a trainer can type to record this action, with the action to rewrite."""
    parts = ["qualikit", "improvement", "add", "--source", proposal.source.value]
    if proposal.reference:
        parts += ["--ref", proposal.reference]
    parts += ["--constat", proposal.finding, "--action", proposal.action]
    if project_arg:
        parts += ["--projet", project_arg]
    return " ".join(_shell(p) for p in parts)


def _shell(word: str) -> str:
    """A shell word as a French user would type it: bare, "double-quoted", or shlex-quoted as a last resort."""
    if re.fullmatch(r"[\w@%+=:,./-]+", word):
        return word
    if not re.search(r'["$`\\!]', word):
        return f'"{word}"'
    return shlex.quote(word)
