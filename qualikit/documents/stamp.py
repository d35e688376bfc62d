"""The signature block of the end-of-training documents, and what those documents share.

Every document qualikit issues at the end of a training (attestation, certificat de réalisation,
certificat de compétences) closes with the same block:

- on the left, the signatory (the legal representative's name and qualité, the provider), then
  « Fait à : … » and « Le : … »;
- on the right, a box « Cachet et signature » holding the organisation's signature image (when the
  project has one) and, when the PDF is to be PAdES-signed afterwards, « Signé électroniquement
  par … » (the signature itself is invisible: see qualikit.documents.signing);
- at the foot of the page, a small verification strip: a QR code leading to the code's page on the
  provider's site (`qualikit verify --publish` writes those pages), and the code itself.

The helpers below (result labels, plain dates, the learner's company and funder) are shared by
attestation.py, certificat.py, competence.py and departure.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from qualikit.base.frdates import plain_date
from qualikit.base.typography import NBSP, fr
from qualikit.documents.pdf_common import (
    FONT,
    GREY,
    INK,
    RULE,
    TEAL,
    PdfImage,
    draw_image,
    esc,
    para,
    project_image,
    prose,
    styles,
)
from qualikit.project.model import Enrolment, Evaluation, Funder, Learner, Organisation, Project, Result, Session

QR_MM = 18.0
SIGNATURE_BOX_H = 62.0  # points kept for the signature image inside the box


@dataclass(frozen=True)
class DocStamp:
    code: str  # verification code, e.g. "QK-7F3K-9XQ2-M4TD"
    issued_on: date  # « Le : … »
    place: str  # « Fait à : Lyon »
    signer_name: str | None  # set when the PDF will be PAdES-signed afterwards
    qr_text: str  # what the QR encodes: https://…/verification/QK-7F3K-9XQ2-M4TD, or "" (no QR)


def doc_stamp(project: Project, secret: bytes, key: str, issued_on: date, signer_name: str | None) -> DocStamp:
    """The stamp of the document journaled under `key`: its code, derived from the project's secret."""
    from qualikit.documents.signing import verification_code, verification_link, verification_page

    code = verification_code(secret, key)
    org = project.organisation
    base, _ = verification_page(project.settings.verification_url, org.website, org.sender_email)
    return DocStamp(code=code, issued_on=issued_on, place=org.address.city or "", signer_name=signer_name,
                    qr_text=verification_link(base, code))


# --- shared helpers -------------------------------------------------------------------------

def number(value: Decimal | int | float) -> str:
    """10.5 → « 10,5 », 7.0 → « 7 »: a French decimal without useless zeros."""
    text = f"{Decimal(str(value)):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def result_label(evaluation: Evaluation | None) -> str:
    """« acquis », « en cours d'acquisition », « non acquis », « 16/20 », or « non évalué »."""
    if evaluation is None:
        return "non évalué"
    if evaluation.result is not None:
        return str(evaluation.result.value)
    if evaluation.score is not None:
        return number(evaluation.score) + (f"/{number(evaluation.scale)}" if evaluation.scale else "")
    return "non évalué"


def mastery(evaluation: Evaluation | None) -> float | None:
    """Where a result stands between 0 (non acquis) and 1 (fully acquired); None when not evaluated."""
    if evaluation is None:
        return None
    if evaluation.result is not None:
        return {Result.ACQUIS: 1.0, Result.EN_COURS: 0.5, Result.NON_ACQUIS: 0.0}[evaluation.result]
    if evaluation.score is not None and evaluation.scale:
        return max(0.0, min(1.0, float(evaluation.score / evaluation.scale)))
    return None


def validated(evaluation: Evaluation | None) -> bool:
    """An objective counts as a validated skill when « acquis », or scored at least half the scale."""
    if evaluation is None:
        return False
    if evaluation.result is not None:
        return evaluation.result is Result.ACQUIS
    if evaluation.score is not None and evaluation.scale:
        return evaluation.score * 2 >= evaluation.scale
    return False


def company_of(learner: Learner, enrolment: Enrolment | None) -> str | None:
    return (enrolment.company if enrolment else None) or learner.company


