"""Certificat de compétences (optional: programme.competence_certificate), one page.

Distinct from the attestation de fin de formation, which reports every objective with its result:
this certificate names only the skills the final evaluation validated (an objective « acquis », or
scored at least half the scale) and how they were assessed. It says plainly that it is not a
professional certification registered with France compétences, so nobody mistakes it for one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qualikit.base.typography import fr
from qualikit.documents.attestation import big_style, panel, results_table, span
from qualikit.documents.contract_parts import programme_of
from qualikit.documents.layout import Fitting, fitted
from qualikit.documents.pdf_common import TEAL, PageSetup, bullet_list, content_width, esc, para, prose, styles
from qualikit.documents.stamp import (
    DocStamp,
    civil_name,
    document_title,
    evaluation_methods,
    stamp_block,
    validated,
)
from qualikit.project.model import Evaluation, Learner, Project, Session


def render_competence(project: Project, session: Session, learner: Learner,
                      results: Sequence[tuple[str, Evaluation | None]], root: Path, stamp: DocStamp) -> bytes:
    """The learner's certificat de compétences, as PDF bytes (one page: many skills are set tighter)."""
    return fitted(competence_fitting(project, session, learner, results, root, stamp))


def competence_fitting(project: Project, session: Session, learner: Learner,
                       results: Sequence[tuple[str, Evaluation | None]], root: Path, stamp: DocStamp) -> Fitting:
    """The certificate's story at each layout level, on one page."""
    programme = programme_of(project, session)
    setup = PageSetup(project.organisation, root, "Certificat de compétences",
                      title=f"Certificat de compétences – {programme.title}",
                      subject=f"{learner.full_name}, {span(session)}")
    return Fitting(lambda level: _competence(project, session, learner, results, root, stamp, level), setup,
                   pages=1)


def _competence(project: Project, session: Session, learner: Learner,
                results: Sequence[tuple[str, Evaluation | None]], root: Path, stamp: DocStamp, level: int) -> list:
    from reportlab.platypus import Spacer

    org = project.organisation
    programme = programme_of(project, session)
    st = styles()
    width = content_width()
    story: list = document_title("Certificat de compétences", "Délivré à l'issue de l'évaluation finale")
    add = story.append

    skills = [(objective, ev) for objective, ev in results if validated(ev)]
    add(para(prose(org.name) + fr(" certifie que :"), st.lead))
    add(panel([para(f"<b>{esc(civil_name(learner))}</b>", big_style())], width))
    add(Spacer(1, 8))
    if skills:
        add(para(fr("a démontré, lors de l'évaluation finale de la formation ") + f"<b>{prose(programme.title)}</b>"
                 + esc(f" ({span(session)}), ") + prose(
                     "la maîtrise de la compétence suivante :" if len(skills) == 1
                     else f"la maîtrise des {len(skills)} compétences suivantes :"), st.lead))
        add(Spacer(1, 2))
        add(results_table(skills, width, head=("Compétence validée", "Résultat"), compact=level))
    else:
        add(para(fr("a suivi l'évaluation finale de la formation ") + f"<b>{prose(programme.title)}</b>"
                 + esc(f" ({span(session)})") + prose(" ; aucune compétence n'y a encore été validée."), st.lead))
    if len(skills) < len(results):
        add(Spacer(1, 4))
        add(para(prose("Les résultats de chacun des objectifs de la formation figurent sur l'attestation "
                       "de fin de formation."), st.body_small))

    add(para(prose("Comment ces compétences ont été évaluées"), st.h2))
    methods = evaluation_methods(programme.evaluation)
    if methods:
        story.extend(bullet_list(methods))
        add(Spacer(1, 3))
    add(para(prose("Une compétence est validée lorsque l'objectif correspondant est jugé « acquis », ou lorsque "
                   "la note obtenue atteint au moins la moitié du barème."), st.body))
    add(Spacer(1, 4))
    add(para(prose("Ce certificat est délivré par l'organisme de formation. Il ne constitue pas une certification "
                   "professionnelle enregistrée au répertoire national des certifications professionnelles (RNCP) "
                   "ou au répertoire spécifique."), _note()))

    story.extend(stamp_block(org, stamp, root, width=width, compact=level > 0))
    return story


def _note():
    from reportlab.lib.styles import ParagraphStyle

    st = styles()
    return ParagraphStyle("qk-competence-note", parent=st.body_small, textColor=TEAL)
