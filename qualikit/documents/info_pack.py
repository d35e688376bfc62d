"""The information a learner must have before the final registration (L6353-8), as a PDF.

L6353-8: « le programme et les objectifs de la formation, la liste des formateurs […] avec la
mention de leurs titres ou qualités, les horaires, les modalités d'évaluation de la formation, les
coordonnées de la personne chargée des relations avec les stagiaires par l'entité commanditaire de
la formation et le règlement intérieur applicable à la formation » — and, for an individual who pays
for their own training (contrat de formation, L6353-3), « les tarifs, les modalités de règlement et
les conditions financières prévues en cas de cessation anticipée de la formation ou d'abandon en
cours de stage », handed over before the final registration and any payment.

The règlement intérieur is the organisation's link when it has one; otherwise the text of
templates/documents/reglement-interieur.md (the project's own copy first, then qualikit's),
filled in with the organisation's data and printed as an annex. The payment and cancellation
terms are the very words of the contrat de formation (contract.py).

The footer carries the L6352-12 formula after the declaration number, as on the fiche programme.
"""

from __future__ import annotations

import re
from pathlib import Path

from qualikit.base.typography import fr
from qualikit.documents.contract import CANCELLATION_INDIVIDUAL, FORCE_MAJEURE, individual_price
from qualikit.documents.contract_parts import clause, nb, trainers_of, trainers_table
from qualikit.documents.pdf_common import (
    RULE,
    bullet_list,
    content_width,
    days_table,
    draw_pdf,
    esc,
    facts_table,
    link,
    mail,
    para,
    phone,
    prose,
    styles,
)
from qualikit.documents.programme_sheet import publicity_setup, recognition_text
from qualikit.documents.stamp import funder_of
from qualikit.documents.welcome_kit import date_span, fmt, modality
from qualikit.project.model import Funder, Learner, Organisation, Programme, Project, Session
from qualikit.project.schedule import euros

RULES_TEMPLATE = "documents/reglement-interieur.md"


def render_info_pack(project: Project, programme: Programme, session: Session, learner: Learner,
                     root: Path) -> bytes:
    """The pre-registration information of one learner for one session, as PDF bytes."""
    from reportlab.platypus import KeepTogether, PageBreak, Spacer

    org = project.organisation
    st = styles()
    width = content_width()
    enrolment = session.enrolment(learner.id)
    self_paying = funder_of(learner, enrolment, session) is Funder.PARTICULIER
    story: list = []
    add = story.append

    add(para(prose("Information avant l'inscription").upper(), st.kicker))
    add(para(prose(programme.title), st.title))
    add(para(fmt("{name}, voici ce qu'il faut savoir avant votre inscription définitive à cette formation : "
                 "programme, formateurs, horaires, évaluation, contacts et règlement intérieur{money} "
                 "(article L6353-8 du Code du travail).", name=esc(learner.full_name),
                 money=", ainsi que les tarifs et les conditions financières" if self_paying else ""), st.lead))

    facts = [("Dates", esc(date_span(session).capitalize())),
             ("Durée", fmt("{h} sur {n} {days}", h=esc(_hours(session)), n=str(len(session.days)),
                           days="journée" if len(session.days) == 1 else "journées")),
             ("Modalité", prose(modality(programme, session)))]
    if session.place:
        facts.append(("Lieu", prose(session.place)))
    if session.distance_link:
        facts.append(("À distance", link(session.distance_link)))
    if programme.audience:
        facts.append(("Public visé", prose(programme.audience)))
    facts.append(("Reconnaissance", prose(recognition_text(programme))))
    add(facts_table(facts, width))

    # --- programme and objectives ----------------------------------------------------------
    add(para(prose("Programme et objectifs"), st.h2))
    if programme.objectives:
        add(para(prose("À l'issue de la formation, vous serez capable de :"), st.h3))
        story.extend(bullet_list(programme.objectives, numbered=True))
    for heading, items in (("Contenu", programme.outline), ("Prérequis", programme.prerequisites or ("Aucun",)),
                           ("Méthodes pédagogiques", programme.methods)):
        if items:
            add(para(prose(heading), st.h3))
            story.extend(bullet_list(items))

    # --- schedule --------------------------------------------------------------------------
    add(KeepTogether([para(prose("Horaires"), st.h2), days_table(session, width)]))

    # --- evaluation ------------------------------------------------------------------------
    if programme.evaluation:
        add(para(prose("Modalités d'évaluation"), st.h2))
        story.extend(bullet_list(programme.evaluation))

    # --- trainers --------------------------------------------------------------------------
    add(KeepTogether([para(prose("Formateurs : titres et qualités"), st.h2),
                      trainers_table(trainers_of(project, session), width)]))

    # --- contacts --------------------------------------------------------------------------
    add(KeepTogether([para(prose("Vos contacts"), st.h2), _contacts(project, session, width)]))

    # --- prices and financial terms (an individual paying themselves) ----------------------
    if self_paying:
        story.extend(_money(project, session))

    # --- règlement intérieur ---------------------------------------------------------------
    add(para(prose("Règlement intérieur"), st.h2))
    if org.rules_url:
        add(para(fmt("Le règlement intérieur s'applique à toute personne qui suit la formation (santé et sécurité, "
                     "discipline, sanctions, signalement des violences et du harcèlement). Merci d'en prendre "
                     "connaissance avant votre inscription : {url}", url="<br/>" + link(org.rules_url)), st.body))
        annex = None
    else:
        add(para(prose("Le règlement intérieur s'applique à toute personne qui suit la formation (santé et sécurité, "
                       "discipline, sanctions, signalement des violences et du harcèlement). Il figure en annexe "
                       "de ce document : merci d'en prendre connaissance avant votre inscription."), st.body))
        annex = rules_flowables(org, root)

    if annex:
        add(PageBreak())
        add(para(prose("Annexe").upper(), st.kicker))
        story.extend(annex)
    else:
        add(Spacer(1, 6))
    return draw_pdf(story, publicity_setup(org, root, "Information avant l'inscription",
                                           title=f"Information avant l'inscription – {programme.title}",
                                           subject=f"{learner.full_name}, {date_span(session)}"))


