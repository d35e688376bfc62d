"""The learner's « Pack de fin de formation » guide, two pages.

Page 1 looks back: the training in brief (dates, hours done out of planned), the results per
objective, the hot survey (« Votre avis compte »), the resources.
Page 2 looks ahead: an individual action plan (seed 002) — the 2–3 objectives that most need
practice (« non acquis », « en cours d'acquisition », the lowest scores), each due at E+30, E+60 or
E+90 with blank lines for the learner to say how — then « Et après ? »: follow-on programmes, the
CPF, the bilan de compétences, the VAE, the CEP, and how to stay in touch (alumni, testimonial).

No claim is made that the provider's programmes are CPF-eligible: the guide points to
moncompteformation.gouv.fr for the learner's own rights.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from qualikit.base.typography import NBSP, fr
from qualikit.documents.attestation import results_table, span
from qualikit.documents.contract_parts import programme_of
from qualikit.documents.layout import Fitting, fitted
from qualikit.documents.pdf_common import (
    ACCENT,
    ACCENT_LIGHT,
    GREY,
    PAPER,
    RULE,
    TEAL,
    TEAL_LIGHT,
    WHITE,
    PageSetup,
    box,
    bullet_list,
    content_width,
    de,
    esc,
    facts_table,
    link,
    mail,
    para,
    prose,
    resource,
    styles,
)
from qualikit.documents.stamp import mastery, number, plain_date, result_label
from qualikit.journey.hours import Attended
from qualikit.project.model import Enrolment, Evaluation, Learner, Programme, Project, Session, Status

PLAN_OFFSETS = (30, 60, 90)  # days after the last day (E+30, E+60, E+90)
PLAN_WHEN = ("dans un mois", "dans deux mois", "dans trois mois")
CPF_URL = "https://www.moncompteformation.gouv.fr"
VAE_URL = "https://vae.gouv.fr"
CEP_URL = "https://mon-cep.org"


def plan_objectives(results: Sequence[tuple[str, Evaluation | None]],
                    count: int = 3) -> list[tuple[str, Evaluation | None]]:
    """The objectives to practise first: « non acquis », then « en cours d'acquisition » and the lowest
    scores, then those not evaluated, then the acquired ones; programme order breaks ties."""

    def need(item: tuple[int, tuple[str, Evaluation | None]]) -> tuple[float, int]:
        n, (_, evaluation) = item
        level = mastery(evaluation)
        return (0.75 if level is None else level), n

    ranked = sorted(enumerate(results), key=need)
    return [item for _, item in ranked[:count]]


def render_departure(project: Project, session: Session, learner: Learner, enrolment: Enrolment | None,
                     attended: Attended, results: Sequence[tuple[str, Evaluation | None]], root: Path,
                     links: dict[str, str], next_programmes: Sequence[Programme],
                     enclosed: Sequence[str] = ()) -> bytes:
    """The learner's departure guide, as PDF bytes (two pages: long lists are set tighter).

    `enclosed`: the titles of the documents sent with it, so the guide names only what the
    learner really receives (a drop-out gets no attestation)."""
    return fitted(departure_fitting(project, session, learner, enrolment, attended, results, root, links,
                                    next_programmes, enclosed))


def departure_fitting(project: Project, session: Session, learner: Learner, enrolment: Enrolment | None,
                      attended: Attended, results: Sequence[tuple[str, Evaluation | None]], root: Path,
                      links: dict[str, str], next_programmes: Sequence[Programme],
                      enclosed: Sequence[str] = ()) -> Fitting:
    """The guide's story at each layout level, on two pages."""
    programme = programme_of(project, session)
    setup = PageSetup(project.organisation, root, "Pack de fin de formation",
                      title=f"Pack de fin de formation – {programme.title}",
                      subject=f"{learner.full_name}, {span(session)}")
    return Fitting(lambda level: _departure(project, session, learner, enrolment, attended, results, links,
                                            next_programmes, enclosed, level), setup, pages=2)