def funder_of(learner: Learner, enrolment: Enrolment | None, session: Session) -> Funder | None:
    return (enrolment.funder if enrolment else None) or session.funder or learner.funder


def employer_of(learner: Learner, enrolment: Enrolment | None, session: Session) -> str | None:
    """The employer named on a certificat: none for a self-funded person or a job seeker."""
    if funder_of(learner, enrolment, session) in (Funder.PARTICULIER, Funder.FRANCE_TRAVAIL):
        return None
    return company_of(learner, enrolment)


def civil_name(learner: Learner, *, surname_first: bool = False) -> str:
    """« M. Thomas Girard », or « M. GIRARD Thomas » as forms write it."""
    if surname_first:
        name = f"{learner.last_name.upper()} {learner.first_name}".strip()
    else:
        name = learner.full_name.strip()
    return f"{learner.civility}{NBSP}{name}" if learner.civility else name


def evaluation_methods(items: Sequence[str]) -> list[str]:
    """The programme's items that assess what was learnt: without the satisfaction surveys (not
    evidence of learning, indicator 30) nor the positioning before the start."""
    return [item for item in items if not any(word in item.lower() for word in ("satisfaction", "positionnement"))]


# --- flowables ------------------------------------------------------------------------------

@cache
def _flowable_classes():
    from reportlab.platypus import Flowable

    class Picture(Flowable):
        """A cached project image (see pdf_common.project_image), fitted in width × height."""

        def __init__(self, image: PdfImage, width: float, height: float):
            super().__init__()
            scale = min(width / image.width, height / image.height)
            self.image = image
            self.width = image.width * scale
            self.height = image.height * scale

        def wrap(self, availWidth, availHeight):
            return self.width, self.height

        def draw(self):
            draw_image(self.canv, self.image, 0, 0, self.width, self.height)

    class AtBottom(Flowable):
        """Takes the rest of the frame and draws its content at the frame's foot: the footnotes and
        the verification strip sit at the bottom of the page whatever the length of the text above."""

        def __init__(self, content):
            super().__init__()
            self.content = content

        def wrap(self, availWidth, availHeight):
            _, h = self.content.wrap(availWidth, availHeight)
            self.width = availWidth
            self.height = max(h, availHeight)
            return self.width, self.height

        def split(self, availWidth, availHeight):
            return []  # all or nothing: the strip is small

        def draw(self):
            self.content.drawOn(self.canv, 0, 0)

    return Picture, AtBottom


def picture(image: PdfImage, width: float, height: float):
    return _flowable_classes()[0](image, width, height)


def at_bottom(flowables: list, width: float):
    """The flowables stacked in one column, drawn at the bottom of the frame."""
    from reportlab.platypus import Table, TableStyle

    table = Table([[f] for f in flowables], colWidths=[width])
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    return _flowable_classes()[1](table)


@cache
def _styles():
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    st = styles()
    return {
        "label": ParagraphStyle("qk-stamp-label", parent=st.cell_small, fontSize=8, leading=10.5, textColor=INK,
                                alignment=TA_CENTER),
        "who": ParagraphStyle("qk-stamp-who", parent=st.cell_small, textColor=GREY, alignment=TA_CENTER),
        "name": ParagraphStyle("qk-stamp-name", parent=st.cell, fontSize=9.5, leading=13),
        "line": ParagraphStyle("qk-stamp-line", parent=st.cell, leading=13),
        "signed": ParagraphStyle("qk-stamp-signed", parent=st.cell_small, fontSize=7.5, leading=9.5,
                                 textColor=TEAL, alignment=TA_CENTER),
        "verify": ParagraphStyle("qk-stamp-verify", parent=st.cell_small, fontSize=7.5, leading=10),
    }


def signatory(org: Organisation) -> tuple[str | None, str | None]:
    """(name, qualité) of the person who signs for the provider."""
    rep = org.legal_rep
    return (rep.name, rep.title) if rep else (None, None)


