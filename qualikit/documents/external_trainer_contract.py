"""The contract with an external intervenant for one session: we are the donneur d'ordre.

A subcontractor (an independent trainer or a company) or a portage company (for a salarié porté)
delivers a session of our programme, in our name. The référentiel (indicator 27) leaves the quality
of the whole chain to us and asks that the subcontractor's compliance be traced in this contract:
hence the article on quality obligations, the pieces asked before the session, the evaluation after
it, and the audit clause. The personal-data article follows article 28 of the GDPR (the intervenant
processes the learners' data on our behalf).

The other direction (we deliver for another organisme) is another document.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from qualikit.base.frdates import hours
from qualikit.base.typography import siret
from qualikit.documents.contract_parts import (
    BLANK,
    _article,
    _box_party,
    _facts_for,
    _p,
    _signatures,
    _spacer,
    clause,
    organisation_party,
    other_party_signature,
    programme_of,
)
from qualikit.documents.pdf_common import build_pdf, bullet_list, content_width, esc, facts_table, para, prose, styles
from qualikit.documents.stamp import DocStamp, document_title, stamp_block
from qualikit.documents.welcome_kit import date_span, fmt
from qualikit.project.model import Project, Session, Status, Trainer, TrainerStatus
from qualikit.project.schedule import euros

PAYMENT_DAYS = 30
NOTICE_DAYS = 10  # a cancellation later than this before the first day is paid in part
CANCELLATION_SHARE = 30

PIECES = (
    "son curriculum vitae et la copie de ses diplômes, titres ou certifications en rapport avec la formation ;",
    "l'avis de situation au répertoire SIRENE (ou un extrait Kbis de moins de trois mois) et, s'il en a un, "
    "son numéro de déclaration d'activité ;",
    "une attestation de vigilance de l'URSSAF de moins de six mois, renouvelée tous les six mois jusqu'à la fin "
    "du contrat (articles L8222-1 et D8222-5 du Code du travail) ;",
    "son certificat Qualiopi, s'il en détient un (il n'est pas exigé du sous-traitant) ;",
    "la charte qualité du donneur d'ordre, signée.",
)

QUALITY = (
    "Programme : dispenser la formation conformément au programme, aux objectifs, aux méthodes et aux modalités "
    "d'évaluation définis par le donneur d'ordre, et l'informer de toute adaptation nécessaire.",
    "Émargement : faire signer chaque demi-journée par chaque stagiaire la feuille d'émargement fournie par le "
    "donneur d'ordre (ou la page d'émargement dans la salle), la signer lui-même et la remettre le jour même.",
    "Évaluation : conduire les évaluations des acquis prévues et en remettre les résultats, stagiaire par "
    "stagiaire, au plus tard cinq jours après la fin de la session.",
    "Accueil des personnes en situation de handicap : mettre en œuvre les adaptations convenues avec le référent "
    "handicap du donneur d'ordre, et lui signaler sans délai tout besoin qu'il constate.",
    "Suivi et alertes : signaler au donneur d'ordre dans les 24 heures toute absence, tout risque d'abandon, toute "
    "difficulté, réclamation ou incident survenu pendant la formation, et toute situation de violence, de "
    "harcèlement ou de discrimination portée à sa connaissance.",
    "Compétences : maintenir ses compétences à jour dans le domaine enseigné et en pédagogie, et en remettre les "
    "justificatifs (formations suivies) à la demande du donneur d'ordre.",
    "Audit : fournir à l'organisme certificateur, par l'intermédiaire du donneur d'ordre, les pièces qui le "
    "concernent, et se rendre disponible pour un entretien lors d'un audit Qualiopi.",
    "Évaluation de la prestation : participer au bilan de la session avec le donneur d'ordre, qui l'évalue au "
    "regard des appréciations des stagiaires, des résultats et du respect du présent contrat.",
)

DATA = (
    "Le sous-traitant traite les données personnelles des stagiaires (identité, coordonnées, présences, "
    "évaluations, besoins d'adaptation) pour le seul compte du donneur d'ordre, responsable du traitement, et "
    "pour la seule exécution du présent contrat (article 28 du règlement (UE) 2016/679).",
    "Il agit uniquement sur instruction du donneur d'ordre, garantit la confidentialité de ces données (y compris "
    "de la part des personnes qu'il autorise à les traiter), les protège par des mesures de sécurité adaptées, "
    "n'en fait aucune copie ni aucun autre usage et ne les transmet à aucun tiers.",
    "Il aide le donneur d'ordre à répondre aux demandes d'exercice des droits des stagiaires et lui notifie toute "
    "violation de données dans les 24 heures après en avoir pris connaissance.",
    "À la fin de la prestation, il remet au donneur d'ordre les documents et données des stagiaires et détruit ses "
    "copies ; il en justifie sur demande.",
    "Confidentialité : les parties tiennent pour confidentielles les informations échangées pour l'exécution du "
    "contrat (clients, stagiaires, prix, supports), pendant sa durée et trois ans après.",
)


def contract_price(trainer: Trainer, session: Session) -> tuple[Decimal | None, str]:
    """The price HT and how it was reached: the intervenant's day rate × the session's days."""
    if trainer.day_rate is None:
        return None, ""
    days = len({d.date for d in session.days})
    return trainer.day_rate * days, f"{euros(trainer.day_rate)} HT × {days} journée{'s' if days > 1 else ''}"


def contract_title(trainer: Trainer) -> str:
    return ("Contrat de prestation de portage salarial" if trainer.status is TrainerStatus.PORTE
            else "Contrat de sous-traitance")


def render_external_trainer_contract(project: Project, session: Session, trainer: Trainer, root: Path,
                                     stamp: DocStamp) -> bytes:
    """The contract with the intervenant (or their portage company) for this session, as PDF bytes."""
    org = project.organisation
    programme = programme_of(project, session)
    st = styles()
    width = content_width()
    ported = trainer.status is TrainerStatus.PORTE
    title = contract_title(trainer)
    story: list = document_title(title, "d'une action de formation — l'organisme de formation est donneur d'ordre")
    add = story.append
    other = "l'entreprise de portage" if ported else "le sous-traitant"

    add(para(prose("Entre les soussignés :"), st.h3))
    add(_box_party("D'une part,", organisation_party(project), prose("ci-après « le donneur d'ordre » ;"), width))
    add(_spacer(5))
    name = trainer.company or trainer.name
    detail = []
    address = ", ".join(trainer.address.lines())
    detail.append(fmt("adresse : {a}", a=prose(address) if address else BLANK + BLANK))
    detail.append(fmt("SIRET : {s}", s=esc(siret(trainer.siret)) if trainer.siret else BLANK))
    if trainer.nda:
        detail.append(fmt("déclaration d'activité n° {n}", n=esc(trainer.nda)))
    signer = trainer.representative or (None if trainer.company and trainer.company != trainer.name else trainer.name)
    detail.append(fmt("représenté par {n}, ci-après « {o} ».", n=prose(signer) if signer else BLANK, o=other))
    if ported:
        detail.append(fmt("Elle agit pour le compte de son salarié porté {n}, ci-après « l'intervenant ».",
                          n=f"<b>{prose(trainer.name)}</b>"))
    elif trainer.company and trainer.company != trainer.name:
        detail.append(fmt("La formation est animée par {n}, ci-après « l'intervenant ».",
                          n=f"<b>{prose(trainer.name)}</b>"))
    add(_box_party("D'autre part,", f"<b>{prose(name)}</b>", "<br/>".join(detail), width))
    add(_spacer(4))
    if ported:
        add(_p("Le présent contrat est un contrat commercial de prestation de portage salarial (articles L1254-22 "
               "et suivants du Code du travail) ; dans ses articles, « le sous-traitant » désigne l'entreprise de "
               "portage et l'intervenant qu'elle emploie."))

    n = 1
    add(_article(n, "Objet"))
    add(_p("Le donneur d'ordre confie au sous-traitant, qui l'accepte, l'animation de l'action de formation "
           "« {title} » décrite ci-dessous, pour le compte de ses clients et stagiaires. Le donneur d'ordre reste "
           "l'organisme de formation responsable de l'action auprès des clients, des stagiaires et des financeurs : "
           "il conclut les conventions et contrats de formation, convoque, délivre les attestations et certificats "
           "et factures. Le sous-traitant intervient au nom du donneur d'ordre et ne facture ni les clients ni les "
           "stagiaires.", title=prose(programme.title)))
    if programme.objectives:
        add(para(prose("Objectifs de la formation :"), st.h3))
        for item in bullet_list(programme.objectives, numbered=True):
            add(item)
    n += 1

    add(_article(n, "Session, dates, durée et lieu"))
    facts = _facts_for(programme, session)
    facts.insert(0, ("Session", esc(session.id)))
    facts.append(("Intervenant", prose(trainer.name)))
    enrolled = sum(1 for e in session.enrolments if e.status is not Status.ABANDON)
    if enrolled:
        facts.append(("Stagiaires inscrits", f"{enrolled} à la date du contrat"))
    add(facts_table(facts, width))
    n += 1

    add(_article(n, "Prix et paiement"))
    price, how = contract_price(trainer, session)
    if price is not None:
        add(_p("Le prix de la prestation est de {price} HT ({how}), pour {h} de formation, préparation, "
               "évaluations et comptes rendus compris. La TVA s'y ajoute au taux en vigueur, sauf exonération dont "
               "le sous-traitant remplit les conditions (article 261-4-4° a du Code général des impôts) ou franchise "
               "en base (article 293 B), qu'il mentionne sur sa facture.", price=f"<b>{esc(euros(price, cents=True))}"
               "</b>", how=esc(how), h=esc(hours(session.planned_hours))))
    else:
        add(_p("Le prix de la prestation est de {b} € HT, TVA en sus au taux en vigueur le cas échéant.", b=BLANK))
    add(_p(f"Le sous-traitant facture à l'issue de la session, après remise des feuilles d'émargement et des "
           f"évaluations ; la facture est payable à {PAYMENT_DAYS} jours à compter de sa réception, par virement. "
           "Tout retard de paiement entraîne les pénalités prévues à l'article L441-10 du Code de commerce et une "
           "indemnité forfaitaire de 40 € pour frais de recouvrement."))
    n += 1

    add(_article(n, "Respect du référentiel national qualité (Qualiopi)"))
    add(_p("Le donneur d'ordre est certifié, ou en cours de certification, au titre du référentiel national qualité "
           "(articles L6316-1 et R6316-1 du Code du travail). Le sous-traitant s'engage à respecter ce référentiel "
           "pour la part de l'action qui lui est confiée, et notamment :"))
    for text in QUALITY:
        add(clause(text, bullet=True))
    add(_p("Avant le début de la session, le sous-traitant remet au donneur d'ordre :"))
    for text in PIECES:
        add(para(prose(text), st.bullet, bulletText="•"))
    add(_p("Le donneur d'ordre consigne ces vérifications et l'évaluation de chaque session dans son registre des "
           "intervenants extérieurs, présenté à l'auditeur."))
    n += 1

    add(_article(n, "Moyens et documents"))
    add(_p("Le donneur d'ordre fournit le programme, les supports pédagogiques, la liste des stagiaires et leurs "
           "besoins d'adaptation, les feuilles d'émargement et les grilles d'évaluation. Le sous-traitant restitue "
           "l'ensemble de ces documents, complétés, au plus tard cinq jours après la fin de la session. Chaque partie "
           "reste propriétaire des supports qu'elle a créés ; elle en concède à l'autre l'usage pour la seule "
           "session objet du contrat."))
    n += 1

    add(_article(n, "Indépendance et obligations sociales"))
    add(_p("Le sous-traitant exécute sa mission en toute indépendance, sans lien de subordination avec le donneur "
           "d'ordre. Il est seul responsable de ses obligations sociales et fiscales et de celles de son personnel, "
           "et déclare être assuré en responsabilité civile professionnelle pour son activité. Il s'interdit de "
           "proposer directement ses services aux clients du donneur d'ordre rencontrés lors de la session, pour la "
           "même formation, pendant douze mois après celle-ci."))
    n += 1

    add(_article(n, "Données personnelles et confidentialité"))
    for text in DATA:
        add(clause(text))
    n += 1

    add(_article(n, "Empêchement, annulation, résiliation"))
    add(clause("Empêchement du sous-traitant : il prévient le donneur d'ordre sans délai et peut proposer un "
               "remplaçant de compétence équivalente, qui n'intervient qu'avec l'accord écrit du donneur d'ordre et "
               "après les vérifications de l'article 4."))
    add(clause(f"Annulation par le donneur d'ordre : sans frais plus de {NOTICE_DAYS} jours avant le premier jour "
               f"de la session ; plus tard, {CANCELLATION_SHARE} % du prix sont dus, sauf force majeure."))
    add(clause("Résiliation : en cas de manquement grave d'une partie à ses obligations, notamment à celles de "
               "l'article 4, l'autre partie peut résilier le contrat huit jours après une mise en demeure restée "
               "sans effet ; les prestations réalisées restent dues."))
    add(clause("Litiges : le contrat est soumis au droit français. Les parties recherchent d'abord une solution "
               "amiable ; à défaut, le tribunal du siège du donneur d'ordre est compétent."))

    story.extend(_signatures(
        "Fait en deux exemplaires originaux.",
        other_party_signature(f"Pour {other}", [prose(name), prose("Nom et qualité du signataire :"), BLANK],
                              "Cachet et signature, précédés de « lu et approuvé »", width),
        stamp_block(org, stamp, root, width=width, box_label="Pour le donneur d'ordre : cachet et signature",
                    compact=True)))
    return build_pdf(story, organisation=org, root=root, doc_label=title,
                     title=f"{title} – {programme.title}", subject=f"{name}, {date_span(session)}")