def _departure(project: Project, session: Session, learner: Learner, enrolment: Enrolment | None,
               attended: Attended, results: Sequence[tuple[str, Evaluation | None]],
               links: dict[str, str], next_programmes: Sequence[Programme], enclosed: Sequence[str],
               level: int) -> list:
    from reportlab.platypus import PageBreak, Spacer

    org = project.organisation
    programme = programme_of(project, session)
    trainer = project.trainer(session.trainer_id) if session.trainer_id else None
    dropped = enrolment is not None and enrolment.status is Status.ABANDON
    st = styles()
    width = content_width()
    story: list = []
    add = story.append

    # --- page 1: looking back --------------------------------------------------------------
    add(para(prose("Pack de fin de formation").upper(), st.kicker))
    first = learner.first_name.strip() or learner.full_name.strip()
    if dropped:
        add(para(prose(f"{first}, la suite de votre parcours"), st.title))
        when = f" le {plain_date(enrolment.dropout_date)}" if enrolment.dropout_date else ""
        add(para(_fmt("Vous avez dû interrompre la formation « {title} »{when}. Ce guide reprend ce que vous "
                      "avez suivi, avec des pistes pour mettre en pratique ce que vous avez commencé. Si vous "
                      "le souhaitez, vous pourrez reprendre la formation lors d'une prochaine session : "
                      "parlons-en !", title=prose(programme.title), when=esc(when)), st.lead))
    else:
        add(para(prose(f"Bravo, {first} !"), st.title))
        add(para(_fmt("Vous avez terminé la formation « {title} ». Ce guide rassemble votre bilan, votre plan "
                      "d'action pour mettre en pratique ce que vous avez appris, des ressources et des pistes "
                      "pour la suite. Gardez-le à portée de main dans les semaines qui viennent : c'est "
                      "maintenant que tout se joue.", title=prose(programme.title)), st.lead))

    add(para(prose("Votre formation en bref"), st.h2))
    facts = [("Formation", f"<b>{prose(programme.title)}</b>"),
             ("Dates", esc(span(session).capitalize())),
             ("Heures suivies", esc(f"{number(attended.done)}{NBSP}h sur {number(attended.planned)}{NBSP}h prévues"))]
    if trainer:
        facts.append(("Formation animée par", esc(trainer.name)))
    add(facts_table(facts, width))

    if results:
        add(para(prose("Vos résultats"), st.h2))
        add(results_table(results, width, head=("Objectif", "Votre résultat"), compact=level))
        add(Spacer(1, 4))
    if enclosed:
        names = ", ".join(enclosed)
        documents = (f"Votre {names} accompagne ce guide : conservez-le, il pourra" if len(enclosed) == 1 else
                     f"Vos documents de fin de formation ({names}) accompagnent ce guide : conservez-les, ils "
                     "pourront")
        add(para(prose(f"{documents} vous être demandé{'' if len(enclosed) == 1 else 's'} par un employeur, un "
                       "financeur ou pour une démarche de VAE."), st.body_small))

    add(Spacer(1, 8))
    add(box(_survey(org, links.get("chaud")), width=width, background=ACCENT_LIGHT, border=ACCENT))

    if programme.resources:
        add(para(prose("Vos ressources"), st.h2))
        add(para(prose("Pour revenir sur la formation quand vous en aurez besoin :"), st.body))
        story.extend(bullet_list(programme.resources, markup=resource))

    # --- page 2: looking ahead -------------------------------------------------------------
    add(PageBreak())
    add(para(prose("Votre plan d'action"), st.h2))
    add(para(prose("Trois objectifs à mettre en pratique dans votre travail, en commençant par ceux qui "
                   "méritent encore de l'entraînement. Notez comment vous allez vous y prendre, et cochez la "
                   "case une fois l'objectif atteint !" if len(plan_objectives(results)) >= 3 else
                   "Vos objectifs à mettre en pratique dans votre travail. Notez comment vous allez vous y "
                   "prendre, et cochez la case une fois l'objectif atteint !"), st.body))
    chosen = plan_objectives(results) or [(None, None), (None, None)]
    end = session.end
    for n, (objective, evaluation) in enumerate(chosen):
        add(Spacer(1, 4))
        add(_action_card(n, objective, evaluation, end + timedelta(days=PLAN_OFFSETS[n]), width, level))

    add(para(prose("Et après ?"), st.h2))
    story.extend(_next_steps(next_programmes, width))

    add(Spacer(1, 8 if level < 2 else 4))
    signer = trainer.name if trainer else (org.legal_rep.name if org.legal_rep else None)
    closing = para(prose("Merci pour votre engagement, et belle suite !") + "<br/>"
                   + (f"<b>{esc(signer)}</b>, {prose(org.name)}" if signer else f"<b>{prose(org.name)}</b>"), st.body)
    contact = _stay_in_touch(org)
    if level >= 2:  # short of room: the closing words go inside the box
        contact.append(closing)
    add(box(contact, width=width, background=TEAL_LIGHT, border=TEAL))
    if level < 2:
        add(Spacer(1, 6))
        add(closing)
    return story