def signature_block(org: Organisation, stamp: DocStamp, root: Path, *, width: float,
                    box_label: str = "Cachet et signature", image_height: float = SIGNATURE_BOX_H):
    """Signatory, place and date on the left; the « Cachet et signature » box on the right."""
    from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

    sty = _styles()
    name, title = signatory(org)
    left = []
    if name:
        left.append(para(f"<b>{esc(name)}</b>", sty["name"]))
        if title:
            left.append(para(prose(title), sty["line"]))
        left.append(para(prose(org.name), sty["line"]))
    else:
        left.append(para(f"<b>{prose(org.name)}</b>", sty["name"]))
    left.append(Spacer(1, 10))
    left.append(para(fr("Fait à : ") + f"<b>{prose(stamp.place)}</b>", sty["line"]))
    left.append(para(fr("Le : ") + f"<b>{esc(plain_date(stamp.issued_on))}</b>", sty["line"]))

    box_w = 0.52 * width
    inner = [para(prose(box_label), sty["label"])]
    image = project_image(root, org.signature)
    if image is not None:
        inner.append(Spacer(1, 4))
        pic = picture(image, box_w - 40, image_height)
        pic.hAlign = "CENTER"
        inner.append(pic)
    else:
        inner.append(Spacer(1, image_height + 4))
    if name:
        inner.append(para(esc(name) + (f", {prose(title)}" if title else ""), sty["who"]))
    if stamp.signer_name:
        inner.append(Spacer(1, 2))
        inner.append(para(fr("Signé électroniquement par ") + esc(stamp.signer_name), sty["signed"]))
    box = Table([[inner]], colWidths=[box_w])
    box.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.8, TEAL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
    ]))
    table = Table([[left, box]], colWidths=[width - box_w, box_w])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return KeepTogether([table])


def verification_block(stamp: DocStamp, *, width: float):
    """The QR code and the verification code, on a thin rule."""
    from reportlab.platypus import Table, TableStyle

    from qualikit.documents.signing import qr_drawing

    sty = _styles()
    page = stamp.qr_text.removesuffix("/" + stamp.code)
    where = (f"vérifiable en ligne sur {re.sub(r'^https?://', '', page)}" if page and page != stamp.qr_text
             else "vérifiable auprès de l'organisme")
    text = [para(fr("Code de vérification : ") + f'<font name="{FONT}"><b>{esc(stamp.code)}</b></font>'
                 + " — " + prose(where), sty["verify"])]
    if stamp.signer_name:
        text.append(para(prose("Ce document est signé électroniquement : toute modification du fichier "
                               "invalide sa signature."), sty["verify"]))
    if not stamp.qr_text:
        table = Table([[text]], colWidths=[width])
    else:
        qr = qr_drawing(stamp.qr_text, QR_MM, border=2)  # the page around it adds to the quiet zone
        qr_w = qr.width + 8
        table = Table([[qr, text]], colWidths=[qr_w, width - qr_w])
    table.setStyle(TableStyle([
        ("LINEABOVE", (0, 0), (-1, 0), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (0, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 7),  # with the drawing's 2 modules: a quiet zone of about 6
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def stamp_block(org: Organisation, stamp: DocStamp, root: Path, *, width: float,
                box_label: str = "Cachet et signature", notes: Sequence = (), compact: bool = False) -> list:
    """The whole closing of a document: the signature block, then, at the foot of the page, any
    notes (the certificat's footnotes) above the verification strip. `compact` keeps less room
    for the signature, for a document that would not hold on one page otherwise."""
    from reportlab.platypus import Spacer

    block = signature_block(org, stamp, root, width=width, box_label=box_label,
                            image_height=SIGNATURE_BOX_H * (0.65 if compact else 1))
    return [Spacer(1, 6 if compact else 12), block, at_bottom([*notes, verification_block(stamp, width=width)], width)]


@cache
def _title_styles():
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    st = styles()
    return (ParagraphStyle("qk-doc-title", parent=st.title, alignment=TA_CENTER, fontSize=19, leading=24,
                           spaceAfter=2),
            ParagraphStyle("qk-doc-subtitle", parent=st.body_small, alignment=TA_CENTER, spaceAfter=0))


def document_title(title: str, subtitle: str | None = None) -> list:
    """A centred title, as on an official form, with an optional grey line under it."""
    from reportlab.platypus import Spacer

    title_st, sub_st = _title_styles()
    out = [Spacer(1, 4), para(prose(title), title_st)]
    if subtitle:
        out.append(para(prose(subtitle), sub_st))
    out.append(Spacer(1, 14))
    return out
