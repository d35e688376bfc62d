"""The survey report (indicator 30): who was asked and who answered, per stakeholder; satisfaction per
criterion, NPS, free comments; bar charts. One PDF in the house style, byte-stable.

Learning assessments are not appreciations (V9 reading guide): only the hot, cold, company, funder
surveys and the trainer's own review (survey « formateur ») count here. Comments are printed without
the respondent's name, and escaped like any user text.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from qualikit.audit.context import Context, kpis, survey_answers
from qualikit.quality.figures import CRITERIA, CRITERIA_LABELS, SMALL_N, Figure, _num, compute

PUBLIC_FUNDERS = {"OPCO", "CPF", "France Travail", "région", "État", "Agefiph", "Transitions Pro"}
COMMENT_FIELDS = (("chaud", "commentaire", "Apprenants, à chaud"),
                  ("froid", "resultats", "Apprenants, à froid : résultats obtenus"),
                  ("froid", "obstacles", "Apprenants, à froid : obstacles"),
                  ("froid", "besoins_suivants", "Apprenants, à froid : besoins suivants"),
                  ("entreprise", "commentaire", "Entreprises clientes"),
                  ("financeur", "commentaire", "Financeurs"),
                  ("formateur", "reussites", "Bilan du formateur : ce qui a bien fonctionné"),
                  ("formateur", "ameliorations", "Bilan du formateur : à améliorer"),
                  ("formateur", "difficultes", "Bilan du formateur : difficultés"))
MAX_COMMENTS = 40


@dataclass(frozen=True)
class SurveyStats:
    rates: list[tuple[str, Figure]]  # stakeholder, response rate
    criteria: list[Figure]  # the five CPF criteria, mean /5
    others: list[Figure]  # satisfaction, NPS, felt supported, cold satisfaction
    sessions: list[tuple[str, str, str, str]]  # session, hot answers, mean of criteria, NPS
    comments: list[tuple[str, str, str]]  # group, session, text


def survey_stats(ctx: Context) -> SurveyStats:
    k = kpis(ctx)
    answers = survey_answers(ctx)
    funded = [s for s in ctx.ended if s.funder is not None and s.funder.value in PUBLIC_FUNDERS]
    funder_answers = [1 for s in funded if any(sv == "financeur" and sid == s.id for (sv, sid, _) in answers)]
    rates = [
        ("Apprenants, à chaud", k.get("Taux de réponse à chaud")),
        ("Apprenants, à froid", k.get("Taux de réponse à froid")),
        ("Entreprises clientes", k.get("Taux de réponse des entreprises")),
        ("Financeurs", Figure("Financeurs", len(funder_answers), len(funded), "sessions terminées financées par "
                              "un financeur public ou mutualisé ayant une réponse du financeur ÷ ces sessions")),
        ("Équipe pédagogique (bilan du formateur)", k.get("Bilans du formateur")),
    ]
    criteria = [f for c in CRITERIA if (f := k.get(f"{CRITERIA_LABELS[c]} (moyenne)")) is not None]
    others = [f for label in ("Satisfaction", "NPS", "Se sont sentis accompagnés") if (f := k.get(label))]
    cold = [n for (sv, _, _), e in answers.items() if sv == "froid"
            and (n := _num((e.data.get("values") or {}).get("satisfaction"))) is not None]
    others.append(Figure("Satisfaction à froid (moyenne)", sum(cold, Decimal(0)) if cold else None, len(cold),
                         "moyenne des notes de satisfaction globale de 1 à 5, à froid", "/5"))
    per_session = []
    for s in sorted(ctx.ended, key=lambda s: (s.start, s.id)):
        ks = compute(ctx.project, ctx.entries, session_id=s.id, today=ctx.today)
        notes = [f for c in CRITERIA if (f := ks.get(f"{CRITERIA_LABELS[c]} (moyenne)")) and f.value is not None]
        mean = (sum((Decimal(f.numerator) for f in notes), Decimal(0)) / sum(f.denominator for f in notes)
                if notes else None)
        hot = ks.get("Taux de réponse à chaud")
        nps = ks.get("NPS")
        per_session.append((s.id, hot.text() if hot else "—",
                            f"{mean.quantize(Decimal('0.1'), ROUND_HALF_UP)}/5".replace(".", ",") if mean else "—",
                            nps.text() if nps else "—"))
    comments = []
    for survey, name, group in COMMENT_FIELDS:
        for (sv, sid, _), e in sorted(answers.items(), key=lambda item: (item[0][1], item[1].seq)):
            text = (e.data.get("values") or {}).get(name)
            if sv == survey and isinstance(text, str) and text.strip():
                comments.append((group, sid, text.strip()))
    return SurveyStats([(who, f) for who, f in rates if f is not None], criteria, others, per_session, comments)


def _bar_chart(labels: list[str], values: list[float], maximum: float, width: float, unit: str):
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, String

    from qualikit.documents.pdf_common import FONT, GREY, INK, TEAL

    height = 26 * len(labels) + 30
    drawing = Drawing(width, height, initialFontName=FONT, initialFontSize=7)  # no Helvetica left declared
    chart = HorizontalBarChart()
    chart.x, chart.y = 170, 20
    chart.width, chart.height = width - 220, height - 30
    chart.data = [values]
    chart.bars[0].fillColor = TEAL
    chart.bars[0].strokeColor = None
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = maximum
    chart.valueAxis.valueStep = maximum / 5
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labels.fillColor = GREY
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.fillColor = INK
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.reverseDirection = 1
    drawing.add(chart)
    step = chart.height / max(len(labels), 1)
    for i, value in enumerate(values):
        y = chart.y + chart.height - (i + 0.5) * step - 3
        x = chart.x + chart.width * (value / maximum if maximum else 0) + 4
        text = f"{value:.1f}".replace(".", ",") + unit if unit != "%" else f"{value:.0f}\u00a0%"
        drawing.add(String(x, y, text, fontName=FONT, fontSize=7, fillColor=INK))
    return drawing


def render_survey_report(ctx: Context) -> bytes:
    from reportlab.platypus import Table, TableStyle

    from qualikit.documents.pdf_common import RULE, TEAL, build_pdf, content_width, para, prose, styles

    stats = survey_stats(ctx)
    st = styles()
    width = content_width()
    story: list = [
        para(prose("Recueil et analyse des appréciations"), st.title),
        para(prose(f"Indicateur Qualiopi n° 30 — {ctx.grid.name} — période {ctx.period.text}"), st.lead),
        para(prose("Parties prenantes interrogées : apprenants (à chaud et à froid), entreprises clientes, "
                   "financeurs et équipe pédagogique (bilan du formateur). Les évaluations des acquis ne sont pas "
                   "des appréciations et ne sont pas comptées ici."), st.body),
    ]

    def table(header: tuple[str, ...], rows: list[list[str]], widths: tuple[float, ...], method: bool = True):
        data = [[para(prose(h), st.cell_head) for h in header]]
        data += [[para(prose(c), st.cell_small if method and i == len(row) - 1 else st.cell)
                  for i, c in enumerate(row)] for row in rows]
        t = Table(data, colWidths=[w * width for w in widths], repeatRows=1)
        t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), TEAL), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, 1), (-1, -1), 0.5, RULE)]))
        return t

    story.append(para(prose("Taux de réponse par partie prenante"), st.h2))
    story.append(table(("Partie prenante", "Réponses", "Mode de calcul"),
                       [[who, f.text(), f.method] for who, f in stats.rates], (0.3, 0.18, 0.52)))
    rated = [(who, f) for who, f in stats.rates if f.denominator]
    if rated:
        story.append(_bar_chart([who for who, _ in rated],
                                [float(Decimal(f.numerator or 0) * 100 / f.denominator) for _, f in rated],
                                100, width, "%"))

    story.append(para(prose("Satisfaction par critère (notes de 1 à 5)"), st.h2))
    story.append(table(("Critère", "Moyenne", "Mode de calcul"),
                       [[f.label.removesuffix(" (moyenne)"), f.text(), f.method] for f in stats.criteria],
                       (0.3, 0.18, 0.52)))
    scored = [f for f in stats.criteria if f.value is not None]
    if scored:
        story.append(_bar_chart([f.label.removesuffix(" (moyenne)") for f in scored],
                                [float(f.value) for f in scored], 5, width, "/5"))
    story.append(para(prose("Satisfaction globale et recommandation"), st.h2))
    story.append(table(("Indicateur", "Résultat", "Mode de calcul"),
                       [[f.label, f.text(), f.method] for f in stats.others], (0.3, 0.18, 0.52)))
    if stats.sessions:
        story.append(para(prose("Par session terminée"), st.h2))
        story.append(table(("Session", "Réponses à chaud", "Moyenne des 5 critères", "NPS"),
                           [list(row) for row in stats.sessions], (0.34, 0.22, 0.22, 0.22), method=False))
    story.append(para(prose("Commentaires libres"), st.h2))
    if stats.comments:
        shown = stats.comments[:MAX_COMMENTS]
        group = None
        for g, sid, text in shown:
            if g != group:
                story.append(para(prose(g), st.h3))
                group = g
            story.append(para(prose(f"« {text} » ({sid})"), st.bullet, bulletText="•"))
        if len(stats.comments) > MAX_COMMENTS:
            story.append(para(prose(f"{len(stats.comments) - MAX_COMMENTS} autre(s) commentaire(s) dans les "
                                    "réponses importées (journal)."), st.body_small))
    else:
        story.append(para(prose("Aucun commentaire libre sur la période."), st.body))
    story.append(para(prose(f"Lorsqu'un effectif compte moins de {SMALL_N} personnes, le résultat est donné en "
                            "nombres et non en pourcentage. Les suites données (actions d'amélioration) figurent au "
                            "registre des actions d'amélioration (indicateur 32)."), st.body_small))
    return build_pdf(story, organisation=ctx.project.organisation, root=ctx.root,
                     doc_label="Analyse des appréciations — indicateur 30",
                     title="Recueil et analyse des appréciations")
