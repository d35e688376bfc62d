"""The contrat de sous-traitance: the trainer delivers a training for another organisme de
formation (the donneur d'ordre), who stays the provider of record for the learners and funders.

What such a contract holds: the two parties (names, addresses, SIRET, numéros de déclaration
d'activité, representatives), the object (an action de formation of L6313-1 delivered for the
donneur d'ordre), the sessions with their dates, hours and place, the price and invoicing (to the
donneur d'ordre, never to the learners), who issues the attestations and certificats (a field of
the session), each party's obligations including the Qualiopi chain (the donneur d'ordre informs
the learners and answers for indicators 1 to 3; the sous-traitant supplies the proofs of what it
delivered), independence, confidentiality and personal data (RGPD art. 28), cancellation,
disputes, both signatures. Data in, bytes out; the caller journals and signs.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from qualikit.base.frdates import hours
from qualikit.base.typography import fr, siret
from qualikit.documents.contract_parts import (
    BLANK,
    _article,
    _box_party,
    _facts_for,
    _p,
    _programme_content,
    _signatures,
    _spacer,
    clause,
    organisation_party,
    other_party_signature,
    programme_of,
    trained_by,
)
from qualikit.documents.convention import CANCELLATION_DAYS, CANCELLATION_SHARE
from qualikit.documents.pdf_common import build_pdf, content_width, esc, facts_table, para, prose, styles
from qualikit.documents.stamp import DocStamp, civil_name, document_title, stamp_block
from qualikit.documents.welcome_kit import date_span, fmt
from qualikit.project.model import DONOR_ISSUES, Client, Organisation, Project, Session
from qualikit.project.schedule import euros

DOCUMENTS_BY_DONOR = (
    "Le sous-traitant établit, au nom et pour le compte du donneur d'ordre, l'attestation de fin de formation "
    "et le certificat de réalisation de chaque stagiaire, d'après les feuilles d'émargement ; ces documents "
    "portent l'identité et le numéro de déclaration d'activité du donneur d'ordre, qui en reste l'émetteur.")
DOCUMENTS_NONE = (
    "Le donneur d'ordre délivre seul les attestations de fin de formation et les certificats de réalisation, "
    "d'après les feuilles d'émargement que lui transmet le sous-traitant ; le sous-traitant n'en délivre aucun "
    "aux stagiaires.")


def donor_project(project: Project, session: Session) -> Project | None:
    """The project as the end-of-training documents issued in the donneur d'ordre's name see it: its
    identity as the organisation (no logo nor signature image: it signs them itself). None when the
    contract leaves the attestations and certificats to the donneur d'ordre (or it is unknown)."""
    client = project.contractor_of(session)
    if client is None or (session.issuer or DONOR_ISSUES) != DONOR_ISSUES:
        return None
    org = Organisation(name=client.name, siret=client.siret, nda=client.nda, address=client.address,
                       legal_rep=client.representative, email=client.email)
    return replace(project, organisation=org)


def donor_party(client: Client | None) -> tuple[str, str]:
    """(name markup, detail markup) of the donneur d'ordre; a blank where the clients table lacks a field."""
    if client is None:
        return BLANK + BLANK, fmt("adresse : {b}, SIRET : {b}, déclaration d'activité n° {b}", b=BLANK)
    address = ", ".join(client.address.lines())
    parts = [fmt("adresse : {a}", a=prose(address) if address else BLANK),
             fmt("SIRET : {s}", s=esc(siret(client.siret)) if client.siret else BLANK),
             fmt("déclaration d'activité enregistrée sous le numéro {n}", n=esc(client.nda) if client.nda else BLANK)]
    rep = client.representative
    parts.append(fmt("représenté par {n}, en qualité de {t}, ci-après « le donneur d'ordre ».",
                     n=prose(rep.name) if rep and rep.name else BLANK,
                     t=prose(rep.title) if rep and rep.title else BLANK))
    return f"<b>{prose(client.name)}</b>", "<br/>".join(parts)


