"""The learner's convocation and livret d'accueil (indicators 9, 12, 19, 26), as a PDF.

What an auditor looks for, in the order a learner needs it: a personal welcome, the
training's dates and daily hours, where to go or how to connect, what to bring, the
questionnaires to fill in before the start; then the programme, the people to contact,
the référent handicap, resources, the règlement intérieur and how to report violence,
harassment or discrimination (indicator 12, from 1 November 2026).

The adaptation a learner asked for is health-related data: the kit only says that the
request was taken into account, never what it is.
"""

from __future__ import annotations

from pathlib import Path

from qualikit.base.frdates import hours, long_date
from qualikit.base.typography import agree, fr
from qualikit.documents.pdf_common import (
    ACCENT,
    ACCENT_LIGHT,
    GREY,
    PAPER,
    RULE,
    TEAL,
    TEAL_LIGHT,
    box,
    build_pdf,
    bullet_list,
    content_width,
    days_table,
    esc,
    facts_table,
    link,
    mail,
    para,
    phone,
    prose,
    resource,
    styles,
)
from qualikit.project.model import Learner, Modality, Programme, Project, Session

SURVEYS = (
    ("besoins", "Vos besoins et vos attentes"),
    ("positionnement", "Votre positionnement : ce que vous savez déjà faire"),
)

MODALITY = {
    Modality.PRESENTIEL: "En présentiel, en salle",
    Modality.DISTANCIEL: "À distance, en classe virtuelle",
    Modality.MIXTE: "Mixte : en salle et à distance",
}


def fmt(template: str, **values: str) -> str:
    """Fixed French text (may hold our own tags) with French typography, then the values
    (already markup: esc(), prose(), link()) put in its {placeholders}.

    Keep a mark outside a tag, « <b>Lien</b> : », for fr() to see the space before it."""
    return fr(template).format(**values)


def date_span(session: Session) -> str:
    if session.start == session.end:
        return f"le {long_date(session.start)}"
    return f"du {long_date(session.start)} au {long_date(session.end)}"


def modality(programme: Programme, session: Session) -> str:
    if programme.modality is not None:
        return MODALITY[programme.modality]
    if session.distance_link and session.place:
        return MODALITY[Modality.MIXTE]
    return MODALITY[Modality.DISTANCIEL if session.distance_link else Modality.PRESENTIEL]


