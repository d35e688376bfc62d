"""Indicator 27: the external intervenants of the period's sessions (sous-traitants, salariés portés),
what was checked of each, the contract of each session and the evaluation after it.

« prouvé » only when every such intervenant has the selection checks on file, an URSSAF attestation
less than six months old at each session, a contract per session (issued by qualikit or a signed copy)
and, once a session is over, its evaluation; otherwise who lacks what, named.
"""

from __future__ import annotations

from qualikit.audit.context import Context
from qualikit.audit.results import PackFile, Proof
from qualikit.audit.sheets import Sheet, workbook


def sous_traitance(ctx: Context) -> Proof:
    from qualikit.audit.shared import cmd
    from qualikit.quality.registers import external
    from qualikit.quality.registers.model import CheckKind

    label = "Intervenants extérieurs : contrats, vérifications et évaluations"
    document = ctx.register(external)
    if not document.ok:
        return Proof("sous_traitance", label, False, todo=[f"corrigez {external.FILENAME} ({cmd(ctx, 'check')})"])
    by_trainer: dict[str, list] = {}
    for s in ctx.sessions:
        trainer = ctx.project.trainer(s.trainer_id) if s.trainer_id else None
        if trainer is not None and trainer.external:
            by_trainer.setdefault(trainer.id, []).append(s)
    if not by_trainer:
        return Proof("sous_traitance", label, False, notes=["Aucune session de la période animée par un intervenant "
                                                            "extérieur."])
    contracts = {k: v for k, v in external.contracted(ctx.entries).items() if v not in ctx.rewritten}
    files: list[PackFile] = []
    rows, missing = [], []
    for tid, sessions in sorted(by_trainer.items()):
        trainer = ctx.project.trainer(tid)
        mine = sorted((e for e in document.register.entries if e.trainer == tid), key=lambda e: (e.date, e.id))
        for e in mine:
            copy = ""
            if (path := ctx.project_file(e.file)) is not None:
                copy = f"{'contrats' if e.kind is CheckKind.CONTRAT else 'pieces'}/{e.id}{path.suffix.lower()}"
                files.append(PackFile(copy, f"{e.kind.value.capitalize()} — {trainer.name} ({e.id})", source=path))
            rows.append([trainer.name, trainer.status.value, e.id, e.date, e.kind.value, e.session or "",
                         e.note or "", e.amount, copy])
        for s in sessions:
            signed = any(e.kind is CheckKind.CONTRAT and e.session == s.id and e.file for e in mine)
            rel = contracts.get((s.id, tid))
            if not signed and rel and (path := ctx.project_file(rel)) is not None:
                name = f"contrats/{path.name}"
                files.append(PackFile(name, f"Contrat — {trainer.name}, {s.id} (établi par qualikit)", source=path))
                rows.append([trainer.name, trainer.status.value, "", None, "contrat établi", s.id,
                             "à faire signer par l'intervenant", None, name])
        gaps = external.gaps(tid, sessions, document.register.entries, contracts, ctx.today)
        if gaps:
            parts = [g.what + (f" ({g.session})" if g.session else "") for g in gaps]
            missing.append(f"{trainer.name} : {', '.join(parts)}")
    sheet = Sheet("Intervenants extérieurs", ("Intervenant", "Statut", "N°", "Date", "Pièce", "Session", "Constat",
                                              "Montant HT", "Copie"), rows, (22, 14, 13, 11, 24, 22, 50, 11, 26))
    people = ", ".join(ctx.project.trainer(t).name for t in sorted(by_trainer))
    todo = [f"complétez : {cmd(ctx, 'sous-traitant check --intervenant … --type … --fichier …')} ; contrats : "
            f"{cmd(ctx, 'sous-traitant contrat')}"] if missing else []
    return Proof("sous_traitance", label, True,
                 [PackFile("intervenants-exterieurs.xlsx", label, data=workbook(ctx.about, [sheet], ctx.stamp)),
                  *files],
                 [f"Intervenants extérieurs de la période : {people} ; pièces tirées de {external.FILENAME}."],
                 todo, missing)
