"""The fiche programme (indicator 1): the public, dated description of a training, as a PDF.

Indicator 1 asks for « une information accessible au public, détaillée et vérifiable » before any
contracting: prerequisites, objectives, duration, access modalities and delay, prices, contacts,
methods, evaluation, accessibility for people with a disability; from 1 November 2026 also the
type of recognition delivered and the financing options, with no misleading claim. L6352-12: where
the activity declaration number appears in publicity, it is followed by « Cet enregistrement ne vaut
pas agrément de l'État » — in the body of the sheet and in the footer of every page.

`sheet_content` gathers the text once; this PDF and the HTML page (programme_html.py) show the
same thing. `sheet_problems` lists what is missing or could mislead (in French), for the checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from qualikit.base.frdates import hours, long_date
from qualikit.base.typography import fr
from qualikit.documents.layout import Fitting, fitted
from qualikit.documents.pdf_common import (
    TEAL,
    TEAL_LIGHT,
    PageSetup,
    box,
    bullet_list,
    content_width,
    esc,
    facts_table,
    identity_lines,
    link,
    mail,
    para,
    phone,
    prose,
    styles,
)
from qualikit.documents.stamp import plain_date
from qualikit.journey.facts import Journey
from qualikit.project.model import Modality, Organisation, Person, Programme, Project
from qualikit.project.schedule import euros

NOT_APPROVAL = "Cet enregistrement ne vaut pas agrément de l'État."  # L6352-12

MODALITY = {
    Modality.PRESENTIEL: "En présentiel",
    Modality.DISTANCIEL: "À distance (classe virtuelle)",
    Modality.MIXTE: "Mixte : en présentiel et à distance",
}
# Words that announce a certifying training: misleading without an RNCP or RS code.
_CERTIFYING = re.compile(r"certification|certifiant|diplôm|titre professionnel|qualifiant|\brncp\b|\brs\d",
                         re.IGNORECASE)
_CPF = re.compile(r"\bCPF\b|compte personnel de formation|mon ?compte ?formation", re.IGNORECASE)


# --- the content, shared with the HTML page -------------------------------------------------

@dataclass(frozen=True)
class Section:
    heading: str
    items: tuple[str, ...]
    intro: str | None = None
    numbered: bool = False


@dataclass(frozen=True)
class SheetContent:
    """The fiche programme as plain French text (typography applied, not escaped)."""

    title: str
    updated: date
    issued_on: date
    facts: tuple[tuple[str, str], ...]  # label, text
    sessions: tuple[str, ...]  # upcoming inter-company sessions
    sections: tuple[Section, ...]
    accessibility: str
    referent: Person | None
    network: tuple[str, ...]
    organisation: Organisation
    identity: tuple[str, ...]  # raison sociale, address, SIRET / the declaration with the L6352-12 formula


def sheet_content(project: Project, programme: Programme, issued_on: date,
                  journey: Journey | None = None) -> SheetContent:
    """`journey`: where the learners stand (as of its day), for a certifying programme's rates."""
    org = project.organisation
    facts: list[tuple[str, str]] = []
    if programme.audience:
        facts.append(("Public visé", programme.audience))
    if programme.duration_hours is not None:
        facts.append(("Durée", hours(programme.duration_hours)))
    if programme.modality is not None:
        facts.append(("Modalité", MODALITY[programme.modality]))
    if programme.price is not None:
        facts.append(("Tarif", f"{euros(programme.price)} HT par participant"))
    if programme.access_delay:
        facts.append(("Délai d'accès", programme.access_delay))
    facts.append(("Reconnaissance", recognition_text(programme)))

    sections = [
        Section("Objectifs", programme.objectives, "À l'issue de la formation, vous serez capable de :", True),
        Section("Prérequis", programme.prerequisites or ("Aucun",)),
        Section("Contenu", programme.outline),
        Section("Méthodes pédagogiques", programme.methods),
        Section("Modalités d'évaluation", programme.evaluation),
        Section("Modalités de financement", programme.financing),
        Section("Certification", certification_lines(project, programme, journey)),
    ]
    return SheetContent(
        title=fr(programme.title),
        updated=programme.updated or issued_on,
        issued_on=issued_on,
        facts=tuple((fr(k), fr(v)) for k, v in facts),
        sessions=tuple(upcoming_sessions(project, programme, issued_on)),
        sections=tuple(Section(fr(s.heading), tuple(fr(i) for i in s.items), fr(s.intro) if s.intro else None,
                               s.numbered) for s in sections if s.items),
        accessibility=fr(programme.accessibility or (
            "Formation accessible aux personnes en situation de handicap : contactez le référent handicap avant "
            "l'inscription pour étudier ensemble les adaptations utiles.")),
        referent=org.disability_referent,
        network=tuple(fr(n) for n in org.disability_network),
        organisation=org,
        identity=tuple(publicity_lines(org)),
    )


