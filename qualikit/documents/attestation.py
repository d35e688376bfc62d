"""Attestation de fin de formation (article L6353-1 du Code du travail), one page.

« À l'issue de la formation, le prestataire délivre au stagiaire une attestation mentionnant les
objectifs, la nature et la durée de l'action et les résultats de l'évaluation des acquis de la
formation. » The page names the learner (and their company), the action's title, its nature, its
dates and planned duration (with the hours the learner attended), each objective with its result,
and closes with the signature block and the verification strip (stamp.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from qualikit.base.typography import NBSP, fr
from qualikit.documents.contract_parts import programme_of
from qualikit.documents.layout import Fitting, fitted
from qualikit.documents.pdf_common import (
    ACCENT,
    GREY,
    INK,
    RULE,
    TEAL,
    TEAL_LIGHT,
    PageSetup,
    content_width,
    css,
    esc,
    para,
    prose,
    styles,
)
from qualikit.documents.stamp import (
    DocStamp,
    civil_name,
    company_of,
    document_title,
    evaluation_methods,
    number,
    plain_date,
    result_label,
    stamp_block,
    validated,
)
from qualikit.journey.hours import Attended
from qualikit.project.model import Enrolment, Evaluation, Learner, Project, Result, Session, Status

NATURE = "Action de formation (article L6313-1 du Code du travail)"


def span(session: Session) -> str:
    if session.start == session.end:
        return f"le {plain_date(session.start)}"
    return f"du {plain_date(session.start)} au {plain_date(session.end)}"


def heures(value) -> str:
    """« 10,5 heures », « 1 heure »."""
    return f"{number(value)}{NBSP}heure" + ("s" if value > 1 else "")


def result_markup(evaluation: Evaluation | None) -> str:
    """The result in bold, coloured by how far it is acquired."""
    label = esc(result_label(evaluation))
    if evaluation is None or (evaluation.result is None and evaluation.score is None):
        return f'<font color="{css(GREY)}">{label}</font>'
    if evaluation.result is Result.EN_COURS:
        color = ACCENT
    elif validated(evaluation):
        color = TEAL
    else:
        color = INK
    return f'<font color="{css(color)}"><b>{label}</b></font>'


@cache
def _table_styles(compact: int) -> tuple:
    """(cell, centred cell, centred head) for a results table; smaller when compact (1, 2)."""
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    st = styles()
    size, leading = ((st.cell.fontSize, st.cell.leading), (8.2, 10.4), (7.6, 9.4))[min(compact, 2)]
    cell = ParagraphStyle(f"qk-result-cell-{compact}", parent=st.cell, fontSize=size, leading=leading)
    centre = ParagraphStyle(f"qk-result-centre-{compact}", parent=cell, alignment=TA_CENTER)
    head = ParagraphStyle(f"qk-result-head-{compact}", parent=st.cell_head, alignment=TA_CENTER)
    return cell, centre, head


def results_table(results: Sequence[tuple[str, Evaluation | None]], width: float, *,
                  head: tuple[str, str] = ("Objectif de la formation", "Résultat"), compact: int = 0):
    """Objective n°, text and result, one row each, in programme order."""
    from reportlab.platypus import Table, TableStyle

    st = styles()
    cell, centre, centre_head = _table_styles(compact)
    rows = [[para("N°", centre_head), para(prose(head[0]), st.cell_head), para(prose(head[1]), centre_head)]]
    for n, (objective, evaluation) in enumerate(results, 1):
        rows.append([para(str(n), centre), para(prose(objective), cell), para(result_markup(evaluation), centre)])
    table = Table(rows, colWidths=[0.07 * width, 0.68 * width, 0.25 * width], repeatRows=1)
    pad = (4, 2.5, 1.8)[min(compact, 2)]
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), TEAL),
        ("LINEBELOW", (0, 1), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), pad),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad + 0.5),
    ]))
    return table


def render_attestation(project: Project, session: Session, learner: Learner, enrolment: Enrolment | None,
                       attended: Attended, results: Sequence[tuple[str, Evaluation | None]], root: Path,
                       stamp: DocStamp) -> bytes:
    """The learner's attestation de fin de formation, as PDF bytes (one page: a long list of objectives
    is set tighter)."""
    return fitted(attestation_fitting(project, session, learner, enrolment, attended, results, root, stamp))


def attestation_fitting(project: Project, session: Session, learner: Learner, enrolment: Enrolment | None,
                        attended: Attended, results: Sequence[tuple[str, Evaluation | None]], root: Path,
                        stamp: DocStamp) -> Fitting:
    """The attestation's story at each layout level, on one page."""
    programme = programme_of(project, session)
    setup = PageSetup(project.organisation, root, "Attestation de fin de formation",
                      title=f"Attestation de fin de formation – {programme.title}",
                      subject=f"{learner.full_name}, {span(session)}")
    return Fitting(lambda level: _attestation(project, session, learner, enrolment, attended, results, root,
                                              stamp, level), setup, pages=1)


