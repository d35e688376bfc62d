"""The result indicators a provider publishes (indicator 2): HTML for the website, and a PDF.

Every figure comes with its period, its n, the update date and its method of calculation
(required since 1 November 2026); a small n is printed as counts.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from qualikit.base.frdates import long_date
from qualikit.base.typography import siret
from qualikit.project.model import Organisation
from qualikit.quality.figures import SMALL_N, Kpis

PUBLISHED = ("Apprenants", "Satisfaction", "Taux de réponse à chaud", "Taux d'achèvement", "Taux d'abandon",
             "NPS", "Taux de réponse à froid")
CERTIFICATION = ("Taux de présentation à la certification", "Taux d'obtention")  # indicator 3, per certification


def _context(org: Organisation, k: Kpis, updated: date) -> dict:
    from qualikit.documents.pdf_common import de

    figures = [f for label in PUBLISHED if (f := k.get(label)) is not None]
    figures += [f for f in k.figures if f.label.startswith(CERTIFICATION)]
    return {
        "organisation": org, "scope": "Toutes nos formations" if k.scope == "toutes les sessions" else k.scope,
        "period": k.period, "updated": long_date(updated), "small_n": SMALL_N,
        "figures": [{"label": f.label, "text": f.text(), "n": f.denominator if f.unit != "" else "—",
                     "method": f.method} for f in figures],
        "subcontracted": _subcontracted(k.subcontracted),
        "causes": sorted(k.dropout_categories.items(), key=lambda c: (-c[1], c[0])),
        "address": ", ".join(org.address.lines()),
        "region": de(org.nda_region) if org.nda_region else "", "siret": siret(org.siret) if org.siret else "",
    }


def _subcontracted(n: int) -> str:
    if not n:
        return ""
    what = "une session réalisée" if n == 1 else f"{n} sessions réalisées"
    return (f"Hors {what} en sous-traitance pour un autre organisme de formation : leurs résultats sont publiés "
            "par cet organisme, donneur d’ordre.")


def render_html(org: Organisation, k: Kpis, updated: date) -> str:
    from jinja2 import FileSystemLoader, select_autoescape
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from qualikit.base.resources import templates_dir

    env = ImmutableSandboxedEnvironment(loader=FileSystemLoader(templates_dir()),
                                        autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("documents/indicateurs.html.j2").render(**_context(org, k, updated))


def render_pdf(org: Organisation, k: Kpis, updated: date, root: Path) -> bytes:
    from reportlab.platypus import Table, TableStyle

    from qualikit.documents.pdf_common import RULE, TEAL, build_pdf, content_width, para, prose, styles

    ctx = _context(org, k, updated)
    st = styles()
    width = content_width()
    story = [para(prose("Nos résultats"), st.title),
             para(prose(f"{ctx['scope']} — période {ctx['period']} — mis à jour le {ctx['updated']}"), st.lead)]
    rows = [[para(prose(h), st.cell_head) for h in ("Indicateur", "Résultat", "n", "Mode de calcul")]]
    for f in ctx["figures"]:
        rows.append([para(prose(f["label"]), st.cell_bold), para(prose(f["text"]), st.cell),
                     para(prose(str(f["n"])), st.cell), para(prose(f["method"]), st.cell_small)])
    table = Table(rows, colWidths=[0.26 * width, 0.2 * width, 0.08 * width, 0.46 * width], repeatRows=1)
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), TEAL), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, 1), (-1, -1), 0.5, RULE)]))
    story.append(table)
    if ctx["subcontracted"]:
        story.append(para(prose(ctx["subcontracted"]), st.body_small))
    if ctx["causes"]:
        story.append(para(prose("Causes d’abandon"), st.h2))
        story += [para(prose(f"{cause} ({n})"), st.bullet, bulletText="•") for cause, n in ctx["causes"]]
    story.append(para(prose(f"Lorsqu’un effectif compte moins de {SMALL_N} personnes, le résultat est donné en "
                            "nombres et non en pourcentage."), st.body_small))
    if org.nda:
        story.append(para(prose("Cet enregistrement ne vaut pas agrément de l’État."), st.body_small))
    return build_pdf(story, organisation=org, root=root, doc_label="Indicateurs de résultats",
                     title="Nos résultats")
