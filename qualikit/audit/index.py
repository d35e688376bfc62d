"""index.html and index.xlsx of an audit pack: per indicator, its wording in the grid in force,
weighting, status, the files that prove it (relative links) and what to do about each gap.

The HTML is rendered from templates/audit/index.html.j2 (the project's templates/ first), in a
sandboxed, autoescaping Jinja2 environment. The generation date appears here and in the manifest
only; index.xlsx does not carry it, so that it stays byte-stable.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from qualikit.audit.context import LEARNERS, SESSIONS, Context
from qualikit.audit.evidence import REGISTER_COMMANDS
from qualikit.audit.results import A_FOURNIR, DROP_FOLDER, PROUVE, WEIGHTING_LABELS, IndicatorResult, PackResult
from qualikit.audit.sheets import Sheet, workbook

STATUS_CLASSES = {"prouvé": "ok", "partiel": "partial", "manquant": "missing", "à fournir par vous": "yours",
                  "non applicable": "na"}
NEW_ENTRANTS = {"formalisation": "formalisation suffisante à l'audit initial",
                "non_applicable_initial": "audité à la surveillance seulement",
                "application": "pas d'aménagement"}


def _href(folder: str, path: str) -> str:
    return quote(f"{folder}/{path}", safe="/-_.")


# Proofs about learners: their indicators point to the learners followed end to end.
LEARNER_PROOFS = frozenset({"analyse_besoins", "positionnement", "convocations", "livret_accueil", "emails_envoyes",
                            "suivi_apprenants", "adaptations", "evaluations_finales", "attestations",
                            "certificats_realisation", "emargements", "journal_relances", "enquetes"})


def summary(r: IndicatorResult) -> str:
    """The status's reason, in one sentence."""
    if not r.applies:
        return r.reason.removeprefix("non applicable : ").capitalize()
    if r.deferred:
        return "Nouvel entrant : audité à la surveillance, pas à l'audit initial."
    if r.status == A_FOURNIR:
        if r.number in REGISTER_COMMANDS:
            return f"Tenez le registre ({REGISTER_COMMANDS[r.number]}) ou déposez vos pièces dans " \
                   f"{DROP_FOLDER}/{r.number:02d}/."
        return "qualikit ne peut pas le prouver : déposez vos pièces dans " \
               f"{DROP_FOLDER}/{r.number:02d}/ de votre projet."
    if r.status == PROUVE:
        if not r.proofs:
            return "Prouvé par les pièces que vous avez déposées."
        return "Pour toute la période : " + " ; ".join(p.label[0].lower() + p.label[1:] for p in r.proofs) + "."
    missing = list(dict.fromkeys(m for p in r.proofs for m in p.missing))
    absent = [p.label for p in r.proofs if not p.present]
    parts = [*(f"manque : {a[0].lower() + a[1:]}" for a in absent), *missing]
    if not parts:
        return ""
    more = len(parts) - 1
    tail = f" (et {more} autre{'s' if more > 1 else ''} manque{'s' if more > 1 else ''})" if more else ""
    return parts[0][0].upper() + parts[0][1:].rstrip(".") + tail + "."


def _row(r: IndicatorResult, new_entrant: bool) -> dict[str, Any]:
    ind = r.indicator
    files = [{"href": _href(r.folder, f.path), "label": f.label, "path": f"{r.folder}/{f.path}"}
             for f in r.files()] if r.folder else []
    proofs = [{"label": p.label, "present": p.present, "complete": p.complete, "notes": p.notes,
               "missing": p.missing} for p in r.proofs]
    extras = [{"label": p.label, "notes": p.notes} for p in r.extras]
    return {
        "number": ind.number, "title": ind.title, "wording": ind.wording, "change": ind.change,
        "to_confirm": ind.wording_to_confirm,
        "weighting": WEIGHTING_LABELS.get(ind.weighting, ind.weighting), "major_only": ind.major_only,
        "status": r.status, "status_class": STATUS_CLASSES.get(r.status, ""), "reason": r.reason,
        "folder": r.folder, "files": files, "proofs": proofs, "extras": extras, "notes": r.notes, "todo": r.todo,
        "expected": list(ind.expected_proofs) if r.status == A_FOURNIR or (r.applies and not r.proofs) else [],
        "new_entrants": NEW_ENTRANTS.get(ind.new_entrants, "") if new_entrant else "",
        "gap": r.gap, "deferred": r.deferred, "summary": summary(r),
        "about_learners": any(p.id in LEARNER_PROOFS for p in r.proofs),
        "link": files[0]["href"] if len(files) == 1 else f"#indicateur-{ind.number}" if r.folder else "",
    }


def context(pack: PackResult) -> dict[str, Any]:
    from qualikit.base.frdates import long_date

    rows = [_row(r, pack.new_entrant) for r in pack.indicators]
    counts = pack.counts()
    return {
        "organisation": pack.organisation,
        "grid": {"name": pack.grid.name, "text": pack.grid.legal_text, "period": pack.grid.period,
                 "count": len(pack.grid.indicators), "note": pack.grid.note},
        "audit_date": long_date(pack.audit_date),
        "period": pack.period.text,
        "generated": long_date(pack.generated),
        "new_entrant": pack.new_entrant,
        "audit_kind": pack.audit_kind,
        "rows": rows,
        "followed": [{"href": quote(f.page, safe="/-_."), "name": f.learner.learner.full_name, "role": f.role,
                      "session": f.session.id} for f in pack.followed],
        "applicable": [row for row in rows if row["folder"]],
        "not_applicable": [row for row in rows if not row["folder"]],
        "readiness": [_row(r, pack.new_entrant) for r in pack.readiness() if r.gap],
        "counts": counts,
        "sessions": SESSIONS,
        "learners": LEARNERS,
        "zip": pack.zip_path.name if pack.zip_path else None,
        "journal_head": pack.journal_head,
    }


def render_index_html(pack: PackResult) -> str:
    from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from qualikit.base.resources import templates_dir

    env = ImmutableSandboxedEnvironment(loader=FileSystemLoader(templates_dir()),
                                        autoescape=select_autoescape(["html", "j2"]), undefined=StrictUndefined)
    return env.get_template("audit/index.html.j2").render(**context(pack))


def render_index_xlsx(pack: PackResult, ctx: Context) -> bytes:
    rows = []
    for r in pack.indicators:
        row = _row(r, pack.new_entrant)
        remarks = [r.reason] if r.reason else []
        remarks += r.notes
        if row["expected"]:
            remarks.append("Preuves attendues par l'auditeur : " + " ; ".join(row["expected"]))
        rows.append([row["number"], row["title"], row["wording"], row["weighting"], row["status"],
                     "\n".join(f["path"] for f in row["files"]), "\n".join(r.todo), "\n".join(remarks)])
    about = [*ctx.about, ("Échantillon", f"par indicateur, jusqu'à {SESSIONS} sessions de la période (les plus "
                                         f"récentes) et {LEARNERS} apprenants par session ; les autres pièces sont "
                                         "dans le dossier du projet (sortie/, outbox/, journal.jsonl).")]
    return workbook(about, [Sheet("Indicateurs", ("N°", "Indicateur", "Libellé (grille en vigueur)", "Pondération",
                                                  "Statut", "Pièces (dans ce dossier)", "À faire", "Remarques"),
                                  rows, (5, 34, 70, 12, 16, 60, 60, 60))], ctx.stamp)