def _attestation(project: Project, session: Session, learner: Learner, enrolment: Enrolment | None,
                 attended: Attended, results: Sequence[tuple[str, Evaluation | None]], root: Path,
                 stamp: DocStamp, level: int) -> list:
    from reportlab.platypus import Spacer

    org = project.organisation
    programme = programme_of(project, session)
    st = styles()
    width = content_width()
    story: list = document_title("Attestation de fin de formation", "Article L6353-1 du Code du travail")
    add = story.append

    add(para(prose(org.name) + fr(", organisme de formation, atteste que :"), st.lead))
    who = [para(f"<b>{esc(civil_name(learner))}</b>", big_style())]
    company = company_of(learner, enrolment)
    if company:
        who.append(para(fr("Entreprise : ") + prose(company), st.cell))
    add(panel(who, width))
    add(Spacer(1, 8))
    add(para(prose("a suivi l'action de formation :"), st.lead))
    add(para(f"<b>{prose(programme.title)}</b>", big_style(TEAL)))
    add(Spacer(1, 6))

    days = len(session.days)
    facts = [
        ("Nature de l'action", prose(NATURE)),
        ("Dates", esc(span(session).capitalize())),
        ("Durée", esc(heures(attended.planned)) + esc(f" ({days} journée{'s' if days > 1 else ''})")),
        ("Présence", esc(f"{heures(attended.done)} suivies sur {heures(attended.planned)}")),
    ]
    if enrolment is not None and enrolment.status is Status.ABANDON and enrolment.dropout_date:
        stopped = f" – formation interrompue le {plain_date(enrolment.dropout_date)}"
        facts[-1] = ("Présence", facts[-1][1] + esc(stopped))
    add(_facts(facts, width))
    add(Spacer(1, 4))

    add(para(prose("Objectifs et résultats de l'évaluation des acquis"), st.h2))
    add(results_table(results, width, compact=level))
    methods = evaluation_methods(programme.evaluation) if level < 2 else []
    if methods:
        add(Spacer(1, 4))
        add(para(fr("Modalités d'évaluation : ") + prose(" ; ".join(m.rstrip(". ") for m in methods)) + ".",
                 st.body_small))

    story.extend(stamp_block(org, stamp, root, width=width, compact=level > 0))
    return story


# --- pieces -------------------------------------------------------------------------------

def big_style(color=None):
    from reportlab.lib.styles import ParagraphStyle

    st = styles()
    return ParagraphStyle(f"qk-big-{color}", parent=st.cell, fontSize=12, leading=15.5,
                          textColor=color or st.cell.textColor)


def panel(flowables: list, width: float):
    from reportlab.platypus import Table, TableStyle

    table = Table([[flowables]], colWidths=[width])
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), TEAL_LIGHT),
        ("LINEBEFORE", (0, 0), (0, -1), 3, TEAL),
        ("LEFTPADDING", (0, 0), (-1, -1), 10),
        ("TOPPADDING", (0, 0), (-1, -1), 7),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
    ]))
    return table


def _facts(facts: list[tuple[str, str]], width: float):
    from reportlab.platypus import Table, TableStyle

    st = styles()
    rows = [[para(prose(label), st.cell_bold), para(value, st.cell)] for label, value in facts]
    table = Table(rows, colWidths=[0.25 * width, 0.75 * width])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -2), 0.5, RULE),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 3.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
    ]))
    return table
