"""The contracting documents: the contrat de formation of an individual paying for their own training
(articles L6353-3 to L6353-7 of the Code du travail) and the convention de formation with a company
or any other buyer (L6353-1, L6353-2 and R6353-1).

Contrat de formation — what L6353-4 requires on pain of nullity, in the order of the articles:
the nature, duration and object of the action and the number of learners it concerns (1°), the
prior level required (2°), how the training is given: modality, distance part, teaching and
technical means, how knowledge is assessed and what the training leads to (3°), the diplomas,
titles or references of the trainers (4°), the payment terms and the financial conditions of an
early end or a drop-out (5°). Then the 10-day withdrawal right by registered letter (L6353-5), the
payment rules — nothing before the period ends, 30 % at most then, the balance as the training
proceeds (L6353-6; see qualikit.schedule) — and force majeure (L6353-7). A schedule that breaks
those rules is refused (ScheduleError): qualikit never prints an unlawful contract.

Convention de formation — R6353-1: title, nature, duration, number of learners, how the training
runs and what it leads to, the price; plus the parties, dates, place, the learners by name, payment
terms, evaluation, cancellation and both signatures.

Both close with the stamp block of the end-of-training documents (qualikit.render.stamp): the
caller PAdES-signs the PDF when a certificate is configured. The other party signs in its own box.

The cancellation terms below are qualikit's defaults, written to be fair and lawful as they stand
(for an individual: only what was delivered is due, pro rata, whatever the cause); a trainer who
wants other terms adapts CANCELLATION_* before issuing contracts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from qualikit.frdates import hours, long_date, short_date
from qualikit.model import Funder, Learner, Programme, Project, Session, Status, Trainer
from qualikit.render.pdf_common import (
    GREY,
    RULE,
    TEAL,
    TEAL_LIGHT,
    build_pdf,
    bullet_list,
    content_width,
    de,
    esc,
    facts_table,
    format_siret,
    link,
    mail,
    para,
    phone,
    prose,
    styles,
    total_row_style,
)
from qualikit.render.stamp import DocStamp, civil_name, document_title, evaluation_methods, plain_date, stamp_block
from qualikit.render.welcome_kit import date_span, fmt, modality
from qualikit.schedule import (
    Instalment,
    ScheduleError,
    check_schedule,
    euros,
    percent,
    withdrawal_end,
)
from qualikit.typography import NBSP, fr

BLANK = "……………………………………"  # a field the other party fills in by hand
_UNIT_SPACE = re.compile(r" ([%€])")

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


# --- shared pieces (used by info_pack too) --------------------------------------------------

def programme_of(project: Project, session: Session) -> Programme:
    return project.programme(session.programme_id) or Programme(id=session.programme_id, title=session.programme_id)


def trainers_of(project: Project, session: Session | None) -> list[Trainer]:
    """The session's trainer, or every trainer of the project when none is named yet."""
    trainer = project.trainer(session.trainer_id) if session and session.trainer_id else None
    return [trainer] if trainer else list(project.trainers)


def individual_price(project: Project, session: Session) -> Decimal | None:
    """What one learner pays: the programme's price per learner, else the session's when it has one learner."""
    programme = programme_of(project, session)
    if programme.price is not None:
        return programme.price
    if session.price is not None and len(session.enrolments) <= 1:
        return session.price
    return None


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
        quals = [para(prose(q), st.cell, bulletText="•") for q in trainer.qualifications] or [
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
        parts.append(f"SIRET{NBSP}{esc(format_siret(org.siret))}")
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
    from qualikit.render.pdf_common import box

    sty = _styles()
    return box([para(f"{prose(intro)}<br/>{name_markup}", sty["party"]),
                para(detail, sty["party"])], width=width, background=TEAL_LIGHT, border=TEAL, padding=8)


def other_party_signature(heading: str, lines: Sequence[str], box_label: str, width: float):
    """The other party's half: who signs and « Fait à / Le » left to fill in, and a box to sign in;
    drawn like the provider's signature block below it."""
    from reportlab.platypus import KeepTogether, Table, TableStyle

    st = styles()
    sty = _styles()
    left = [para(f"<b>{prose(heading)}</b>", st.cell)]
    left += [para(line, st.cell) for line in lines]
    left += [_spacer(6), para(fr("Fait à : ") + BLANK, st.cell), para(fr("Le : ") + BLANK, st.cell)]
    box_w = 0.52 * width
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
    from qualikit.frdates import time_range

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
    detail = fmt("demeurant : {blank}", blank=BLANK + BLANK) + "<br/>" + (" · ".join(reach) + "<br/>" if reach else "")
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
           price=f"<b>{esc(euros(price, cents=True))}</b>"))
    add(_p(NO_PAYMENT_BEFORE))
    if schedule:
        add(KeepTogether([
            _p("Le stagiaire règle ce prix selon l'échéancier suivant, chaque échéance donnant lieu à une facture :"),
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
    detail = [fmt("adresse : {b}", b=BLANK + BLANK), fmt("SIRET : {b}", b=BLANK)]
    if session.client_email:
        detail.append(fmt("contact : {email}", email=mail(session.client_email)))
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
    facts = _facts_for(programme, session)
    trainers = trainers_of(project, session)
    if trainers:
        facts.append(("Formation animée par", ", ".join(esc(t.name) for t in trainers)))
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
        add(_p("Le prix de la formation est de {price} HT{how}. La TVA s'y ajoute au taux en vigueur lorsque "
               "l'organisme de formation y est assujetti pour cette prestation.",
               price=f"<b>{esc(euros(price, cents=True))}</b>", how=f" ({esc(how)})" if how != "prix de la session"
               else ""))
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
