"""The blocks shared by the contrat and the convention de formation (and the information pack).

Parties, articles and clauses, trainers, payment schedule, the session's facts, the signatures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from functools import cache

from qualikit.base.frdates import hours, long_date, short_date
from qualikit.base.typography import NBSP, fr, siret
from qualikit.documents.pdf_common import (
    GREY,
    RULE,
    TEAL,
    TEAL_LIGHT,
    bullet_list,
    de,
    esc,
    link,
    para,
    prose,
    styles,
    total_row_style,
)
from qualikit.documents.welcome_kit import date_span, fmt, modality
from qualikit.project.model import Programme, Project, Session, Trainer
from qualikit.project.schedule import Instalment, euros, percent

BLANK = "……………………………………"  # a field the other party fills in by hand
_UNIT_SPACE = re.compile(r" ([%€])")


# --- shared pieces (used by info_pack too) --------------------------------------------------

def programme_of(project: Project, session: Session) -> Programme:
    return project.programme(session.programme_id) or Programme(id=session.programme_id, title=session.programme_id)


def trainers_of(project: Project, session: Session | None) -> list[Trainer]:
    """The session's trainer, or every trainer of the project when none is named yet."""
    trainer = project.trainer(session.trainer_id) if session and session.trainer_id else None
    return [trainer] if trainer else list(project.trainers)


def trained_by(project: Project, session: Session) -> list[tuple[str, str]]:
    """The « Formation animée par » line of a contract's facts table (none without a trainer)."""
    trainers = trainers_of(project, session)
    return [("Formation animée par", ", ".join(esc(t.name) for t in trainers))] if trainers else []




@cache
def _styles() -> dict:
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    st = styles()
    return {
        "article": ParagraphStyle("qk-ct-article", parent=st.h2, fontSize=10.5, leading=13.5, spaceBefore=10,
                                  spaceAfter=3),
        "body": st.body,
        "party": ParagraphStyle("qk-ct-party", parent=st.body, spaceAfter=0, leading=13),
        "label": ParagraphStyle("qk-ct-label", parent=st.cell_small, fontSize=8, leading=10.5, alignment=TA_CENTER,
                                textColor=st.body.textColor),
        "right": ParagraphStyle("qk-ct-right", parent=st.cell, alignment=2),
        "right_bold": ParagraphStyle("qk-ct-right-bold", parent=st.cell_bold, alignment=2),
    }


def trainers_table(trainers: Sequence[Trainer], width: float):
    """Each trainer with their diplomas, titles and references (L6353-4 4°, L6353-8)."""
    from reportlab.platypus import Table, TableStyle

    st = styles()
    rows = []
    for trainer in trainers:
        quals = [para(prose(q), st.bullet, bulletText="•") for q in trainer.qualifications] or [
            para(prose("Titres et références communiqués sur demande"), st.cell_small)]
        rows.append([para(f"<b>{esc(trainer.name)}</b>", st.cell), quals])
    if not rows:
        rows.append([para(prose("Formateur"), st.cell_bold),
                     para(prose("communiqué au stagiaire avant le début de la formation"), st.cell)])
    table = Table(rows, colWidths=[0.30 * width, 0.70 * width])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -2), 0.5, RULE),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
        ("LEFTPADDING", (1, 0), (1, -1), 14),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def schedule_table(instalments: Sequence[Instalment], price: Decimal, width: float):
    """Échéance | Objet | Montant | Part du prix, with the total."""
    from reportlab.platypus import Table

    st = styles()
    sty = _styles()
    rows = [[para(prose(t), st.cell_head) for t in ("Échéance", "Objet", "Montant", "Part du prix")]]
    for item in sorted(instalments, key=lambda i: i.due):
        rows.append([para(esc(short_date(item.due)), st.cell), para(prose(item.label), st.cell),
                     para(esc(euros(item.amount, cents=True)), sty["right"]),
                     para(esc(percent(item.amount, price)), sty["right"])])
    total = sum((i.amount for i in instalments), Decimal(0))
    rows.append([para(prose("Total"), st.cell_bold), "", para(esc(euros(total, cents=True)), sty["right_bold"]),
                 para(esc(percent(total, price)), sty["right_bold"])])
    table = Table(rows, colWidths=[0.17 * width, 0.47 * width, 0.19 * width, 0.17 * width], repeatRows=1)
    table.setStyle(total_row_style(1))
    return table


def organisation_party(project: Project) -> str:
    """The provider as a contracting party: identity, declaration, representative."""
    org = project.organisation
    parts = [f"<b>{prose(org.name)}</b>" + (f", {prose(org.legal_form)}" if org.legal_form else "")]
    address = ", ".join(org.address.lines())
    if address:
        parts.append(prose(address))
    if org.siret:
        parts.append(f"SIRET{NBSP}{esc(siret(org.siret))}")
    if org.nda:
        region = f" auprès du préfet de région {prose(de(org.nda_region))}" if org.nda_region else ""
        parts.append(prose("déclaration d'activité enregistrée sous le numéro ") + esc(org.nda) + region)
    text = ", ".join(parts)
    if org.legal_rep:
        text += fr(", représenté par ") + f"<b>{esc(org.legal_rep.name)}</b>" + (
            f", {prose(org.legal_rep.title)}" if org.legal_rep.title else "")
    return text


