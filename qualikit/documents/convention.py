"""The convention de formation with a company or any other buyer (articles L6353-1, L6353-2 and R6353-1).

Convention de formation — R6353-1: title, nature, duration, number of learners, how the training
runs and what it leads to, the price; plus the parties, dates, place, the learners by name, payment
terms, evaluation, cancellation and both signatures.

It closes with the stamp block of the end-of-training documents (qualikit.documents.stamp): the
caller PAdES-signs the PDF when a certificate is configured. The other party signs in its own box.

The cancellation terms below are qualikit's defaults, written to be fair and lawful as they stand;
a trainer who wants other terms adapts CANCELLATION_* and PAYMENT_* before issuing conventions.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from qualikit.base.typography import fr, siret
from qualikit.documents.contract_parts import (
    BLANK,
    _article,
    _box_party,
    _facts_for,
    _p,
    _programme_content,
    _recognition,
    _signatures,
    _spacer,
    _styles,
    clause,
    organisation_party,
    other_party_signature,
    programme_of,
    trained_by,
)
from qualikit.documents.pdf_common import (
    RULE,
    TEAL,
    build_pdf,
    bullet_list,
    content_width,
    esc,
    facts_table,
    link,
    mail,
    para,
    prose,
    styles,
)
from qualikit.documents.stamp import DocStamp, civil_name, document_title, evaluation_methods, stamp_block
from qualikit.documents.welcome_kit import date_span, fmt
from qualikit.project.model import Funder, Learner, Project, Session
from qualikit.project.schedule import euros
from qualikit.project.vat import price_words

# qualikit's defaults for a company buyer.
CANCELLATION_DAYS = 10
CANCELLATION_SHARE = 30
CANCELLATION_COMPANY = (
    "Remplacement : le client peut remplacer un stagiaire par une autre personne répondant aux prérequis, sans frais, "
    "en prévenant l'organisme de formation avant le début de la formation.",
    f"Annulation par le client : elle est notifiée par écrit. Plus de {CANCELLATION_DAYS} jours avant le début de la "
    f"formation, elle est sans frais. À moins de {CANCELLATION_DAYS} jours, {CANCELLATION_SHARE} % du prix sont dus "
    "à titre de dédit ; ce dédit ne constitue pas le prix d'une prestation de formation et ne peut faire l'objet "
    "d'une prise en charge par un opérateur de compétences ou un autre financeur de la formation.",
    "Absence ou abandon d'un stagiaire : seules les heures de formation effectivement réalisées, attestées par les "
    "feuilles d'émargement, sont facturées au titre de la formation.",
    "Force majeure : si la formation est interrompue par un cas de force majeure dûment reconnu, seules les "
    "prestations effectivement dispensées sont dues, au prorata temporis de leur valeur prévue à la convention.",
    "Annulation ou report par l'organisme de formation : l'organisme de formation prévient le client dans les "
    "meilleurs délais et propose de nouvelles dates ; à défaut d'accord, il rembourse les sommes versées pour les "
    "prestations non réalisées (article L6354-1 du Code du travail).",
)
PAYMENT_COMPANY = ("La facture est établie à l'issue de la formation, accompagnée du certificat de réalisation ; "
                   "elle est payable à 30 jours à compter de sa réception, par virement. Tout retard de paiement "
                   "entraîne les pénalités prévues à l'article L441-10 du Code de commerce et une indemnité "
                   "forfaitaire de 40 € pour frais de recouvrement.")
PAYMENT_OPCO = ("Prise en charge par un opérateur de compétences (OPCO) : le client dépose la demande de prise en "
                "charge avant le début de la formation et transmet l'accord à l'organisme de formation. En cas de "
                "subrogation, l'organisme de formation facture l'OPCO et le client pour la part non prise en charge ; "
                "si l'OPCO ne prend pas en charge tout ou partie du coût, le client règle la différence.")



# --- convention de formation ----------------------------------------------------------------

def convention_price(project: Project, session: Session, learners: Sequence[Learner]) -> tuple[Decimal | None, str]:
    """The price HT and how it was reached: the session's price, else the programme's × learners."""
    if session.price is not None:
        return session.price, "prix de la session"
    programme = programme_of(project, session)
    if programme.price is not None:
        n = len(learners)
        return programme.price * n, (f"{euros(programme.price)} HT × {n} stagiaire{'s' if n > 1 else ''}")
    return None, ""


def render_convention(project: Project, session: Session, learners: Sequence[Learner], root: Path,
                      stamp: DocStamp) -> bytes:
    """The convention de formation with the buyer (a company or any other client), as PDF bytes."""
    from reportlab.platypus import Table, TableStyle

    org = project.organisation
    programme = programme_of(project, session)
    st = styles()
    sty = _styles()
    width = content_width()
    story: list = document_title("Convention de formation professionnelle",
                                 "(articles L6353-1, L6353-2 et R6353-1 du Code du travail)")
    add = story.append

    client = session.client or _common_company(session, learners)
    add(para(prose("Entre les soussignés :"), st.h3))
    add(_box_party("D'une part,", organisation_party(project), prose("ci-après « l'organisme de formation » ;"),
                   width))
    add(_spacer(5))
    fiche = project.client(client)  # the clients table: address, SIRET, representative, contact
    address = ", ".join(fiche.address.lines()) if fiche else ""
    detail = [fmt("adresse : {a}", a=prose(address)) if address else fmt("adresse : {b}", b=BLANK + BLANK),
              fmt("SIRET : {s}", s=prose(siret(fiche.siret))) if fiche and fiche.siret else fmt("SIRET : {b}", b=BLANK)]
    contact = session.client_email or (fiche.email if fiche else None)
    if contact:
        detail.append(fmt("contact : {email}", email=mail(contact)))
    rep = fiche.representative if fiche else None
    if rep and rep.name:
        detail.append(fmt("représenté par {n}, en qualité de {t}, ci-après « le client ».", n=prose(rep.name),
                          t=prose(rep.title) if rep.title else BLANK))
    else:
        detail.append(fmt("représenté par {b}, en qualité de {b}, ci-après « le client ».", b=BLANK))
    add(_box_party("D'autre part,", f"<b>{prose(client)}</b>" if client else BLANK + BLANK, "<br/>".join(detail),
                   width))
    add(_spacer(4))
    add(para(prose("Il est conclu la présente convention, en application des articles L6353-1 et L6353-2 du Code du "
                   "travail."), sty["body"]))

    n = 1
    add(_article(n, "Objet de la convention"))
    add(_p("L'organisme de formation organise, pour le client, l'action de formation « {title} », action de "
           "formation au sens de l'article L6313-1, 1°, du Code du travail, conforme au programme préétabli "
           "ci-dessous (article L6353-1).", title=prose(programme.title)))
    _programme_content(add, programme)
    n += 1

    add(_article(n, "Organisation : dates, durée, lieu, formateur"))
    facts = _facts_for(programme, session) + trained_by(project, session)
    add(facts_table(facts, width))
    n += 1

    add(_article(n, "Stagiaires"))
    audience = (programme.audience or "salariés du client").rstrip(".")
    add(_p("Effectif : {n} stagiaire{s}. Public visé : {audience}.", n=str(len(learners)),
           s="s" if len(learners) > 1 else "", audience=prose(audience)))
    if learners:
        rows = [[para(prose(t), st.cell_head) for t in ("Stagiaire", "E-mail")]]
        for learner in sorted(learners, key=lambda x: (x.last_name.lower(), x.first_name.lower())):
            rows.append([para(esc(civil_name(learner, surname_first=True)), st.cell),
                         para(esc(learner.email), st.cell)])
        table = Table(rows, colWidths=[0.45 * width, 0.55 * width], repeatRows=1)
        table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), TEAL), ("LINEBELOW", (0, 1), (-1, -1), 0.5, RULE),
                                   ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
        add(table)
    if programme.prerequisites:
        add(para(prose("Prérequis :"), st.h3))
        for item in bullet_list(programme.prerequisites):
            add(item)
    n += 1

    add(_article(n, "Moyens pédagogiques, suivi et évaluation"))
    if programme.methods:
        for item in bullet_list(programme.methods):
            add(item)
    add(para(prose("Évaluation des acquis :"), st.h3))
    for item in bullet_list(evaluation_methods(programme.evaluation) or ("Évaluation finale des acquis",)):
        add(item)
    add(_p("Suivi de l'exécution : feuilles d'émargement signées par demi-journée par chaque stagiaire et le "
           "formateur. Sanction de la formation : {what} ; un certificat de réalisation est adressé au client à "
           "l'issue de la formation.", what=_recognition(programme)))
    n += 1

    add(_article(n, "Prix et modalités de paiement"))
    price, how = convention_price(project, session, learners)
    if price is not None:
        add(_p("Le prix de la formation est de {price}{how}.", price=f"<b>{esc(price_words(org, price))}</b>",
               how=f" ; calcul\u00a0: {esc(how)}" if how != "prix de la session" else ""))
    else:
        add(_p("Le prix de la formation est de {b} € HT, TVA en sus au taux en vigueur le cas échéant.", b=BLANK))
    add(_p(PAYMENT_COMPANY))
    if session.funder is Funder.OPCO or any(_enrolment_funder(session, x) is Funder.OPCO for x in learners):
        add(clause(PAYMENT_OPCO))
    n += 1

    add(_article(n, "Annulation, absence, abandon"))
    for text in CANCELLATION_COMPANY:
        add(clause(text))
    n += 1

    add(_article(n, "Règlement intérieur et différends"))
    rules = fmt(" (consultable à l'adresse {url})", url=link(org.rules_url)) if org.rules_url else ""
    add(_p("Le client informe les stagiaires que le règlement intérieur de l'organisme de formation{rules} "
           "s'applique pendant la formation ; lorsqu'elle a lieu dans ses locaux, les règles de santé et de "
           "sécurité de son propre règlement intérieur s'appliquent. En cas de différend, les parties "
           "recherchent d'abord une solution amiable.", rules=rules))

    story.extend(_signatures(
        "Fait en deux exemplaires originaux.",
        other_party_signature("Pour le client", [prose(client) if client else BLANK,
                                                 fr("Nom et qualité du signataire :"), BLANK],
                              "Cachet du client et signature", width),
        stamp_block(org, stamp, root, width=width, box_label="Pour l'organisme de formation : cachet et signature",
                    compact=True)))
    return build_pdf(
        story, organisation=org, root=root, doc_label="Convention de formation professionnelle",
        title=f"Convention de formation – {programme.title}",
        subject=f"{client or ''}, {date_span(session)}".strip(", "),
    )


def _enrolment_funder(session: Session, learner: Learner) -> Funder | None:
    enrolment = session.enrolment(learner.id)
    return (enrolment.funder if enrolment else None) or learner.funder


def _common_company(session: Session, learners: Sequence[Learner]) -> str | None:
    """The learners' company when they all share one."""
    companies = {(session.enrolment(x.id).company if session.enrolment(x.id) else None) or x.company
                 for x in learners}
    return companies.pop() if len(companies) == 1 else None