def _hours(session: Session) -> str:
    from qualikit.base.frdates import hours

    return hours(session.planned_hours)


def _reach(email: str | None, number: str | None) -> str:
    parts = [mail(email)] if email else []
    if number:
        parts.append(phone(number))
    return " · ".join(parts)


def _contacts(project: Project, session: Session, width: float):
    """Pedagogical, administrative, disability and (for a client's session) the client's contact."""
    from reportlab.platypus import Table, TableStyle

    st = styles()
    org = project.organisation
    rows = []
    for trainer in trainers_of(project, session)[:1]:
        rows.append((prose("Pédagogie (formation, contenus, progression)"),
                     f"<b>{esc(trainer.name)}</b>", _reach(trainer.email, trainer.phone)))
    rows.append((prose("Administratif (inscription, convocation, facturation)"), f"<b>{prose(org.name)}</b>",
                 _reach(org.email, org.phone)))
    ref = org.disability_referent
    if ref:
        rows.append((prose("Référent handicap (adaptations)"), f"<b>{esc(ref.name)}</b>", _reach(ref.email, ref.phone)))
    if session.client:
        rows.append((prose("Relations avec les stagiaires pour l'entreprise commanditaire"),
                     f"<b>{prose(session.client)}</b>", mail(session.client_email) if session.client_email else ""))
    data = [[para(label, st.cell_bold), para(who + (f"<br/>{reach}" if reach else ""), st.cell)]
            for label, who, reach in rows]
    table = Table(data, colWidths=[0.38 * width, 0.62 * width])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -2), 0.5, RULE),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def _money(project: Project, session: Session) -> list:
    """Prices, payment terms and the financial conditions of an early end or a drop-out (the
    contract's own clauses)."""
    st = styles()
    price = individual_price(project, session)
    out = [para(prose("Tarif et conditions financières"), st.h2)]
    if price is not None:
        out.append(clause(f"Prix de la formation : {euros(price, cents=True)} par participant, somme totale à votre "
                          "charge, réglée selon l'échéancier de votre contrat de formation."))
    out += [
        clause("Contrat de formation : avant votre inscription définitive et tout paiement, nous signons ensemble un "
               "contrat de formation (article L6353-3 du Code du travail)."),
        clause("Délai de rétractation : à compter de la signature du contrat, vous disposez de dix jours pour vous "
               "rétracter, par lettre recommandée avec avis de réception (article L6353-5 du Code du travail) ; "
               "aucune somme ne peut alors vous être réclamée."),
        clause("Modalités de règlement : aucune somme ne peut être exigée avant l'expiration du délai de rétractation. "
               "À son expiration, un acompte de 30 % du prix au plus ; le solde au fur et à mesure de la formation, "
               "à la fin de la formation ou, pour une formation de plusieurs mois, en versements mensuels (article "
               "L6353-6 du Code du travail). Chaque échéance donne lieu à une facture."),
        para(f"<b>{prose('Interruption, abandon, annulation :')}</b>", st.body),
    ]
    out += [clause(text, bullet=True) for text in (FORCE_MAJEURE, *CANCELLATION_INDIVIDUAL)]
    return out


