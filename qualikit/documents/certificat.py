"""Certificat de réalisation, on the ministry's model (DGEFP, April 2020), one page.

The model's fields, in its order and its words: the signatory, representative of the
« dispensateur de l'action concourant au développement des compétences »; the learner and their
employer (left empty for a self-funded person or a job seeker); the action's title; its nature,
four boxes with « action de formation » ticked (drawn, so no font can lose them); its dates and
the hours ACTUALLY done, from the roll calls (a learner who dropped out gets the hours before the
drop-out); the retention commitment; « Fait à : … Le : … » and the stamp and signature box; the
two footnotes. qualikit adds the verification strip (QR code and code) under the footnotes.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from qualikit.base.typography import NBSP, agree, fr
from qualikit.documents.pdf_common import (
    GREY,
    INK,
    build_pdf,
    content_width,
    css,
    para,
    prose,
    styles,
)
from qualikit.documents.stamp import (
    DocStamp,
    civil_name,
    document_title,
    employer_of,
    number,
    plain_date,
    stamp_block,
)
from qualikit.journey.hours import Attended
from qualikit.project.model import Enrolment, Learner, Programme, Project, Session

NATURES = (
    ("action de formation", True),
    ("bilan de compétences", False),
    ("action de VAE", False),
    ("action de formation par apprentissage", False),
)
RETENTION = (
    "Sans préjudice des délais imposés par les règles fiscales, comptables ou commerciales, je m'engage à "
    "conserver l'ensemble des pièces justificatives qui ont permis d'établir le présent certificat pendant une "
    "durée de 3 ans à compter de la fin de l'année du dernier paiement. En cas de cofinancement des fonds "
    "européens la durée de conservation est étendue conformément aux obligations conventionnelles spécifiques."
)
FOOTNOTES = (
    "Lorsque l'action est mise en œuvre dans le cadre d'un projet de transition professionnelle, le certificat "
    "de réalisation doit être transmis mensuellement.",
    "Dans le cadre des formations à distance prendre en compte la réalisation des activités pédagogiques et le "
    "temps estimé pour les réaliser.",
)
SIGNATURE_LABEL = ("Cachet et signature du responsable du dispensateur de formation "
                   "(nom, prénom, qualité du signataire)")
BLANK = "…………………………………………………"  # a field left empty on the form


def render_certificat(project: Project, session: Session, learner: Learner, enrolment: Enrolment | None,
                      attended: Attended, root: Path, stamp: DocStamp) -> bytes:
    """The learner's certificat de réalisation, as PDF bytes (one page)."""
    from reportlab.platypus import Spacer, Table, TableStyle

    org = project.organisation
    programme = project.programme(session.programme_id) or Programme(id=session.programme_id,
                                                                       title=session.programme_id)
    sty = _styles()
    width = content_width()
    story: list = document_title("CERTIFICAT DE RÉALISATION")
    add = story.append

    rep = org.legal_rep.name if org.legal_rep else None
    add(para(fr("Je soussigné(e) ") + _value(rep) + prose(
        ", représentant légal du dispensateur de l'action concourant au développement des compétences ")
        + _value(org.name) + ",", sty["body"]))
    add(para(prose("atteste que :"), sty["body"]))
    add(para(_value(civil_name(learner, surname_first=True)), sty["indent"]))
    employee = agree("salarié(e) de l'entreprise ", learner.civility)
    add(para(prose(employee) + _value(employer_of(learner, enrolment, session)), sty["indent"]))
    add(para(prose("a suivi l'action ") + _value(programme.title), sty["indent"]))
    add(Spacer(1, 4))
    add(para(prose("Nature de l'action concourant au développement des compétences :"), sty["body"]))
    rows = [[_checkbox(ticked), para(prose(label), sty["box_label"])] for label, ticked in NATURES]
    boxes = Table(rows, colWidths=[18, width - 40 - 18])
    boxes.hAlign = "LEFT"
    boxes.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    add(_indented(boxes, width))
    add(Spacer(1, 6))
    add(para(prose("qui s'est déroulée du ") + _value(plain_date(session.start)) + " au "
             + _value(plain_date(session.end)) + _mark(1), sty["body"]))
    add(para(prose("pour une durée de ") + _value(number(attended.done)) + f"{NBSP}heures." + _mark(2),
             sty["body"]))
    add(Spacer(1, 8))
    add(para(prose(RETENTION), sty["retention"]))

    notes = [para(f"({n}) " + prose(text), sty["note"]) for n, text in enumerate(FOOTNOTES, 1)]
    notes.append(Spacer(1, 4))
    story.extend(stamp_block(org, stamp, root, width=width, box_label=SIGNATURE_LABEL, notes=notes))
    return build_pdf(
        story, organisation=org, root=root, doc_label="Certificat de réalisation",
        title=f"Certificat de réalisation – {programme.title}",
        subject=f"{learner.full_name}, du {plain_date(session.start)} au {plain_date(session.end)}",
    )


# --- pieces -------------------------------------------------------------------------------

def _value(text: str | None) -> str:
    """A filled-in field in bold, or a dotted blank."""
    if not text:
        return f'<font color="{css(GREY)}">{BLANK}</font>'
    return f"<b>{prose(text)}</b>"


def _mark(n: int) -> str:
    return f"<super>{NBSP}({n})</super>"


@cache
def _styles() -> dict:
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle

    st = styles()
    body = ParagraphStyle("qk-cert-body", parent=st.body, fontSize=10, leading=16, textColor=INK, spaceAfter=5)
    return {
        "body": body,
        "indent": ParagraphStyle("qk-cert-indent", parent=body, leftIndent=20),
        "box_label": ParagraphStyle("qk-cert-box", parent=body, spaceAfter=0, leading=13),
        "retention": ParagraphStyle("qk-cert-retention", parent=body, fontSize=8.5, leading=12.5,
                                    alignment=TA_JUSTIFY),
        "note": ParagraphStyle("qk-cert-note", parent=st.body_small, fontSize=7.5, leading=10, spaceAfter=1),
    }


def _indented(flowable, width: float, indent: float = 20):
    from reportlab.platypus import Table, TableStyle

    table = Table([["", flowable]], colWidths=[indent, width - indent])
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return table


@cache
def _checkbox_class():
    from reportlab.platypus import Flowable

    class Checkbox(Flowable):
        """A square drawn with lines, crossed when ticked."""

        size = 9.5

        def __init__(self, ticked: bool):
            super().__init__()
            self.ticked = ticked
            self.width = self.height = self.size

        def wrap(self, availWidth, availHeight):
            return self.size, self.size

        def draw(self):
            c, s = self.canv, self.size
            c.saveState()
            c.setStrokeColor(INK)
            c.setLineWidth(0.8)
            c.rect(0, 0, s, s, stroke=1, fill=0)
            if self.ticked:
                c.setLineWidth(1.1)
                inset = 2.0
                c.line(inset, inset, s - inset, s - inset)
                c.line(inset, s - inset, s - inset, inset)
            c.restoreState()

    return Checkbox


def _checkbox(ticked: bool):
    return _checkbox_class()(ticked)
