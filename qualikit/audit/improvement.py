"""Proofs of feedback and improvement (indicators 28–33): surveys, complaints, improvements, risks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qualikit.audit import coverage
from qualikit.audit.context import Context, sample_note, survey_answers
from qualikit.audit.results import PackFile, Proof
from qualikit.audit.shared import answers_workbook, cmd
from qualikit.audit.sheets import Sheet, workbook

APPRECIATIONS = ("chaud", "froid", "entreprise", "financeur", "formateur")


def _register(ctx: Context, proof_id: str, module: Any, label: str, to_rows: Callable[[Any], list[Sheet]],
              todo: str, gaps: Callable[[Any], list[str]] | None = None) -> Proof:
    path = ctx.root / module.FILENAME
    if not path.is_file():
        return Proof(proof_id, label, False, todo=[todo])
    document = ctx.register(module)
    if not document.ok:
        return Proof(proof_id, label, False, todo=[f"corrigez {module.FILENAME} ({cmd(ctx, 'check')})"])
    sheets = to_rows(document.register)
    name = module.FILENAME.rsplit("/", 1)[-1].removesuffix(".yaml") + ".xlsx"
    n = len(document.register)
    missing = gaps(document.register) if gaps else []
    return Proof(proof_id, label, True, [PackFile(name, label, data=workbook(ctx.about, sheets, ctx.stamp))],
                 [f"{n} entrée(s) au registre." if n else "Registre tenu, sans entrée pour l'instant."],
                 [f"complétez-les : {cmd(ctx, 'improvement update <N°> --responsable … --echeance … --effet …')}"]
                 if missing else [], missing)


def registre_reclamations(ctx: Context) -> Proof:
    from qualikit.quality.registers import incidents

    def rows(register) -> list[Sheet]:
        out = []
        for i in register.entries:
            who = ctx.learner_name(i.who) if ctx.project.learner(i.who) else i.who
            out.append([i.id, i.kind.value, i.received, who, i.subject, i.session, i.channel.value if i.channel else "",
                        i.acknowledged, i.analysis, i.answer, i.answered, i.corrective_action, i.status.value,
                        i.improvement])
        return [Sheet("Réclamations et aléas", ("N°", "Type", "Reçue le", "De", "Objet", "Session", "Canal",
                                                "Accusé de réception", "Analyse", "Réponse", "Répondu le",
                                                "Action corrective", "Statut", "Amélioration"), out)]

    return _register(ctx, "registre_reclamations", incidents, "Registre des réclamations, difficultés et aléas",
                     rows, "enregistrez les réclamations, difficultés et aléas : "
                           f"{cmd(ctx, 'incident add')} ; sans aucun, créez un registre-reclamations.yaml "
                           "contenant « [] » pour montrer que le registre est tenu")


def registre_ameliorations(ctx: Context) -> Proof:
    from qualikit.quality.registers import improvements

    def rows(register) -> list[Sheet]:
        out = [[a.id, a.created, a.source.value, a.reference, a.finding, a.action, a.owner, a.due, a.status.value,
                a.done, a.effect] for a in register.entries]
        return [Sheet("Actions d'amélioration", ("N°", "Date", "Source", "Référence", "Constat", "Action",
                                                 "Responsable", "Échéance", "Statut", "Réalisée le", "Effet observé"),
                      out)]

    return _register(ctx, "registre_ameliorations", improvements, "Registre des actions d'amélioration", rows,
                     f"notez vos actions d'amélioration : {cmd(ctx, 'improvement add')}", coverage.improvement_gaps)


def registre_risques(ctx: Context) -> Proof:
    from qualikit.quality.registers import risks

    def rows(register) -> list[Sheet]:
        out = [[r.id, r.risk, r.likelihood, r.impact, r.criticality, risks.level(r.criticality),
                " ; ".join(r.measures), r.owner, r.reviewed, r.next_review, r.status.value]
               for r in risks.by_criticality(register)]
        return [Sheet("Analyse des risques", ("N°", "Risque", "Probabilité", "Impact", "Criticité", "Niveau",
                                              "Mesures", "Responsable", "Dernière revue", "Prochaine revue",
                                              "Statut"), out)]

    return _register(ctx, "registre_risques", risks, "Analyse des risques sur la qualité des formations", rows,
                     f"faites l'analyse des risques : {cmd(ctx, 'risk init')} puis revoyez chaque risque")


def enquetes(ctx: Context) -> Proof:
    label = "Appréciations recueillies (apprenants, entreprises, financeurs, bilan du formateur)"
    answers = survey_answers(ctx)
    got = {sv for (sv, _, _) in answers}
    keys = {e.key for e in ctx.entries if e.key}
    todo = []
    if "chaud" not in got:
        todo.append(f"importez les réponses à chaud : {cmd(ctx, 'survey import <export> --enquete chaud')}")
    if "froid" not in got and any(k.startswith("remind:enquete-froid:") for k in keys):
        todo.append(f"importez les réponses à froid : {cmd(ctx, 'survey import <export> --enquete froid')}")
    reviewed = {sid for (sv, sid, _) in answers if sv == "formateur"}
    for s in ctx.ended:
        if s.id not in reviewed:
            todo.append(f"faites votre bilan de formateur : {cmd(ctx, f'survey review {s.id}')}")
    if any(s.funder for s in ctx.sessions) and "financeur" not in got:
        todo.append("recueillez l'appréciation des financeurs au moins une fois par an "
                    f"({cmd(ctx, 'survey import <export> --enquete financeur')})")
    file, picked = answers_workbook(ctx, APPRECIATIONS, "reponses-enquetes.xlsx",
                                    "Réponses aux enquêtes (extrait)")
    if not (got & set(APPRECIATIONS)):
        return Proof("enquetes", label, False, todo=todo)
    notes = [sample_note(picked, ctx, "journal.jsonl, réponses importées")] if picked else []
    return Proof("enquetes", label, True, [file] if file else [], notes, todo)


def rapport_enquetes(ctx: Context) -> Proof:
    from qualikit.audit.survey_report import render_survey_report

    label = "Rapport d'analyse des enquêtes"
    answers = survey_answers(ctx)
    if not any(sv in APPRECIATIONS for (sv, _, _) in answers):
        return Proof("rapport_enquetes", label, False, todo=[
            f"importez les réponses aux enquêtes : {cmd(ctx, 'survey import <export>')}"])
    return Proof("rapport_enquetes", label, True, [PackFile("rapport-enquetes.pdf", label,
                                                            data=render_survey_report(ctx))])