def _article(n: int, title: str):
    return para(prose(f"Article {n} – {title}"), _styles()["article"])


def nb(text: str) -> str:
    """No-break space before « % » and « € » (fr() leaves them to the text)."""
    return _UNIT_SPACE.sub(NBSP + r"\1", text)


def _p(text: str, **values: str):
    """A justified paragraph: French text with {placeholders} filled with markup."""
    return para(fmt(nb(text), **values) if values else prose(nb(text)), _styles()["body"])


_HEAD = re.compile(r"^([^:<]{1,90}?)\u00a0:")


def clause(text: str, *, bullet: bool = False):
    """A clause « Head : text », its head in bold; as a bullet point when asked."""
    markup = _HEAD.sub(lambda m: f"<b>{m[1]}</b>{NBSP}:", prose(nb(text)), count=1)
    if bullet:
        return para(markup, styles().bullet, bulletText="•")
    return para(markup, _styles()["body"])


def _spacer(height: float):
    from reportlab.platypus import Spacer

    return Spacer(1, height)


def _box_party(intro: str, name_markup: str, detail: str, width: float):
    """A tinted panel naming one party."""
    from qualikit.documents.pdf_common import box

    sty = _styles()
    return box([para(f"{prose(intro)}<br/>{name_markup}", sty["party"]),
                para(detail, sty["party"])], width=width, background=TEAL_LIGHT, border=TEAL, padding=8)


OTHER_BOX_SHARE = 0.52  # the other party's signing box, as a share of the text width (documents/countersign.py)


def other_party_signature(heading: str, lines: Sequence[str], box_label: str, width: float):
    """The other party's half: who signs and « Fait à / Le » left to fill in, and a box to sign in;
    drawn like the provider's signature block below it."""
    from reportlab.platypus import KeepTogether, Table, TableStyle

    st = styles()
    sty = _styles()
    left = [para(f"<b>{prose(heading)}</b>", st.cell)]
    left += [para(line, st.cell) for line in lines]
    left += [_spacer(6), para(fr("Fait à : ") + BLANK, st.cell), para(fr("Le : ") + BLANK, st.cell)]
    box_w = OTHER_BOX_SHARE * width
    inner = [para(prose(box_label), sty["label"]), _spacer(46)]
    box = Table([[inner]], colWidths=[box_w])
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.8, GREY), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    table = Table([[left, box]], colWidths=[width - box_w, box_w])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([table])


def _signatures(closing: str, other, stamp_flowables: list) -> list:
    """« Fait en deux exemplaires », the other party's block and ours, kept on one page; the
    verification strip (the stamp block's last flowable) at the foot of that page."""
    from reportlab.platypus import KeepTogether

    *ours, strip = stamp_flowables
    # A KeepTogether inside a KeepTogether measures as infinitely tall: keep one level only.
    flat = [g for f in [other, *ours] for g in (f._content if isinstance(f, KeepTogether) else [f])]
    return [KeepTogether([_spacer(4), _p(closing), *flat]), strip]


def _facts_for(programme: Programme, session: Session) -> list[tuple[str, str]]:
    """Dates, duration, modality, hours, place: the organisation of the session."""
    facts = [("Dates", esc(date_span(session).capitalize())),
             ("Durée", fmt("{h} sur {n} {days}", h=esc(hours(session.planned_hours)), n=str(len(session.days)),
                           days="journée" if len(session.days) == 1 else "journées")),
             ("Modalité", prose(modality(programme, session)))]
    facts.append(("Horaires", day_lines(session)))
    if session.place:
        facts.append(("Lieu", prose(session.place)))
    if session.distance_link:
        facts.append(("À distance", link(session.distance_link)))
    return facts


def day_lines(session: Session) -> str:
    """Each day with its hours, one per line (markup)."""
    from qualikit.base.frdates import time_range

    lines = []
    for day in sorted(session.days, key=lambda d: d.date):
        spans = " et ".join(time_range(r) for _, r in day.halves())
        lines.append(esc(fr(f"{long_date(day.date)} : {spans} ({hours(day.hours)})")))
    return "<br/>".join(lines)


def _recognition(programme: Programme) -> str:
    """The type of recognition, inside a sentence: « attestation de fin de formation »."""
    text = programme.recognition or "attestation de fin de formation"
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]
    text = prose(text)
    if programme.certification_code:
        text += fmt(" – certification {code}", code=esc(programme.certification_code))
    return text


def _programme_content(add, programme: Programme) -> None:
    """Objectives and content, under the object article."""
    st = styles()
    if programme.objectives:
        add(para(prose("Objectifs : à l'issue de la formation, le stagiaire sera capable de :"), st.h3))
        for item in bullet_list(programme.objectives, numbered=True):
            add(item)
    if programme.outline:
        add(para(prose("Contenu de la formation (programme)"), st.h3))
        for item in bullet_list(programme.outline):
            add(item)