def render_subcontract(project: Project, session: Session, root: Path, stamp: DocStamp, *,
                       vat_mention: str) -> bytes:
    """The contrat de sous-traitance of one session, as PDF bytes."""
    org = project.organisation
    client = project.contractor_of(session)
    programme = programme_of(project, session)
    st = styles()
    width = content_width()
    story: list = document_title("Contrat de sous-traitance d'une action de formation",
                                 "(prestation réalisée pour le compte d'un autre organisme de formation)")
    add = story.append
    add(para(prose("Entre les soussignés :"), st.h3))
    name, detail = donor_party(client)
    add(_box_party("D'une part,", name, detail, width))
    add(_spacer(5))
    add(_box_party("D'autre part,", organisation_party(project), prose("ci-après « le sous-traitant »."), width))
    add(_spacer(4))

    n = 1
    add(_article(n, "Objet"))
    add(_p("Le donneur d'ordre confie au sous-traitant, qui l'accepte, la réalisation de l'action de formation "
           "« {title} », action de formation au sens de l'article L6313-1, 1°, du Code du travail, conforme au "
           "programme ci-dessous. Le donneur d'ordre reste l'organisme de formation des stagiaires et de leurs "
           "financeurs : il conclut avec eux la convention ou le contrat de formation, les informe avant "
           "l'entrée en formation et perçoit le prix de la formation. Le sous-traitant ne conclut aucun contrat "
           "avec les stagiaires ni avec leurs employeurs pour cette action.", title=prose(programme.title)))
    _programme_content(add, programme)
    n += 1

    add(_article(n, "Sessions, dates, durée, lieu, formateur"))
    facts = _facts_for(programme, session) + trained_by(project, session)
    learners = [x for e in session.enrolments if (x := project.learner(e.learner_id)) is not None]
    facts.append(("Stagiaires", fmt("{n} : {names}", n=str(len(learners)),
                                    names=esc(", ".join(civil_name(x) for x in learners)))
                  if learners else fmt("liste transmise par le donneur d'ordre ({b})", b=BLANK)))
    facts.append(("Référence de la session", esc(session.id)))
    add(facts_table(facts, width))
    n += 1

    add(_article(n, "Prix et facturation"))
    if session.price is not None:
        add(_p("Le prix de la prestation est de {price} HT pour la session ({h} de formation), forfaitaire, frais "
               "de déplacement compris sauf accord écrit. {vat}.",
               price=f"<b>{esc(euros(session.price, cents=True))}</b>", h=esc(hours(session.planned_hours)),
               vat=prose(vat_mention)))
    else:
        add(_p("Le prix de la prestation est de {b} € HT pour la session, forfaitaire. {vat}.", b=BLANK,
               vat=prose(vat_mention)))
    days = client.payment_days if client else 30
    add(_p("Le sous-traitant facture le donneur d'ordre, et lui seul, à l'issue de la session ; la facture, "
           "accompagnée des feuilles d'émargement, est payable à {d} jours de sa date, par virement. Tout retard "
           "de paiement entraîne les pénalités prévues à l'article L441-10 du Code de commerce et une indemnité "
           "forfaitaire de 40 € pour frais de recouvrement (article D441-5). Une absence ou un abandon de "
           "stagiaire ne modifie pas le prix de la session, sauf accord écrit des parties.", d=str(days)))
    n += 1

    add(_article(n, "Attestations et certificats"))
    add(_p(DOCUMENTS_BY_DONOR if (session.issuer or DONOR_ISSUES) == DONOR_ISSUES else DOCUMENTS_NONE))
    n += 1

    add(_article(n, "Obligations du sous-traitant"))
    for text in (
        "Réalisation : le sous-traitant réalise la formation conformément au programme, avec le formateur désigné "
        "ou un formateur de compétence équivalente agréé par écrit par le donneur d'ordre.",
        "Émargement et évaluation : il fait signer une feuille d'émargement par demi-journée par chaque stagiaire et "
        "le formateur, évalue les acquis selon les modalités du programme et transmet les feuilles, les résultats "
        "des évaluations et les réponses aux questionnaires de satisfaction au donneur d'ordre dans les 8 jours qui "
        "suivent la fin de la session.",
        "Alerte : il signale au donneur d'ordre sans délai toute absence, tout abandon, toute difficulté d'un "
        "stagiaire et toute réclamation reçue.",
        "Règlement intérieur : il applique pendant la formation le règlement intérieur du donneur d'ordre, ou celui "
        "du lieu qui accueille la formation pour l'hygiène et la sécurité.",
    ):
        add(clause(text, bullet=True))
    n += 1

    add(_article(n, "Obligations du donneur d'ordre"))
    for text in (
        "Information et contrat : le donneur d'ordre informe les stagiaires avant leur entrée en formation, conclut "
        "avec eux ou avec leur employeur la convention ou le contrat de formation et recueille leurs besoins.",
        "Transmission : il communique au sous-traitant, au plus tard 8 jours avant le premier jour, la liste des "
        "stagiaires, leurs objectifs, le résultat de leur positionnement et les adaptations nécessaires, notamment "
        "pour les personnes en situation de handicap.",
        "Paiement : il règle la facture du sous-traitant à son échéance, indépendamment du paiement de ses propres "
        "clients ou financeurs.",
    ):
        add(clause(text, bullet=True))
    n += 1

    add(_article(n, "Qualité et certification Qualiopi"))
    add(_p("Chaque partie déclare sa situation au regard de la certification mentionnée à l'article L6316-1 du "
           "Code du travail (Qualiopi) et informe l'autre de tout retrait ou suspension. Le donneur d'ordre répond "
           "devant les stagiaires et les financeurs de la conformité de l'action au référentiel national qualité "
           "(décret n° 2019-565 du 6 juin 2019) ; le sous-traitant lui fournit, à sa demande et pour ses audits, "
           "les preuves de ce qu'il a réalisé (programme, émargements, évaluations, qualifications du formateur, "
           "appréciations recueillies) et tient compte des objectifs qu'il a définis. Le donneur d'ordre "
           "communique au sous-traitant son appréciation de la prestation à l'issue de la session."))
    n += 1

    add(_article(n, "Indépendance"))
    add(_p("Le sous-traitant exécute la prestation en toute indépendance : il organise librement son travail et "
           "choisit ses méthodes pédagogiques dans le respect du programme. Le présent contrat ne crée aucun lien "
           "de subordination entre le donneur d'ordre et le sous-traitant ou ses formateurs. Le sous-traitant "
           "déclare être à jour de ses obligations sociales et fiscales et assuré pour sa responsabilité civile "
           "professionnelle."))
    n += 1

    add(_article(n, "Confidentialité et données personnelles"))
    add(_p("Chaque partie garde confidentielles les informations de l'autre et des stagiaires dont elle a "
           "connaissance. Pour les données personnelles des stagiaires que lui confie le donneur d'ordre, "
           "responsable du traitement, le sous-traitant agit comme sous-traitant au sens de l'article 28 du "
           "règlement (UE) 2016/679 (RGPD) : il ne les traite que pour réaliser la formation et sur les "
           "instructions du donneur d'ordre, les protège par des mesures de sécurité appropriées, n'en confie "
           "le traitement à personne d'autre sans son accord écrit, le prévient sans délai de toute violation de "
           "données, l'aide à répondre aux demandes des personnes, et les lui restitue ou les supprime à la fin "
           "de la prestation, sous réserve des durées de conservation imposées par la loi."))
    n += 1

    add(_article(n, "Annulation, report, litiges"))
    add(_p(f"Toute annulation ou tout report est notifié par écrit. Par le donneur d'ordre à moins de "
           f"{CANCELLATION_DAYS} jours du premier jour, {CANCELLATION_SHARE} % du prix restent dus à titre "
           "d'indemnité. Par le sous-traitant, il propose de nouvelles dates ou un formateur de compétence "
           "équivalente ; à défaut d'accord, aucune somme n'est due. Le contrat prend fin au paiement de la "
           "facture. En cas de différend, les parties recherchent d'abord une solution amiable ; à défaut, le "
           "tribunal compétent est celui du siège du défendeur."))

    story.extend(_signatures(
        "Fait en deux exemplaires originaux.",
        other_party_signature("Pour le donneur d'ordre", [prose(client.name) if client else BLANK,
                                                          fr("Nom et qualité du signataire :"), BLANK],
                              "Cachet du donneur d'ordre et signature", width),
        stamp_block(org, stamp, root, width=width, box_label="Pour le sous-traitant : cachet et signature",
                    compact=True)))
    return build_pdf(story, organisation=org, root=root, doc_label="Contrat de sous-traitance",
                     title=f"Contrat de sous-traitance – {programme.title}",
                     subject=f"{client.name if client else ''}, {date_span(session)}".strip(", "))

