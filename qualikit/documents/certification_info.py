"""« Information sur les conditions de présentation à la certification » (indicator 16), as a PDF.

Indicator 16 asks the provider to make sure its learners are presented to the certification as the
certifier requires, and names as proof the information given to them about the assessment; when
the provider does not assess, it points the learner to the assessor. One document per certifying
session, from the project's data only (certifications.yaml, the session, organisation.yaml): it goes
with every convocation of the session. Nothing about one learner is in it (an adaptation granted is
health-related data): it can be sent as is to each of them.
"""

from __future__ import annotations

from pathlib import Path

from qualikit.base.frdates import long_date
from qualikit.documents.pdf_common import (
    ACCENT,
    ACCENT_LIGHT,
    RULE,
    TEAL,
    box,
    build_pdf,
    bullet_list,
    content_width,
    esc,
    facts_table,
    mail,
    para,
    phone,
    prose,
    styles,
)
from qualikit.documents.welcome_kit import date_span, fmt
from qualikit.project.model import Certification, Programme, Project, Session

DOC_LABEL = "Conditions de présentation à la certification"


def repertoire(code: str) -> str:
    """Where France compétences registers the certification, read from its code."""
    upper = code.upper()
    if upper.startswith("RNCP"):
        return "Répertoire national des certifications professionnelles (RNCP)"
    if upper.startswith("RS"):
        return "Répertoire spécifique (RS)"
    return "France compétences"


def assessed_by(project: Project, cert: Certification) -> str:
    """Who runs the assessment: the provider when habilitated, else the named assessor or the certifier."""
    if cert.assesses:
        return f"{project.organisation.name} (organisme habilité par le certificateur à évaluer)"
    return cert.assessor or cert.certifier or "le certificateur"


def render_certification_info(project: Project, session: Session, root: Path, rules_attached: bool = False) -> bytes:
    """The information on the conditions of presentation for one certifying session, as PDF bytes;
    `rules_attached`: the certifier's exam rules go with it (the convocation carries both)."""
    cert = project.certification_of(session)
    if cert is None:
        raise ValueError(f"la session {session.id} ne prépare aucune certification décrite")
    org = project.organisation
    programme = project.programme(session.programme_id) or Programme(id=session.programme_id,
                                                                       title=session.programme_id)
    st = styles()
    width = content_width()
    story: list = []
    add = story.append

    add(para(prose("Information du candidat").upper(), st.kicker))
    add(para(prose(DOC_LABEL), st.title))
    add(para(fmt("Vous suivez la formation « {title} », {dates}, qui prépare la certification {code}. "
                 "Voici comment se déroule la certification, comment vous y présenter et ce qu'elle vous "
                 "apporte. Gardez ce document : il répond aux questions les plus fréquentes.",
                 title=prose(programme.title), dates=esc(date_span(session)), code=esc(cert.code)), st.lead))

    facts = [("Certification", f"<b>{esc(cert.code)}</b> – {prose(cert.title)}"),
             ("Enregistrée au", prose(repertoire(cert.code))),
             ("Certificateur", prose(cert.certifier or "non précisé"))]
    facts.append(("Date de l'examen", esc(long_date(session.exam_date)).capitalize() if session.exam_date else
                  prose("Communiquée dès qu'elle est fixée par le certificateur")))
    if cert.exam_place:
        facts.append(("Lieu de l'examen", prose(cert.exam_place)))
    facts.append(("Évaluation conduite par", prose(assessed_by(project, cert))))
    add(facts_table(facts, width))

    if not cert.assesses:
        add(_spacer(6))
        add(box([para(prose("Qui vous évalue"), st.box_title),
                 para(fmt("{org} vous prépare à la certification mais ne fait pas passer l'examen : il est "
                          "conduit par {who}. C'est auprès de cet évaluateur que se tiennent les épreuves ; pour "
                          "toute question sur leur organisation, vous pouvez vous adresser à lui, ou à nous : "
                          "nous faisons le lien.", org=prose(org.name),
                          who=f"<b>{prose(cert.assessor or cert.certifier or 'le certificateur')}</b>"), st.body)],
                width=width, background=ACCENT_LIGHT, border=ACCENT))

    if cert.blocks:
        add(para(prose("Les blocs de compétences et leur évaluation"), st.h2))
        if cert.separate_blocks:
            add(para(prose("Chaque bloc est évalué et peut être validé séparément."), st.body))
        add(_blocks_table(cert, width))

    add(para(prose("S'inscrire à l'examen"), st.h2))
    add(para(prose(cert.registration or f"{org.name} vous précise avant la fin de la formation comment vous "
                                        "inscrire, et vous confirme votre inscription par écrit."), st.body))
    if cert.access_conditions:
        add(para(prose("Conditions pour se présenter"), st.h3))
        story.extend(bullet_list(cert.access_conditions))
    if rules_attached:
        add(para(prose("Le règlement d'examen du certificateur fixe le déroulement des épreuves : il vous est "
                       "remis avec ce document. Lisez-le avant l'examen."), st.body))
    elif cert.exam_rules:
        add(para(prose("Le règlement d'examen du certificateur fixe le déroulement des épreuves ; nous vous le "
                       "remettons sur simple demande."), st.body))

    add(_together(_adaptations(project, cert)))

    if cert.retakes:
        add(para(prose("En cas d'échec ou d'absence"), st.h2))
        add(para(prose(cert.retakes), st.body))

    add(para(prose("Ce que la certification vous apporte"), st.h2))
    gives = [f"En cas de réussite, {cert.certifier or 'le certificateur'} vous délivre la certification "
             f"{cert.code}, enregistrée au {repertoire(cert.code)}."]
    if cert.blocks and cert.separate_blocks:
        gives.append("Si vous ne validez qu'une partie des blocs, ceux que vous avez obtenus vous sont attestés "
                     "par le certificateur.")
    for label, items in (("Équivalences", cert.equivalences), ("Passerelles", cert.bridges),
                         ("Suites de parcours", cert.next_steps), ("Débouchés", cert.outlets)):
        if items:
            gives.append(f"{label} : {' ; '.join(items)}.")
    story.extend(bullet_list(gives))

    add(_together(_contacts(project, cert)))
    return build_pdf(story, organisation=org, root=root, doc_label=DOC_LABEL,
                     title=f"{DOC_LABEL} – {cert.code}", subject=f"{programme.title}, {date_span(session)}")