def render_welcome_kit(project: Project, session: Session, learner: Learner, root: Path,
                       links: dict[str, str]) -> bytes:
    """The convocation / livret d'accueil of one learner for one session, as PDF bytes."""
    org = project.organisation
    programme = project.programme(session.programme_id) or Programme(id=session.programme_id,
                                                                       title=session.programme_id)
    trainer = project.trainer(session.trainer_id) if session.trainer_id else None
    st = styles()
    width = content_width()
    story: list = []
    add = story.append

    # --- welcome -------------------------------------------------------------------------
    add(para(prose("Convocation à la formation").upper(), st.kicker))
    add(para(prose(programme.title), st.title))
    add(para(fmt("Bonjour {name},", name=esc(learner.first_name)), st.lead))
    add(para(fmt(
        "Nous avons le plaisir de vous accueillir à la formation « {title} », {dates}. "
        "Ce livret réunit tout ce qu'il faut pour la préparer sereinement : vos horaires, le lieu, "
        "le programme et les personnes à contacter. Gardez-le à portée de main jusqu'à la fin de la formation.",
        title=prose(programme.title), dates=esc(date_span(session))), st.body))

    # --- the essentials ------------------------------------------------------------------
    enrolment = session.enrolment(learner.id)
    company = (enrolment.company if enrolment else None) or learner.company
    who = agree("Participant·e", learner.civility)
    facts = [(who, esc(learner.full_name) + (f" – {esc(company)}" if company else "")),
             ("Dates", esc(date_span(session).capitalize())),
             ("Durée", fmt("{h} sur {n} {days}", h=esc(hours(session.planned_hours)), n=str(len(session.days)),
                           days="journée" if len(session.days) == 1 else "journées")),
             ("Modalité", prose(modality(programme, session)))]
    if session.place:
        facts.append(("Lieu", prose(session.place)))
    if session.access:
        facts.append(("Accès", prose(session.access)))
    if session.distance_link:
        facts.append(("À distance", link(session.distance_link)))
    if session.to_bring:
        facts.append(("À apporter", prose(session.to_bring)))
    if trainer:
        facts.append(("Formation animée par", esc(trainer.name)))
    add(facts_table(facts, width))

    # --- before the start: questionnaires ------------------------------------------------
    surveys = [(label, links[key]) for key, label in SURVEYS if links.get(key)]
    if surveys:
        inner = [para(prose("Avant la formation : quelques minutes pour vous"
                            if len(surveys) > 1 else "Avant la formation"), st.box_title),
                 para(fmt("Pour que la formation parte de vos besoins et de votre niveau, merci de répondre "
                          "{n} avant le {start} :",
                          n="à ces questionnaires" if len(surveys) > 1 else "à ce questionnaire",
                          start=esc(long_date(session.start))), st.body)]
        for label, url in surveys:
            inner.append(para(fmt("<b>{label}</b> – {answer}", label=prose(label),
                                  answer=link(url, "répondre au questionnaire")), st.body))
            inner.append(para(esc(url), st.body_small))
        add(_spacer(8))
        add(box(inner, width=width, background=ACCENT_LIGHT, border=ACCENT))

    # --- schedule ------------------------------------------------------------------------
    add(para(prose("Vos horaires"), st.h2))
    add(days_table(session, width))

    # --- connecting ----------------------------------------------------------------------
    if session.distance_link:
        add(_together([
            para(prose("Se connecter à distance"), st.h2),
            para(fmt("<b>Lien de connexion</b> : {url}", url=link(session.distance_link)), st.body),
            para(prose(session.connection_help or (
                "Le lien s'ouvre dans votre navigateur. En cas de difficulté technique, contactez-nous : "
                "nous vous aiderons à vous connecter.")), st.body),
        ]))

    # --- programme -----------------------------------------------------------------------
    add(para(prose("Le programme"), st.h2))
    if programme.objectives:
        add(para(prose("À l'issue de la formation, vous serez capable de :"), st.h3))
        story.extend(bullet_list(programme.objectives, numbered=True))
    for heading, items in (("Contenu", programme.outline),
                           ("Prérequis", programme.prerequisites),
                           ("Méthodes pédagogiques", programme.methods),
                           ("Évaluation", programme.evaluation)):
        if items:
            add(para(prose(heading), st.h3))
            story.extend(bullet_list(items))

    # --- people --------------------------------------------------------------------------
    add(para(prose("Vos interlocuteurs"), st.h2))
    add(_contacts_table(project, trainer, width))

    # --- adaptation ----------------------------------------------------------------------
    add(_together(_adaptation(org, learner, width)))

    # --- resources and rules -------------------------------------------------------------
    if programme.resources:
        add(para(prose("Ressources"), st.h2))
        add(para(prose("Pour vous préparer ou revenir sur la formation ensuite :"), st.body))
        story.extend(bullet_list(programme.resources, markup=resource))
    add(para(prose("Règlement intérieur"), st.h2))
    if org.rules_url:
        add(para(fmt("Le règlement intérieur s'applique à toutes les personnes qui suivent la formation "
                     "(sécurité, horaires, discipline). Merci d'en prendre connaissance avant le premier jour : "
                     "{url}", url="<br/>" + link(org.rules_url)), st.body))
    else:
        add(para(prose("Le règlement intérieur s'applique à toutes les personnes qui suivent la formation "
                       "(sécurité, horaires, discipline) ; il vous sera remis le premier jour."), st.body))

    # --- reporting violence, harassment, discrimination ----------------------------------
    add(_spacer(4))
    add(box(_reporting(project), width=width, background=PAPER, border=GREY))

    # --- closing -------------------------------------------------------------------------
    add(_spacer(10))
    add(para(prose("Au plaisir de vous accueillir !"), st.body))
    signer = trainer.name if trainer else (org.legal_rep.name if org.legal_rep else None)
    add(para(f"<b>{esc(signer)}</b><br/>{prose(org.name)}" if signer else f"<b>{prose(org.name)}</b>", st.body))

    return build_pdf(
        story, organisation=org, root=root, doc_label="Convocation et livret d'accueil",
        title=f"Convocation – {programme.title}", subject=f"{learner.full_name}, {date_span(session)}",
    )


# --- pieces -------------------------------------------------------------------------------