# --- the règlement intérieur as an annex ----------------------------------------------------

def rules_context(org: Organisation) -> dict[str, str]:
    """The placeholders of reglement-interieur.md, from the organisation's data."""
    rep = org.legal_rep
    person = org.legal_rep or org.disability_referent
    email = (person.email if person and person.email else None) or org.email
    number = (person.phone if person and person.phone else None) or org.phone
    reach = ", ".join(x for x in (email, number) if x)
    who = person.name + (f", {person.title}" if person and person.title else "") if person else org.name
    return {
        "raison_sociale": org.name,
        "adresse": ", ".join(org.address.lines()),
        "ville": org.address.city or "",
        "representant": rep.name if rep else "la direction",
        "qualite_representant": (rep.title or "") if rep else "",
        "email": org.email or "",
        "telephone": org.phone or "",
        "site_web": org.website or "",
        "referent_handicap": org.disability_referent.name if org.disability_referent else "",
        "contact_signalement": who + (f" ({reach})" if reach else ""),
    }


def rules_text(org: Organisation, root: Path) -> str:
    """The règlement intérieur (markdown), the project's template first, filled in (sandboxed; the
    e-mails' environment, compiled once per process, which escapes nothing but .html.j2)."""
    from jinja2 import TemplateError

    from qualikit.documents.email import TemplateProblem, template_env

    try:
        return template_env(root).get_template(RULES_TEMPLATE).render(**rules_context(org))
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = f"{RULES_TEMPLATE}:{line}" if line else RULES_TEMPLATE
        raise TemplateProblem(fr(f"{where} : le modèle ne peut pas être utilisé ({exc})")) from None


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_NUMBERED = re.compile(r"^\d+[.)]\s+")


def rules_flowables(org: Organisation, root: Path) -> list:
    return markdown_flowables(rules_text(org, root))


def markdown_flowables(text: str) -> list:
    """The small markdown the template uses: « # » and « ## » headings, « - » and « 1. » lists,
    **bold**, paragraphs separated by a blank line (lines inside a block are joined)."""
    st = styles()
    out: list = []
    block: list[str] = []
    kind = None
    number = 0

    def inline(s: str) -> str:
        return _BOLD.sub(r"<b>\1</b>", prose(nb(s)))

    def flush():
        nonlocal block, kind
        if block:
            body = " ".join(line.strip() for line in block)
            if kind == "bullet":
                out.append(para(inline(body), st.bullet, bulletText="•"))
            elif kind == "numbered":
                out.append(para(inline(body), st.bullet, bulletText=f"{number}."))
            else:
                out.append(para(inline(body), st.body))
        block, kind = [], None

    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if stripped.startswith("#"):
            flush()
            level = len(stripped) - len(stripped.lstrip("#"))
            title = stripped[level:].strip()
            style = st.title if level == 1 else st.h2 if level == 2 else st.h3
            out.append(para(inline(title), style))
        elif stripped.startswith(("- ", "* ")):
            flush()
            block, kind = [stripped[2:]], "bullet"
        elif _NUMBERED.match(stripped):
            flush()
            number = int(re.match(r"\d+", stripped).group())
            block, kind = [_NUMBERED.sub("", stripped)], "numbered"
        else:
            block.append(stripped)
    flush()
    return out