def recognition_text(programme: Programme) -> str:
    """The type of recognition, and whether the training is certifying (indicator 1, 2026)."""
    text = programme.recognition or "Attestation de fin de formation"
    if programme.certification_code:
        return f"{text} – certification enregistrée sous le code {programme.certification_code}"
    return f"{text} (formation non certifiante)"


def certification_lines(project: Project, programme: Programme, journey: Journey | None = None) -> tuple[str, ...]:
    """What indicator 3 asks a certifying programme to publish: the presentation and obtention rates of
    its learners (with `journey`: the figures `kpi` gives), blocks, equivalences, bridges, next steps,
    outlets and the fiche's insertion rates."""
    cert = project.certification(programme.certification_code)
    if cert is None:
        return ()
    lines = [f"{cert.code} – {cert.title}" + (f", délivrée par {cert.certifier}" if cert.certifier else "")]
    if journey is not None:
        lines.append(rates_line(project, cert.code, journey))
    if cert.blocks:
        lines.append(("Blocs de compétences, validables séparément : " if cert.separate_blocks else
                      "Blocs de compétences : ") + " ; ".join(f"{b.code} {b.title}" for b in cert.blocks))
    for label, items in (("Équivalences", cert.equivalences), ("Passerelles", cert.bridges),
                         ("Suites de parcours", cert.next_steps), ("Débouchés", cert.outlets)):
        if items:
            lines.append(f"{label} : {' ; '.join(items)}")
    if cert.insertion_rate is not None or cert.job_insertion_rate is not None:
        rates = [f"{label} {(r * 100).normalize():f}\u00a0%" for label, r in (
            ("global", cert.insertion_rate), ("dans le métier visé", cert.job_insertion_rate)) if r is not None]
        read = f" (fiche France compétences lue le {cert.fiche_read_on:%d/%m/%Y})" if cert.fiche_read_on else ""
        lines.append(f"Taux d'insertion des titulaires : {', '.join(rates)}{read}")
    if not cert.assesses and cert.assessor:
        lines.append(f"Examen passé auprès de : {cert.assessor}")
    return tuple(lines)


def rates_line(project: Project, code: str, journey: Journey) -> str:
    """The certification's rates over every session ended by the journey's day, as `kpi` shows them
    (a rate on fewer than 5 people is given in numbers)."""
    from qualikit.quality.figures import certification_figures, select

    figures = certification_figures(project, select(journey), journey.day, code)
    day = f"{journey.day:%d/%m/%Y}"
    if not figures or not figures[0].denominator:
        return f"Taux de présentation et d'obtention : aucune session terminée au {day}"
    presented, obtained, partial = (f.text().replace(" ", "\u00a0") for f in figures)  # « 1 sur 2 » never cut
    text = f"Résultats de nos apprenants au {day} : présentés à l'examen {presented} ; certification obtenue {obtained}"
    if figures[2].numerator:
        text += f" ; blocs obtenus sans la certification entière {partial}"
    return text + " (présentés ÷ apprenants ayant commencé la formation ; obtenus ÷ présentés)"