def _adaptation(org, learner: Learner, width: float) -> list:
    st = styles()
    block = [para(prose("Besoin d'une adaptation ?"), st.h2)]
    referent = org.disability_referent
    if referent:
        who = f"<b>{esc(referent.name)}</b>, référent handicap{_reach(referent.email, referent.phone)}"
    else:
        who = f"<b>{prose(org.name)}</b>{_reach(org.email, org.phone)}"
    block.append(para(fmt(
        "Si vous êtes en situation de handicap ou avez une contrainte particulière (rythme, supports, matériel, "
        "accès…), contactez {who} : nous chercherons ensemble les aménagements utiles, en toute confidentialité.",
        who=who), st.body))
    if learner.adaptation:  # never print the adaptation itself: it is health-related data
        block.append(box([para(fmt(
            "<b>Votre demande d'adaptation a bien été prise en compte.</b> Les aménagements convenus seront en place "
            "dès le début de la formation ; si votre besoin évolue, dites-le-nous à tout moment."), st.body)],
            width=width, background=TEAL_LIGHT, border=TEAL))
    if org.disability_network:
        block.append(para(fmt("Nous pouvons aussi vous orienter vers : {network}.",
                              network=", ".join(prose(n) for n in org.disability_network)), st.body_small))
    return block


def _together(flowables: list):
    from reportlab.platypus import KeepTogether

    return KeepTogether(flowables)


def _spacer(height: float):
    from reportlab.platypus import Spacer

    return Spacer(1, height)


def _reach(email: str | None, number: str | None) -> str:
    """« (email, téléphone) » after a name, or nothing."""
    parts = [mail(email)] if email else []
    if number:
        parts.append(phone(number))
    return f" ({', '.join(parts)})" if parts else ""


def _contacts_table(project: Project, trainer, width: float):
    from reportlab.platypus import Table, TableStyle

    st = styles()
    org = project.organisation
    rows = []
    if trainer:
        lines = [f"<b>{esc(trainer.name)}</b>"]
        reach = [mail(trainer.email)] if trainer.email else []
        reach += [phone(trainer.phone)] if trainer.phone else []
        if reach:
            lines.append(" · ".join(reach))
        cell = [para("<br/>".join(lines), st.cell)]
        if trainer.qualifications:
            cell.append(para("<br/>".join(prose(q) for q in trainer.qualifications), st.cell_small))
        rows.append([para(prose("Formation et pédagogie"), st.cell_bold), cell])
    admin = [f"<b>{prose(org.name)}</b>"]
    reach = [mail(org.email)] if org.email else []
    reach += [phone(org.phone)] if org.phone else []
    if reach:
        admin.append(" · ".join(reach))
    rows.append([para(prose("Organisation, inscription, convention"), st.cell_bold),
                 para("<br/>".join(admin), st.cell)])
    ref = org.disability_referent
    if ref:
        lines = [f"<b>{esc(ref.name)}</b>"]
        reach = [mail(ref.email)] if ref.email else []
        reach += [phone(ref.phone)] if ref.phone else []
        if reach:
            lines.append(" · ".join(reach))
        rows.append([para(prose("Référent handicap"), st.cell_bold), para("<br/>".join(lines), st.cell)])
    table = Table(rows, colWidths=[0.30 * width, 0.70 * width])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -2), 0.5, RULE),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    return table


def _reporting(project: Project) -> list:
    """Indicator 12 (2026): how to report violence, harassment or discrimination, and to whom."""
    st = styles()
    org = project.organisation
    person = org.legal_rep or org.disability_referent
    email = (person.email if person and person.email else None) or org.email
    phone = (person.phone if person and person.phone else None) or org.phone
    if person:
        who = f"<b>{esc(person.name)}</b>" + (f", {prose(person.title)}" if person.title else "")
    else:
        who = f"<b>{prose(org.name)}</b>"
    return [
        para(prose("Signaler une situation de violence, de harcèlement ou de discrimination"), st.box_title),
        para(fmt("Si vous êtes victime ou témoin de violences, notamment sexistes ou sexuelles, de harcèlement "
                 "ou de discrimination pendant la formation, vous pouvez le signaler à tout moment, "
                 "à l'oral ou par écrit, à {who}{reach}.", who=who, reach=_reach(email, phone)), st.body),
        para(prose("Votre signalement est traité de manière confidentielle : seules les personnes chargées "
                   "de le traiter en ont connaissance. Nous vous recontactons rapidement pour convenir "
                   "avec vous des mesures à prendre."), st.body),
        para(prose("En cas de danger immédiat, appelez le 17 ou le 112. Vous pouvez aussi contacter "
                   "le 39 19 (violences faites aux femmes, gratuit et anonyme) ou le Défenseur des droits "
                   "au 39 28 (discriminations)."), st.body_small),
    ]