# --- pieces -------------------------------------------------------------------------------

def _fmt(template: str, **values: str) -> str:
    """Fixed French text with French typography, then the values (already markup)."""
    return fr(template).format(**values)


def _survey(org, url: str | None) -> list:
    st = styles()
    out = [para(prose("Votre avis compte"), st.box_title)]
    if url:
        out.append(para(prose("Comment s'est passée la formation ? Trois minutes suffisent pour répondre à ce "
                              "questionnaire ; vos réponses nous aident à améliorer les prochaines sessions."),
                        st.body))
        out.append(para(f"<b>{link(url, 'Donner mon avis')}</b>", st.body))
        out.append(para(esc(url), st.body_small))
    else:
        reach = f" ou à {mail(org.email)}" if org.email else ""
        out.append(para(_fmt("Comment s'est passée la formation ? Dites-le-nous en répondant à l'e-mail qui "
                             "accompagne ce guide{reach} : vos retours nous aident à améliorer les prochaines "
                             "sessions.", reach=reach), st.body))
    return out


@cache
def _card_styles() -> dict:
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    st = styles()
    return {
        "when": ParagraphStyle("qk-plan-when", parent=st.cell, fontName=st.kicker.fontName, fontSize=8,
                               leading=10.5, textColor=ACCENT),
        "goal": ParagraphStyle("qk-plan-goal", parent=st.cell_bold, fontSize=9.5, leading=12.5),
        "hint": ParagraphStyle("qk-plan-hint", parent=st.cell_small, textColor=GREY),
        "prompt": ParagraphStyle("qk-plan-prompt", parent=st.cell, textColor=TEAL),
        "done": ParagraphStyle("qk-plan-done", parent=st.cell_small, textColor=TEAL, alignment=TA_CENTER),
    }


@cache
def _drawing_classes():
    from reportlab.platypus import Flowable

    class WriteLines(Flowable):
        """Ruled lines to write on."""

        def __init__(self, count: int, gap: float = 17):
            super().__init__()
            self.count, self.gap = count, gap

        def wrap(self, availWidth, availHeight):
            self.width = availWidth
            self.height = self.count * self.gap
            return self.width, self.height

        def draw(self):
            c = self.canv
            c.saveState()
            c.setStrokeColor(RULE)
            c.setLineWidth(0.6)
            c.setDash(1, 2)
            for i in range(self.count):
                c.line(0, i * self.gap, self.width, i * self.gap)
            c.restoreState()

    class TickBox(Flowable):
        """An empty square to tick by hand, with a rounded corner."""

        def __init__(self, size: float = 13):
            super().__init__()
            self.width = self.height = size

        def wrap(self, availWidth, availHeight):
            return self.width, self.height

        def draw(self):
            c = self.canv
            c.saveState()
            c.setStrokeColor(TEAL)
            c.setLineWidth(1)
            c.roundRect(0, 0, self.width, self.height, 2, stroke=1, fill=0)
            c.restoreState()

    return WriteLines, TickBox