def upcoming_sessions(project: Project, programme: Programme, issued_on: date, limit: int = 4) -> list[str]:
    """Dates of the coming inter-company sessions (a client's own session is not public)."""
    found = sorted((s for s in project.sessions if s.programme_id == programme.id and s.days
                    and s.start >= issued_on and not s.client), key=lambda s: (s.start, s.id))
    out = []
    for s in found[:limit]:
        span = long_date(s.start) if s.start == s.end else f"du {long_date(s.start)} au {long_date(s.end)}"
        out.append(fr(span[:1].upper() + span[1:]))
    return out


def publicity_lines(org: Organisation) -> list[str]:
    """The provider's identity for publicity: the declaration number followed by the L6352-12
    formula on a line of its own, so that it is never cut. The footer holds three lines: the
    contacts line gives way to the formula (publicity documents give the contacts in their body)."""
    lines = identity_lines(org)
    if not org.nda:
        return lines
    nda = next(i for i, line in enumerate(lines) if line.startswith(fr("Déclaration d'activité")))
    return [*lines[: nda + 1], fr(NOT_APPROVAL)]


def sheet_problems(programme: Programme) -> list[str]:
    """What the sheet lacks for indicator 1, or what could mislead a reader (French)."""
    problems = []
    missing = [label for label, value in (
        ("objectifs", programme.objectives), ("public visé", programme.audience),
        ("durée", programme.duration_hours), ("modalité", programme.modality),
        ("méthodes pédagogiques", programme.methods), ("modalités d'évaluation", programme.evaluation),
        ("accessibilité", programme.accessibility), ("tarif", programme.price),
        ("type de reconnaissance", programme.recognition), ("modalités de financement", programme.financing),
        ("délai d'accès", programme.access_delay), ("date de mise à jour", programme.updated),
    ) if value in (None, (), "")]
    if missing:
        problems.append(fr(f"{programme.id} : fiche programme incomplète : {', '.join(missing)}"))
    if not programme.certification_code:
        if any(_CPF.search(f) for f in programme.financing):
            problems.append(fr(f"{programme.id} : financement par le CPF annoncé sans code RNCP ou RS : hors "
                               "exceptions (bilan de compétences, VAE, permis de conduire…), le CPF ne finance "
                               "que des certifications enregistrées"))
        if programme.recognition and _CERTIFYING.search(programme.recognition):
            problems.append(fr(f"{programme.id} : reconnaissance « {programme.recognition} » : une certification, "
                               "un diplôme ou un titre suppose un code RNCP ou RS"))
    return problems


# --- the PDF --------------------------------------------------------------------------------

def render_programme_sheet(project: Project, programme: Programme, root: Path, issued_on: date,
                           journey: Journey | None = None) -> bytes:
    """The fiche programme as PDF bytes: one or two pages, dated, ready to publish."""
    return fitted(programme_sheet_fitting(project, programme, root, issued_on, journey))


def programme_sheet_fitting(project: Project, programme: Programme, root: Path, issued_on: date,
                            journey: Journey | None = None) -> Fitting:
    """The sheet's story at each layout level, on two pages at most."""
    content = sheet_content(project, programme, issued_on, journey)
    setup = publicity_setup(content.organisation, root, "Fiche programme", title=f"Programme – {content.title}",
                            subject=f"Mise à jour le {content.updated}")
    return Fitting(lambda level: _story(content, level), setup, pages=2)


