"""Proofs of information and conception (indicators 1–8): programme sheets, results, needs, objectives, positioning."""

from __future__ import annotations

from qualikit.audit import coverage
from qualikit.audit.context import Context, kpis, sample_note
from qualikit.audit.results import PackFile, Proof
from qualikit.audit.shared import SURVEY_LABELS, answers_workbook, cmd, programmes_workbook


def programme_sheets(ctx: Context) -> tuple[list[PackFile], str | None]:
    """The programme sheets (PDF), or why they cannot be made."""
    if "sheets" in ctx.cache:
        return ctx.cache["sheets"]
    try:
        from qualikit.documents import programme_batch
        render = programme_batch.render_programme_sheets
    except (ImportError, AttributeError):
        result: tuple[list[PackFile], str | None] = ([], "manquant : cette version de qualikit ne produit pas "
                                                         "encore les fiches programme ; déposez vos fiches publiées "
                                                         "dans preuves/01/ de votre projet")
        ctx.cache["sheets"] = result
        return result
    from qualikit.audit.context import journey
    from qualikit.base.files import safe_name

    # its sheet of the day is gone when updated later: fiche_programme says so
    items = [(p, p.updated or ctx.stamp) for p in ctx.programmes if not (p.updated and p.updated > ctx.today)]
    # a certifying programme's rates as the sheet published on the audit day gave them
    rates = journey(ctx) if any(p.certification_code for p, _ in items) else None
    files = [PackFile(f"fiche-programme-{safe_name(p.id)}.pdf", f"Fiche programme « {p.title} »", data=pdf)
             for (p, _), (pdf, _) in zip(items, render(ctx.project, ctx.root, items, rates), strict=True)]
    ctx.cache["sheets"] = (files, None)
    return ctx.cache["sheets"]


def fiche_programme(ctx: Context) -> Proof:
    files, problem = programme_sheets(ctx)
    label = "Fiches programme datées"
    if problem:
        return Proof("fiche_programme", label, False, todo=[problem])
    later = [p.id for p in ctx.programmes if p.updated and p.updated > ctx.today]
    todo = [f"la fiche de {', '.join(later)} a été mise à jour après le {ctx.today:%d/%m/%Y} : celle en vigueur à "
            "cette date n'est plus dans programmes.yaml ; déposez-la dans preuves/01/ de votre projet"] if later else []
    if not files:
        return Proof("fiche_programme", label, False, todo=todo or ["ajoutez vos programmes dans programmes.yaml"])
    return Proof("fiche_programme", label, True, files, todo=todo)


def objectifs_programme(ctx: Context) -> Proof:
    label = "Objectifs opérationnels et évaluables des programmes"
    missing = [p.id for p in ctx.programmes if not p.objectives]
    files = [programmes_workbook(ctx), *programme_sheets(ctx)[0]]
    if not ctx.programmes or missing:
        return Proof("objectifs_programme", label, False, files, todo=[
            f"écrivez les objectifs (objectifs) de {', '.join(missing) or 'vos programmes'} dans programmes.yaml"])
    return Proof("objectifs_programme", label, True, files)


def deroule_programme(ctx: Context) -> Proof:
    label = "Déroulé des programmes et calendrier des sessions"
    missing = [p.id for p in ctx.programmes if not p.outline]
    files = [programmes_workbook(ctx)]
    if not ctx.programmes or missing:
        return Proof("deroule_programme", label, False, files, todo=[
            f"décrivez le déroulé (contenu) de {', '.join(missing) or 'vos programmes'} dans programmes.yaml"])
    return Proof("deroule_programme", label, True, files)


def indicateurs_resultats(ctx: Context) -> Proof:
    from qualikit.documents.indicators_page import render_html, render_pdf

    label = "Indicateurs de résultats publiés (avec leur mode de calcul)"
    k = kpis(ctx)
    if not any(s.enrolments for s in ctx.sessions):
        return Proof("indicateurs_resultats", label, False, todo=[
            "aucune session commencée dans la période : les indicateurs se calculent dès la première "
            f"({cmd(ctx, 'indicators')})"])
    org = ctx.project.organisation
    return Proof("indicateurs_resultats", label, True, [
        PackFile("indicateurs-resultats.html", "Page de résultats (HTML, à publier)",
                 data=render_html(org, k, ctx.stamp).encode("utf-8")),
        PackFile("indicateurs-resultats.pdf", "Page de résultats (PDF)",
                 data=render_pdf(org, k, ctx.stamp, ctx.root)),
    ], [f"Calculés sur la période {ctx.period.text}, mis à jour au {ctx.stamp:%d/%m/%Y}."])


def _survey_proof(ctx: Context, proof_id: str, survey: str, label: str, what: str) -> Proof:
    file, picked = answers_workbook(ctx, (survey,), f"reponses-{survey}.xlsx",
                                    f"Réponses au questionnaire {SURVEY_LABELS[survey]} (extrait)")
    if file is None:
        return Proof(proof_id, label, False, todo=[
            f"importez les réponses au questionnaire {SURVEY_LABELS[survey]} : "
            f"{cmd(ctx, f'survey import <export> --enquete {survey}')}"])
    missing = coverage.survey(ctx, survey, what)
    command = cmd(ctx, f"survey import <export> --enquete {survey}")
    return Proof(proof_id, label, True, [file], [sample_note(picked, ctx, "journal.jsonl, réponses importées")],
                 [f"relancez-les puis importez leurs réponses ({command})"] if missing else [], missing)


def analyse_besoins(ctx: Context) -> Proof:
    return _survey_proof(ctx, "analyse_besoins", "besoins", "Analyse des besoins (réponses par apprenant)",
                         "sans analyse des besoins")


def positionnement(ctx: Context) -> Proof:
    return _survey_proof(ctx, "positionnement", "positionnement", "Positionnement à l'entrée (réponses)",
                         "sans positionnement à l'entrée")