def _action_card(n: int, objective: str | None, evaluation: Evaluation | None, due: date, width: float,
                 level: int = 0):
    from reportlab.platypus import Spacer, Table, TableStyle

    sty = _card_styles()
    write_lines, tick_box = _drawing_classes()
    head = [para(prose(f"Objectif {n + 1} · d'ici le {plain_date(due)} ({PLAN_WHEN[n]})".upper()), sty["when"])]
    if objective:
        head.append(para(prose(objective), sty["goal"]))
        if evaluation is not None and level == 0:  # the results table shows it too
            head.append(para(esc(fr(f"Résultat à l'évaluation finale : {result_label(evaluation)}")), sty["hint"]))
    else:
        head.append(para(prose("Mon objectif :"), sty["goal"]))
        head.append(write_lines(1))
    head.append(para(prose("Comment je vais m'y prendre :"), sty["prompt"]))
    head.append(write_lines(2, 17 if level < 2 else 15))
    inner = Table([[head, [tick_box(), Spacer(1, 2), para(prose("fait"), sty["done"])]]],
                  colWidths=[width - 18 - 50, 50])
    inner.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, 0), (1, 0), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("LEFTPADDING", (1, 0), (1, 0), 12),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    card = Table([[inner]], colWidths=[width])
    card.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.6, RULE),
        ("LINEBEFORE", (0, 0), (0, -1), 3, ACCENT),
        ("LEFTPADDING", (0, 0), (-1, -1), 10),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 7),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    card.keepWithNext = False
    return card


def _next_steps(next_programmes: Sequence[Programme], width: float) -> list:
    """Follow-on programmes on one line each, then the four public routes as a 2 × 2 grid."""
    from reportlab.platypus import Spacer, Table, TableStyle

    st = styles()
    out: list = []
    if next_programmes:
        lines = []
        for p in next_programmes:
            duration = f" ({number(p.duration_hours)}{NBSP}h)" if p.duration_hours else ""
            lines.append(f"<b>{prose(p.title)}</b>{esc(duration)}")
        out.append(para(prose("Aller plus loin avec nous :"), st.h3))
        out.extend(bullet_list(lines, markup=lambda markup: markup))
        out.append(Spacer(1, 4))
    routes = [
        ("Votre compte personnel de formation (CPF)",
         _fmt("Consultez vos droits et les formations que vous pouvez financer sur {url}.",
              url=link(CPF_URL, "moncompteformation.gouv.fr"))),
        ("Le bilan de compétences",
         prose("Faire le point sur vos compétences, vos aptitudes et vos motivations pour construire un projet "
               "professionnel ; il peut être financé par votre CPF.")),
        ("La VAE (validation des acquis de l'expérience)",
         _fmt("Obtenir tout ou partie d'une certification grâce à votre expérience : {url}.",
              url=link(VAE_URL, "vae.gouv.fr"))),
        ("Le conseil en évolution professionnelle",
         _fmt("Gratuit et confidentiel, pour y voir clair dans votre projet : {url}.",
              url=link(CEP_URL, "mon-cep.org"))),
    ]
    cells = [[para(prose(label), st.cell_bold), para(text, st.cell)] for label, text in routes]
    half = (width - 10) / 2
    grid = Table([[cells[0], "", cells[1]], [cells[2], "", cells[3]]], colWidths=[half, 10, half])
    grid.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (0, -1), PAPER),
        ("BACKGROUND", (2, 0), (2, -1), PAPER),
        ("LINEBELOW", (0, 0), (0, 0), 5, WHITE),
        ("LINEBELOW", (2, 0), (2, 0), 5, WHITE),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    out.append(grid)
    return out


def _stay_in_touch(org) -> list:
    st = styles()
    out = [para(prose("Restons en contact"), st.box_title)]
    reach = []
    if org.email:
        reach.append(mail(org.email))
    if org.website:
        reach.append(link(org.website, org.website.removeprefix("https://").removeprefix("http://").rstrip("/")))
    where = (f"{NBSP}: " + " · ".join(reach)) if reach else ""
    out.append(para(_fmt("Vous faites désormais partie du réseau des ancien·nes participant·es {org}. "
                         "Une question en mettant en pratique, une envie d'aller plus loin ? Écrivez-nous, "
                         "nous répondons volontiers{where}.", org=prose(de(org.name)), where=where), st.body))
    out.append(para(prose("Envie de témoigner de votre expérience ? Dites-le-nous : nous ne publierons jamais "
                          "votre témoignage ni votre nom sans votre accord écrit."), st.body_small))
    return out