def _story(content: SheetContent, level: int) -> list:
    from reportlab.platypus import KeepTogether, Spacer

    st = styles()
    org = content.organisation
    width = content_width()
    story: list = []
    add = story.append

    add(para(prose("Programme de formation").upper(), st.kicker))
    add(para(prose(content.title), st.title))
    add(para(esc(fr(f"Mise à jour le {plain_date(content.updated)}")), st.body_small))
    add(Spacer(1, 4))
    facts = [(label, prose(text)) for label, text in content.facts]
    if content.sessions:
        facts.append(("Prochaines sessions", "<br/>".join(esc(s) for s in content.sessions)))
    add(facts_table(facts, width))

    for section in content.sections:
        block = [para(prose(section.heading), st.h2)]
        if section.intro:
            block.append(para(prose(section.intro), st.h3))
        items = bullet_list(section.items, numbered=section.numbered)
        add(KeepTogether(block + items[:2]))
        story.extend(items[2:])

    # --- accessibility and contacts --------------------------------------------------------
    access = [para(prose("Accessibilité aux personnes en situation de handicap"), st.h2),
              para(prose(content.accessibility), st.body)]
    ref = content.referent
    if ref:
        reach = [mail(ref.email)] if ref.email else []
        reach += [phone(ref.phone)] if ref.phone else []
        access.append(para(f"{prose('Référent handicap :')} <b>{esc(ref.name)}</b>"
                           + (f" – {' · '.join(reach)}" if reach else ""), st.body))
    if content.network:
        access.append(para(prose("Nous travaillons avec : ") + ", ".join(prose(n) for n in content.network) + ".",
                           st.body_small))
    add(KeepTogether(access))

    contacts = [para(prose("Contacts"), st.h2)]
    lines = [f"<b>{prose(org.name)}</b>"]
    reach = [mail(org.email)] if org.email else []
    reach += [phone(org.phone)] if org.phone else []
    if org.website:
        reach.append(link(org.website, re.sub(r"^https?://", "", org.website).rstrip("/")))
    if reach:
        lines.append(" · ".join(reach))
    contacts.append(para(prose("Renseignements et inscription : ") + "<br/>".join(lines), st.body))
    if org.legal_rep:
        rep = org.legal_rep
        who = f"<b>{esc(rep.name)}</b>" + (f", {prose(rep.title)}" if rep.title else "")
        rep_reach = [mail(rep.email)] if rep.email else []
        rep_reach += [phone(rep.phone)] if rep.phone else []
        contacts.append(para(prose("Responsable pédagogique : ") + who
                             + (f" – {' · '.join(rep_reach)}" if rep_reach else ""), st.body))
    add(KeepTogether(contacts))

    # --- identity, declaration and the L6352-12 formula ------------------------------------
    add(Spacer(1, 10 if level == 0 else 6))
    inner = [para("<br/>".join(prose(line) for line in content.identity), st.body_small),
             para(esc(fr(f"Fiche mise à jour le {plain_date(content.updated)}, éditée le "
                         f"{plain_date(content.issued_on)}.")), st.body_small)]
    add(box(inner, width=width, background=TEAL_LIGHT, border=TEAL, padding=8))

    return [_tighter(f, level) for f in story] if level else story


def publicity_setup(organisation: Organisation, root: Path, doc_label: str, title: str,
                    subject: str = "") -> PageSetup:
    """The pages of a publicity document: the declaration number followed by « Cet enregistrement ne
    vaut pas agrément de l'État » in the footer of every page (L6352-12)."""
    return PageSetup(organisation, root, doc_label, title, subject, footer=tuple(publicity_lines(organisation)))


def _tighter(flowable, level: int):
    """Less space between paragraphs (the fitted() levels)."""
    style = getattr(flowable, "style", None)
    if style is not None and hasattr(style, "spaceBefore"):
        from reportlab.lib.styles import ParagraphStyle

        flowable.style = ParagraphStyle(f"{style.name}-t{level}", parent=style,
                                        spaceBefore=style.spaceBefore * (0.6 if level == 1 else 0.3),
                                        spaceAfter=style.spaceAfter * (0.7 if level == 1 else 0.4))
    return flowable