def _blocks_table(cert: Certification, width: float):
    from reportlab.platypus import Table, TableStyle

    st = styles()
    rows = [[para(prose(h), st.cell_head) for h in ("Bloc", "Compétences évaluées", "Modalités d'évaluation")]]
    for b in cert.blocks:
        skills = [para(f"<b>{esc(b.code)}</b>", st.cell), para(prose(b.title), st.cell)]
        rows.append([skills, [para(prose(c), st.cell_small) for c in b.competencies] or para("—", st.cell),
                     para(prose(b.assessment or "précisées par le certificateur"), st.cell)])
    table = Table(rows, colWidths=[0.30 * width, 0.36 * width, 0.34 * width], repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), TEAL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.5, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def _adaptations(project: Project, cert: Certification) -> list:
    st = styles()
    org = project.organisation
    out = [para(prose("Candidats en situation de handicap"), st.h2)]
    if cert.disability_adaptations:
        out.append(para(prose(cert.disability_adaptations), st.body))
    else:
        out.append(para(prose("Le certificateur peut aménager les épreuves (temps majoré, supports adaptés, aide "
                              "humaine ou technique, accessibilité du lieu) pour un candidat en situation de "
                              "handicap."), st.body))
    ref = org.disability_referent
    who = (f"<b>{esc(ref.name)}</b>, référent handicap{_reach(ref.email, ref.phone)}" if ref
           else f"<b>{prose(org.name)}</b>{_reach(org.email, org.phone)}")
    out.append(para(fmt("Pour demander un aménagement, contactez {who} le plus tôt possible, avant l'inscription à "
                        "l'examen : nous préparons la demande avec vous et la transmettons au certificateur, qui "
                        "décide. Votre demande reste confidentielle.", who=who), st.body))
    return out


def _contacts(project: Project, cert: Certification) -> list:
    st = styles()
    org = project.organisation
    lines = []
    if cert.certifier or cert.certifier_contact:
        lines.append(f"{prose('Certificateur :')} <b>{prose(cert.certifier or '')}</b>"
                     + (f" – {prose(cert.certifier_contact)}" if cert.certifier_contact else ""))
    if not cert.assesses and cert.assessor:
        lines.append(f"{prose('Évaluateur :')} <b>{prose(cert.assessor)}</b>")
    lines.append(f"{prose('Votre organisme de formation :')} <b>{prose(org.name)}</b>{_reach(org.email, org.phone)}")
    return [para(prose("Contacts"), st.h2), *[para(line, st.body) for line in lines]]


def _reach(email: str | None, number: str | None) -> str:
    parts = [mail(email)] if email else []
    if number:
        parts.append(phone(number))
    return f" ({', '.join(parts)})" if parts else ""


def _together(flowables: list):
    from reportlab.platypus import KeepTogether

    return KeepTogether(flowables)


def _spacer(height: float):
    from reportlab.platypus import Spacer

    return Spacer(1, height)

