"""The procedures (indicators 12, 26, 31, 32): editable templates filled with the project's data, as PDF."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from qualikit.audit.context import Context
from qualikit.audit.results import PackFile, Proof
from qualikit.audit.shared import cmd, grid_asks

PROCEDURES: dict[str, tuple[str, str]] = {
    # proof id: (template name in templates/procedures/, French label)
    "procedure_abandons": ("abandons-relances", "Procédure de gestion des abandons et des relances"),
    "procedure_violences": ("violences-harcelement-discriminations",
                            "Procédure de prévention et de traitement des violences, du harcèlement et des "
                            "discriminations"),
    "procedure_reclamations": ("reclamations-difficultes-aleas",
                               "Procédure de traitement des réclamations, difficultés et aléas"),
    "procedure_amelioration": ("amelioration-continue", "Procédure d'amélioration continue"),
    "procedure_handicap": ("accueil-handicap", "Procédure d'accueil des personnes en situation de handicap"),
}


REVIEW_EVERY = timedelta(days=366)  # a procedure read again at least once a year
PROCEDURE_INDICATORS = {"procedure_abandons": 12, "procedure_violences": 12, "procedure_reclamations": 31,
                        "procedure_amelioration": 32, "procedure_handicap": 26}


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('1'))}\u00a0%"


def _when(step) -> str:
    n = step.offset
    if step.anchor == "debut":
        if n < 0:
            return f"{-n} jour{'s' if n < -1 else ''} avant le premier jour"
        return "le premier jour" if n == 0 else f"{n} jour{'s' if n > 1 else ''} après le premier jour"
    if step.anchor == "absence":
        return f"{n} jour{'s' if n > 1 else ''} après une demi-journée d'absence" if n else "le jour de l'absence"
    return "le dernier jour" if n == 0 else f"{n} jour{'s' if n > 1 else ''} après le dernier jour"


def procedure_context(ctx: Context) -> dict[str, Any]:
    from qualikit.journey.plan import plan

    org, settings = ctx.project.organisation, ctx.project.settings
    rep = org.legal_rep
    referent = org.disability_referent
    steps = [{"libelle": s.label, "quand": _when(s)} for s in plan(ctx.project.journey) if s.enabled]
    return {
        "organisme": org.name,
        "responsable": rep.name if rep else org.name,
        "qualite_responsable": (rep.title or "") if rep else "",
        "email": org.email or "",
        "telephone": org.phone or "",
        "site_web": org.website or "",
        "referent_handicap": ({"nom": referent.name, "email": referent.email or "", "telephone": referent.phone or ""}
                              if referent else None),
        "reseau_handicap": list(org.disability_network),
        "seuil_abandon": _percent(settings.dropout_alert_rate),
        "taux_reponse_cible": _percent(settings.response_target_rate),
        "delai_reclamation_heures": settings.complaint_answer_hours,
        "delai_convocation_jours": settings.lead_time_days,
        "etapes_relance": steps,
        "grille": ctx.grid.name,
        "violences": grid_asks(ctx, 12, "procedure_violences"),
        "analyse_risques": grid_asks(ctx, 32, "registre_risques"),
    }


def procedure_template(root: Path, name: str) -> tuple[str, bool]:
    """The procedure's markdown text source name and whether the project overrides it."""
    return f"procedures/{name}.md.j2", (root / "templates" / "procedures" / f"{name}.md.j2").is_file()


def render_procedure_text(ctx: Context, name: str) -> str:
    """The procedure as markdown: the project's templates/procedures/ first, sandboxed."""
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from qualikit.base.resources import templates_dir

    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader([FileSystemLoader(ctx.root / "templates"), FileSystemLoader(templates_dir())]),
        autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)
    template, _ = procedure_template(ctx.root, name)
    return env.get_template(template).render(**procedure_context(ctx))


def versions(ctx: Context, name: str) -> list:
    """The procedure's versions known at the pack's day, oldest first (registre-procedures.yaml)."""
    from qualikit.quality.registers import procedures

    document = ctx.register(procedures)
    return procedures.history(document.register, name) if document.ok else []


def render_procedure_pdf(ctx: Context, proof_id: str) -> bytes:
    from qualikit.base.frdates import long_date
    from qualikit.documents.info_pack import markdown_flowables
    from qualikit.documents.pdf_common import build_pdf, para, prose, styles

    name, label = PROCEDURES[proof_id]
    text = render_procedure_text(ctx, name)
    number = PROCEDURE_INDICATORS[proof_id]
    story = markdown_flowables(text)
    known = versions(ctx, name)
    heading = f"Indicateur Qualiopi n° {number} — {ctx.grid.name}"
    if known:
        current = known[-1]
        heading += f" — version {current.version}, en vigueur depuis le {long_date(current.adopted)}"
        if current.reviewed:
            heading += f", relue le {long_date(current.reviewed)}"
    else:
        heading += " — version non enregistrée"
    story.insert(1 if story else 0, para(prose(heading), styles().body_small))
    if known:
        st = styles()
        story.append(para(prose("Historique des versions"), st.h2))
        story += [para(prose(f"Version {v.version} du {v.adopted:%d/%m/%Y}"
                             + (f" : {v.changes}" if v.changes else " : première version")), st.bullet,
                       bulletText="•") for v in known]
    title = next((line.lstrip("#").strip() for line in text.splitlines() if line.startswith("# ")), label)
    return build_pdf(story, organisation=ctx.project.organisation, root=ctx.root,
                     doc_label=f"Procédure — indicateur {number}", title=title)


def procedure_proof(ctx: Context, proof_id: str) -> Proof:
    from jinja2 import TemplateError

    name, label = PROCEDURES[proof_id]
    if proof_id == "procedure_amelioration" and grid_asks(ctx, 32, "registre_risques"):
        label = "Procédure d'amélioration continue et d'analyse des risques"
    template, own = procedure_template(ctx.root, name)
    try:
        data = render_procedure_pdf(ctx, proof_id)
    except (TemplateError, OSError, ValueError) as exc:
        return Proof(proof_id, label, False, todo=[
            f"rédigez la procédure « {label} » : le modèle {template} ne peut pas être utilisé ({exc}) ; "
            f"corrigez templates/{template} dans votre projet ou supprimez-le pour reprendre celui de qualikit"])
    notes = ([f"Votre version ({'templates/' + template})."] if own else
             [f"Modèle qualikit rempli avec vos données : relisez-le et adaptez-le à votre pratique (copiez le "
              f"modèle {template} livré avec qualikit dans le dossier templates/procedures/ de votre projet, "
              "puis modifiez-le)."])
    known = versions(ctx, name)
    missing, todo = [], []
    if not known:
        missing.append(f"procédure «\u00a0{name}\u00a0» ni datée ni versionnée")
        todo.append(f"adoptez-la, après relecture : {cmd(ctx, f'procedure adopt {name}')}")
    elif max(known[-1].adopted, known[-1].reviewed or known[-1].adopted) < ctx.today - REVIEW_EVERY:
        missing.append(f"procédure «\u00a0{name}\u00a0» non relue depuis plus d'un an")
        todo.append(f"relisez-la : {cmd(ctx, f'procedure review {name}')} (ou adoptez une nouvelle version)")
    return Proof(proof_id, label, True, [PackFile(f"procedure-{name}.pdf", label, data=data)], notes, todo, missing)
