"""The contrat de formation of an individual paying for their own training (articles L6353-3 to L6353-7).

Contrat de formation — what L6353-4 requires on pain of nullity, in the order of the articles:
the nature, duration and object of the action and the number of learners it concerns (1°), the
prior level required (2°), how the training is given: modality, distance part, teaching and
technical means, how knowledge is assessed and what the training leads to (3°), the diplomas,
titles or references of the trainers (4°), the payment terms and the financial conditions of an
early end or a drop-out (5°). Then the 10-day withdrawal right by registered letter (L6353-5), the
payment rules — nothing before the period ends, 30 % at most then, the balance as the training
proceeds (L6353-6; see qualikit.project.schedule) — and force majeure (L6353-7). A schedule that breaks
those rules is refused (ScheduleError): qualikit never prints an unlawful contract.

It closes with the stamp block of the end-of-training documents (qualikit.documents.stamp): the
caller PAdES-signs the PDF when a certificate is configured. The other party signs in its own box.

The cancellation terms below are qualikit's defaults, written to be fair and lawful as they stand
(only what was delivered is due, pro rata, whatever the cause); a trainer who wants other terms
adapts CANCELLATION_INDIVIDUAL before issuing contracts. The convention de formation with a
company is in qualikit.documents.convention, the blocks both share in qualikit.documents.contract_parts.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from qualikit.base.frdates import long_date
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
    schedule_table,
    trainers_of,
    trainers_table,
)
from qualikit.documents.pdf_common import (
    build_pdf,
    bullet_list,
    content_width,
    esc,
    facts_table,
    link,
    mail,
    para,
    phone,
    prose,
    styles,
)
from qualikit.documents.stamp import DocStamp, civil_name, document_title, evaluation_methods, plain_date, stamp_block
from qualikit.documents.welcome_kit import date_span, fmt
from qualikit.project.model import Learner, Project, Session, Status
from qualikit.project.schedule import Instalment, ScheduleError, check_schedule, withdrawal_end
from qualikit.project.vat import price_words
from qualikit.project.vat import rate as vat_rate

# --- statutory wording (Code du travail) ----------------------------------------------------

WITHDRAWAL = ("À compter de la date de signature du présent contrat, le stagiaire dispose d'un délai de dix jours "
              "pour se rétracter. Il en informe l'organisme de formation par lettre recommandée avec avis de "
              "réception (article L6353-5 du Code du travail). En cas de rétractation dans ce délai, aucune somme "
              "ne peut lui être réclamée.")
NO_PAYMENT_BEFORE = ("Aucune somme ne peut être exigée du stagiaire avant l'expiration du délai de rétractation. "
                     "À l'expiration de ce délai, il ne peut être payé une somme supérieure à 30 % du prix convenu ; "
                     "le solde donne lieu à échelonnement des paiements au fur et à mesure du déroulement de "
                     "l'action de formation (article L6353-6 du Code du travail).")
FORCE_MAJEURE = ("Si, par suite de force majeure dûment reconnue, le stagiaire est empêché de suivre la formation, "
                 "il peut rompre le contrat. Dans ce cas, seules les prestations de formation effectivement "
                 "dispensées sont dues au prorata temporis de leur valeur prévue au contrat (article L6353-7 du "
                 "Code du travail).")
# qualikit's defaults for an individual (see the module docstring).
CANCELLATION_INDIVIDUAL = (
    "Abandon ou arrêt anticipé pour un autre motif : le stagiaire qui cesse de suivre la formation en informe "
    "l'organisme de formation par écrit. Seules les prestations effectivement dispensées jusqu'à cette date sont "
    "dues, au prorata temporis de leur valeur prévue au contrat.",
    "Renoncement avant le début de la formation, après le délai de rétractation : le stagiaire en informe "
    "l'organisme de formation par écrit ; aucune prestation n'ayant été dispensée, les sommes versées lui sont "
    "remboursées.",
    "Annulation ou report par l'organisme de formation : l'organisme de formation prévient le stagiaire dans les "
    "meilleurs délais et lui propose une autre session ; à défaut d'accord, il rembourse les sommes versées pour "
    "les prestations non dispensées (article L6354-1 du Code du travail).",
    "Les sommes versées en trop sont remboursées dans un délai de 30 jours.",
)


def individual_price(project: Project, session: Session) -> Decimal | None:
    """What one learner pays: the programme's price per learner, else the session's when it has one learner."""
    programme = programme_of(project, session)
    if programme.price is not None:
        return programme.price
    if session.price is not None and len(session.enrolments) <= 1:
        return session.price
    return None



# --- contrat de formation -------------------------------------------------------------------

def render_contract(project: Project, session: Session, learner: Learner, root: Path, stamp: DocStamp, *,
                    signed_on: date | None, schedule: list[Instalment], price: Decimal | None = None) -> bytes:
    """The contrat de formation of an individual paying for their own training, as PDF bytes.

    `price` is what the learner pays in all (default: the programme's price per learner, see
    individual_price); `schedule` must be lawful for `signed_on` (None: the contract is printed to
    be signed, the withdrawal period is then stated without dates). Raises ScheduleError otherwise."""
    from reportlab.platypus import KeepTogether

    org = project.organisation
    programme = programme_of(project, session)
    if price is None:
        price = individual_price(project, session)
    if price is None:
        price = sum((i.amount for i in schedule), Decimal(0))
    problems = check_schedule(price, signed_on, schedule, start=session.start)
    if problems:
        raise ScheduleError(problems)

    st = styles()
    sty = _styles()
    width = content_width()
    story: list = document_title("Contrat de formation professionnelle",
                                 "(articles L6353-3 à L6353-7 du Code du travail)")
    add = story.append

    # --- parties ---------------------------------------------------------------------------
    add(para(prose("Entre les soussignés :"), st.h3))
    add(_box_party("D'une part,", organisation_party(project),
                   prose("ci-après « l'organisme de formation » ;"), width))
    add(_spacer(5))
    reach = [mail(learner.email)] if learner.email else []
    if learner.phone:
        reach.append(phone(learner.phone))
    home = ", ".join(learner.address.lines())
    detail = (fmt("demeurant : {home}", home=esc(home)) if home else fmt("demeurant : {blank}", blank=BLANK + BLANK)) \
        + "<br/>" + (" · ".join(reach) + "<br/>" if reach else "")
    detail += prose("agissant à titre individuel et à ses frais, ci-après « le stagiaire ».")
    add(_box_party("D'autre part,", f"<b>{esc(civil_name(learner))}</b>", detail, width))
    add(_spacer(4))
    add(para(prose("Il est convenu ce qui suit, en application des articles L6353-3 à L6353-7 du Code du travail."),
             sty["body"]))

    n = 1
    # --- 1. object -------------------------------------------------------------------------
    add(_article(n, "Objet et nature de l'action"))
    add(_p("L'organisme de formation organise, pour le stagiaire, l'action de formation « {title} ». "
           "Il s'agit d'une action de formation au sens de l'article L6313-1, 1°, du Code du travail.",
           title=prose(programme.title)))
    _programme_content(add, programme)
    n += 1

    # --- 2. duration, dates, place, number of learners -------------------------------------
    add(_article(n, "Durée, dates, lieu et effectif"))
    facts = _facts_for(programme, session)
    learners = sum(1 for e in session.enrolments if e.status is not Status.ABANDON) or 1
    facts.append(("Effectif", fmt("{n} stagiaire{s} inscrit{s} à la session à ce jour",
                                  n=str(learners), s="s" if learners > 1 else "")))
    add(facts_table(facts, width))
    n += 1

    # --- 3. level required -----------------------------------------------------------------
    add(_article(n, "Public et niveau de connaissances préalables"))
    if programme.audience:
        add(_p("Public visé : {audience}.", audience=prose(programme.audience.rstrip("."))))
    add(para(prose("Prérequis pour suivre la formation :"), st.h3))
    for item in bullet_list(programme.prerequisites or ("Aucun",)):
        add(item)
    n += 1

    # --- 4. conditions, means, assessment, sanction ----------------------------------------
    add(_article(n, "Conditions de déroulement, moyens pédagogiques et évaluation"))
    if programme.methods:
        add(para(prose("Moyens pédagogiques et techniques :"), st.h3))
        for item in bullet_list(programme.methods):
            add(item)
    if session.distance_link:
        add(_p("Partie à distance : classe virtuelle accessible par le lien {url}. {help}",
               url=link(session.distance_link), help=prose(session.connection_help or
                                                          "L'organisme de formation assiste le stagiaire en cas de "
                                                          "difficulté de connexion.")))
    add(para(prose("Modalités de contrôle des connaissances :"), st.h3))
    for item in bullet_list(evaluation_methods(programme.evaluation) or ("Évaluation finale des acquis",)):
        add(item)
    add(_p("Sanction de la formation : {what}. Une attestation de fin de formation mentionnant les objectifs, la "
           "nature, la durée de l'action et les résultats de l'évaluation des acquis est remise au stagiaire "
           "(article L6353-1 du Code du travail).", what=_recognition(programme)))
    n += 1

    # --- 5. trainers -----------------------------------------------------------------------
    add(_article(n, "Formateurs : diplômes, titres et références"))
    add(trainers_table(trainers_of(project, session), width))
    n += 1

    # --- 6. withdrawal ---------------------------------------------------------------------
    add(_article(n, "Délai de rétractation"))
    add(_p(WITHDRAWAL))
    if signed_on is not None:
        add(_p("Le présent contrat étant signé le {signed}, le délai de rétractation expire le {end} à minuit ; "
               "aucune somme ne peut être exigée avant l'expiration du délai de rétractation.",
               signed=esc(plain_date(signed_on)), end=esc(long_date(withdrawal_end(signed_on)))))
    else:
        add(_p("Aucune somme ne peut être exigée avant l'expiration du délai de rétractation."))
    n += 1

    # --- 7. price and payment --------------------------------------------------------------
    add(_article(n, "Prix et modalités de paiement"))
    add(_p("Le prix de la formation est de {price}, somme totale à la charge du stagiaire.",
           price=f"<b>{esc(price_words(org, price))}</b>"))
    add(_p(NO_PAYMENT_BEFORE))
    if schedule:
        add(KeepTogether([
            _p("Le stagiaire règle ce prix selon l'échéancier suivant, chaque échéance donnant lieu à une facture"
               + (" (montants hors taxes, la TVA s'y ajoute)" if vat_rate(org) else "") + " :"),
            schedule_table(schedule, price, width)]))
    n += 1

    # --- 8. early end, drop-out, force majeure ---------------------------------------------
    add(_article(n, "Interruption, abandon et annulation"))
    add(_p(FORCE_MAJEURE))
    for text in CANCELLATION_INDIVIDUAL:
        add(clause(text))
    n += 1

    # --- 9. information and rules ----------------------------------------------------------
    add(_article(n, "Information du stagiaire et règlement intérieur"))
    rules = fmt(", consultable à l'adresse {url}", url=link(org.rules_url)) if org.rules_url else ""
    add(_p("Le stagiaire reconnaît avoir reçu, avant son inscription définitive, le programme de la formation et "
           "les informations prévues à l'article L6353-8 du Code du travail, ainsi que le règlement intérieur "
           "applicable à la formation{rules}.", rules=rules))
    if org.email:
        add(_p("Toute difficulté ou réclamation peut être adressée par écrit à {email} ; elle reçoit une réponse "
               "écrite.", email=mail(org.email)))

    # --- signatures ------------------------------------------------------------------------
    story.extend(_signatures(
        "Fait en deux exemplaires originaux, dont un est remis au stagiaire.",
        other_party_signature("Le stagiaire", [esc(civil_name(learner))],
                              "Date et signature, précédées de la mention manuscrite « Lu et approuvé »", width),
        stamp_block(org, stamp, root, width=width, box_label="Pour l'organisme de formation : cachet et signature",
                    compact=True)))
    return build_pdf(
        story, organisation=org, root=root, doc_label="Contrat de formation professionnelle",
        title=f"Contrat de formation – {programme.title}",
        subject=f"{learner.full_name}, {date_span(session)}",
    )

