"""Computing the BPF's figures of one financial year from the project.

What is counted, and in which financial year
What is counted, and in which financial year
- The financial year is the calendar year by default; `start` moves it (twelve months from
  `start`).
- A session counts in the financial year in which it ENDS: its learners (frames F and G) and its
  income (frame C) are counted there, and only there.
- Hours count by day: a day of training counts in the financial year it falls in. A session
  spanning two years has its hours split by its days (trainers' hours in E, hours-learners in F
  and G) while its learners and income count in the year it ends.
- A learner is every enrolment not withdrawn before the first day (« abandon » with a drop-out
  date on or before the session's first day). A person enrolled in two sessions counts twice.
- Hours-learners: the journey's hours (`journey.hours.attended_of`, the same function as the
  certificat de réalisation): a half-day counts when the learner was present at its roll call,
  the sheet signed in the room winning over presences.yaml, and before any drop-out (a drop-out
  counts for what was done); a half-day without any roll call counts its planned hours, and is
  listed in `problems`.

Income (frame C): from the invoices of the year less credit notes when qualikit issued any
(`qualikit invoice`); otherwise estimated: the session's price when
set (intra, a total), shared equally between the learners who started; otherwise the programme's
price × the learners who started. Each share goes to the line of its funder (the enrolment's,
else the session's, else the learner's: the order of render.stamp.funder_of); a session with a
donneur d'ordre (Session.contractor) goes whole to line 10 and its learners to frame G, not F.

Funder → frame C line, and → frame F-1 line:
    entreprise                      C-1                               F-1 a (with a company, else e)
    OPCO                            C-2 h (scheme unknown: see notes) F-1 a (with a company, else e)
    CPF (Caisse des dépôts)         C-2 e                             F-1 a (with a company, else e)
    Transitions Pro                 C-2 d                             F-1 a (with a company, else e)
    État / région / France Travail  C-5 / C-6 / C-7                   e / e / c
    Agefiph                         C-8 (autres ressources publiques) e
    particulier                     C-9                               d
    autre organisme de formation    C-10                              frame G
    autre                           C-11                              e
    none                            « à affecter » (a problem)        e (a problem)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from qualikit.admin.bpf.form import CENT, ZERO, Bpf, Tally
from qualikit.base.frdates import short_date
from qualikit.journey.hours import attended_of, missing_roll_calls
from qualikit.project.model import Enrolment, Funder, HalfDay, Modality, Project, Session, Status

FUNDER_LINE: dict[Funder, str] = {
    Funder.ENTREPRISE: "C-1",
    Funder.OPCO: "C-2h",
    Funder.CPF: "C-2e",
    Funder.TRANSITIONS_PRO: "C-2d",
    Funder.ETAT: "C-5",
    Funder.REGION: "C-6",
    Funder.FRANCE_TRAVAIL: "C-7",
    Funder.AGEFIPH: "C-8",
    Funder.PARTICULIER: "C-9",
    Funder.ORGANISME: "C-10",
    Funder.AUTRE: "C-11",
}

EMPLOYEE_FUNDERS = frozenset({Funder.ENTREPRISE, Funder.OPCO, Funder.CPF, Funder.TRANSITIONS_PRO})
UNKNOWN_CONTRACTOR = "donneur d'ordre non précisé"

INVOICED_NOTE = ("produits (cadre C) : les factures de l'exercice (datées du premier au dernier jour), avoirs "
                 "déduits, par nature de payeur")
BILLING_NOTE = ("la facturation n'est pas gérée par qualikit : les produits sont estimés à partir des prix "
                "des sessions et programmes")


def compute_bpf(project: Project, year: int, *, start: date | None = None, invoices=(), entries=(),
                purchases: Decimal | None = None) -> Bpf:
    """The BPF of the financial year `year` (1 January to 31 December, or twelve months from `start`).

    `invoices`: the invoices and credit notes issued (`admin.invoicing.ledger`); when there are any,
    frame C is their sum over the year by kind of payer, credit notes deducted, instead of the
    estimate from the prices. `entries`: the journal (cut like the project), whose sheets signed in
    the room give their half-days' roll calls, as for the certificats. `purchases`: the external
    intervenants' invoices of the year, HT (frame D, line « achats de prestation de formation »)."""
    from qualikit.journey.facts import build
    from qualikit.journey.roll_calls import with_signed

    first = start or date(year, 1, 1)
    last = _add_year(first) - timedelta(days=1)
    entries = list(entries)
    journey = build(project, entries, last)
    project = with_signed(project, entries)
    bpf = Bpf(year=year, start=first, end=last, organisation=project.organisation, purchases=purchases or None)
    _identification_problems(bpf)
    trainers: set[str] = set()
    externals: set[str] = set()
    opco = public = False
    times: Counter[str] = Counter()
    for session in sorted(project.sessions, key=lambda s: (s.start, s.id)):
        days = tuple(d for d in session.days if first <= d.date <= last)
        if not days:
            continue
        counted = first <= session.end <= last  # learners and income: the year the session ends
        part = session if len(days) == len(session.days) else replace(session, days=days)
        learners = _learners(bpf, project, journey, session, part, counted)
        if not learners and (session.enrolments or session.price is None):
            bpf._problem(f"session {session.id} : aucun stagiaire entré en formation ; session non comptée")
            continue  # a cancelled session delivers no hours
        bpf.sessions.append(session.id)
        if not counted:
            bpf.notes.append(f"session {session.id} : à cheval sur deux exercices ; ses heures de "
                             f"{_period(first, last)} sont comptées ici, ses stagiaires et ses produits dans "
                             "l'exercice où elle se termine")
        elif len(days) != len(session.days):
            bpf.notes.append(f"session {session.id} : commencée avant le {short_date(first)} ; seules ses heures "
                             "de l'exercice sont comptées ici, ses stagiaires et ses produits entièrement")
        programme = project.programme(session.programme_id)
        if (programme and programme.modality in (Modality.DISTANCIEL, Modality.MIXTE)) or session.distance_link:
            bpf.distance = True
        # E: the trainer's hours are the session's hours, whatever the number of learners; an external
        # intervenant's (sous-traitant, porté) on the line of the people outside the organisation.
        trainer = project.trainer(session.trainer_id) if session.trainer_id else None
        if trainer is not None and trainer.external:
            bpf.external_trainers.hours += part.planned_hours
            externals.add(trainer.id)
        else:
            bpf.trainers.hours += part.planned_hours
        if session.trainer_id:
            if not (trainer is not None and trainer.external):
                trainers.add(session.trainer_id)
        else:
            bpf._problem(f"session {session.id} : aucun formateur ; ses heures sont comptées en cadre E "
                         "sans personne")
        missing = missing_roll_calls(project, part)
        if missing and learners:
            bpf._problem(f"session {session.id} : appel non saisi, heures prévues utilisées "
                         f"({_half_days(missing)})")
        for share in learners:
            times[share.learner_id] += share.counted
            opco |= share.funder is Funder.OPCO
            public |= share.funder in (Funder.ETAT, Funder.REGION, Funder.AGEFIPH)
            _count_learner(bpf, project, session, share)
        if counted and not invoices:
            _income(bpf, project, session, learners)
    if invoices:
        _invoiced_income(bpf, [i for i in invoices if first <= i.issued_on <= last])
    bpf.trainers.count = len(trainers)
    bpf.external_trainers.count = len(externals)
    _notes(bpf, times, opco=opco, public=public)
    if invoices:
        bpf.notes[0] = INVOICED_NOTE
    return bpf


# --- learners ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Share:
    """One enrolment's part in this financial year."""

    learner_id: str
    counted: int  # 1 when the learner counts in this year (the session ends in it), else 0
    hours: Decimal
    funder: Funder | None
    company: str | None
    objective: str
    line: str | None  # frame C line of its income; None when the funder is unknown


def _learners(bpf: Bpf, project: Project, journey, session: Session, part: Session, counted: bool) -> list[_Share]:
    programme = project.programme(session.programme_id)
    objective = _objective(bpf, programme.id if programme else session.programme_id,
                           programme.certification_code if programme else None)
    shares = []
    for enrolment in session.enrolments:
        if _withdrawn_before_start(session, enrolment):
            continue
        who = f"{enrolment.learner_id} (session {session.id})"
        if enrolment.status is Status.ABANDON and enrolment.dropout_date is None:
            bpf._problem(f"{who} : abandon sans date ; compté(e) comme entré(e) en formation, heures "
                         "d'après les appels")
        learner = project.learner(enrolment.learner_id)
        funder = enrolment.funder or session.funder or (learner.funder if learner else None)
        company = enrolment.company or (learner.company if learner else None) or session.client
        if session.contractor or funder is Funder.ORGANISME:
            line = "C-10"
        elif funder is None:
            line = None
            bpf._problem(f"{who} : aucun financeur ; compté(e) en « autres stagiaires » (F-1 e) et ses "
                         "produits « à affecter »")
        else:
            line = FUNDER_LINE[funder]
        shares.append(_Share(enrolment.learner_id, int(counted), _hours(journey, session, part, enrolment), funder,
                             company, objective, line))
    return shares


def _withdrawn_before_start(session: Session, enrolment: Enrolment) -> bool:
    return (enrolment.status is Status.ABANDON and enrolment.dropout_date is not None
            and enrolment.dropout_date <= session.start)


def _hours(journey, session: Session, part: Session, enrolment: Enrolment) -> Decimal:
    """The certificat's hours over the year's days, plus the planned hours of half-days without
    any roll call (before any drop-out; listed in the problems)."""
    lj = journey.learner(session.id, enrolment.learner_id)
    if lj is None:  # a learner missing from the learners' file: `check` says so
        return ZERO
    a = attended_of(lj, frozenset(d.date for d in part.days))
    planned = {(d.date, half): r.hours for d in part.days for half, r in d.halves()}
    return a.done + sum((planned[slot] for slot in a.unknown), ZERO)


def _count_learner(bpf: Bpf, project: Project, session: Session, share: _Share) -> None:
    who = f"{share.learner_id} (session {session.id})"
    if session.contractor or share.funder is Funder.ORGANISME:
        donor = project.contractor_of(session)
        name = donor.name if donor else session.contractor or UNKNOWN_CONTRACTOR
        if not session.contractor:
            bpf._problem(f"{who} : financé(e) par un autre organisme de formation mais la session n'a pas de "
                         "donneur d'ordre ; compté(e) en cadre G")
        bpf.entrusted.setdefault(name, Tally()).add(share.counted, share.hours)
        return
    kind = _learner_type(share.funder, share.company)
    if kind == "e" and share.funder in EMPLOYEE_FUNDERS:
        bpf._problem(f"{who} : financé(e) par « {share.funder} » mais sans entreprise ; compté(e) en "
                     "« autres stagiaires » (F-1 e)")
    bpf.learner_types[kind].add(share.counted, share.hours)
    bpf.objectives[share.objective].add(share.counted, share.hours)
    programme = project.programme(session.programme_id)
    title = programme.title if programme else session.programme_id
    bpf.specialities.setdefault(title, Tally()).add(share.counted, share.hours)


def _learner_type(funder: Funder | None, company: str | None) -> str:
    if funder is Funder.PARTICULIER:
        return "d"
    if funder is Funder.FRANCE_TRAVAIL:
        return "c"
    if funder in EMPLOYEE_FUNDERS and company:
        return "a"
    return "e"


def _objective(bpf: Bpf, programme_id: str, code: str | None) -> str:
    text = "".join((code or "").split()).upper()
    if text.startswith("RNCP"):
        return "a"
    if text.startswith("RS"):
        return "b"
    if text:
        bpf._problem(f"programme {programme_id} : code de certification « {code} » ni RNCP ni RS ; compté en "
                     "« autres formations professionnelles » (F-3 d)")
    return "d"


# --- income --------------------------------------------------------------------------------------


def _income(bpf: Bpf, project: Project, session: Session, learners: list[_Share]) -> None:
    programme = project.programme(session.programme_id)
    if session.price is not None:
        if learners:
            weights = Counter(s.line for s in learners)
        else:  # sold as a whole, no learner listed
            line = "C-10" if session.contractor else FUNDER_LINE.get(session.funder) if session.funder else None
            if line is None:
                bpf._problem(f"session {session.id} : aucun financeur ; produit « à affecter »")
            bpf._problem(f"session {session.id} : aucun inscrit ; produit compté, stagiaires et heures-stagiaires "
                         "absents du bilan")
            weights = Counter({line: 1})
        for line, amount in _split(session.price, weights).items():
            _credit(bpf, line, amount)
        return
    if programme is None or programme.price is None:
        bpf._problem(f"session {session.id} : aucun prix (ni sur la session ni sur le programme)")
        return
    for share in learners:
        _credit(bpf, share.line, programme.price)


def _invoiced_income(bpf: Bpf, invoices) -> None:
    """Frame C from the invoices dated in the year, less the credit notes, by kind of payer."""
    for invoice in invoices:
        funder = Funder(invoice.payer_kind) if invoice.payer_kind in Funder._value2member_map_ else None
        line = FUNDER_LINE.get(funder) if funder else None
        if line is None:
            bpf._problem(f"facture {invoice.number} : payeur de nature inconnue ; produit « à affecter »")
        _credit(bpf, line, -invoice.total if invoice.credit else invoice.total)


def _credit(bpf: Bpf, line: str | None, amount: Decimal) -> None:
    if line is None:
        bpf.unassigned += amount
    else:
        bpf.income[line] += amount


def _split(total: Decimal, weights: Counter) -> dict:
    """`total` shared by weight, to the cent; the rounding difference goes to the largest share."""
    n = sum(weights.values())
    parts = {k: (total * w / n).quantize(CENT, ROUND_HALF_UP) for k, w in weights.items()}
    gap = total - sum(parts.values(), ZERO)
    if gap:
        biggest = max(parts, key=lambda k: parts[k])
        parts[biggest] += gap
    return parts


# --- identification, notes -----------------------------------------------------------------------


def _identification_problems(bpf: Bpf) -> None:
    org = bpf.organisation
    if not org.nda:
        bpf._problem("organisation : numéro de déclaration d'activité manquant (cadre A)")
    if not org.siret:
        bpf._problem("organisation : SIRET manquant (cadre A)")
    if not org.address.lines():
        bpf._problem("organisation : adresse manquante (cadre A)")
    if not org.legal_rep:
        bpf._problem("organisation : représentant légal manquant (cadre H)")


def _notes(bpf: Bpf, times: Counter, *, opco: bool, public: bool) -> None:
    general = [
        BILLING_NOTE,
        "une session compte dans l'exercice où elle se termine (stagiaires et produits) ; à cheval sur deux "
        "exercices, ses heures sont réparties selon ses journées",
        "heures-stagiaires : heures de présence relevées aux appels ; sans appel, heures prévues (hors abandon)",
    ]
    twice = sorted(lid for lid, n in times.items() if n > 1)
    if twice:
        general.append("un apprenant inscrit à plusieurs sessions compte une fois par session : "
                      + ", ".join(f"{lid} ({times[lid]})" for lid in twice))
    if opco:
        general.append("produits des OPCO comptés en ligne 2 h (plan de développement des compétences) : qualikit "
                      "ne connaît pas le dispositif ; un contrat d'apprentissage, de professionnalisation ou une "
                      "Pro-A se reportent en ligne 2 a, 2 b ou 2 c")
    if public:
        general.append("État, région, Agefiph : produits en lignes 5, 6 et 8 (publics spécifiques), stagiaires en "
                      "« autres stagiaires » ; pour la formation de leurs propres agents, utilisez la ligne 3, "
                      "et pour des demandeurs d'emploi la ligne F-1 c")
    general += [
        "cadre D (charges) : à reprendre de votre comptabilité ; les achats de prestation de formation sont les "
        "factures de vos intervenants extérieurs notées dans registre-sous-traitants.yaml" if bpf.purchases else
        "cadre D (charges) : à reprendre de votre comptabilité, qualikit ne les connaît pas",
        "cadre E : les heures des sessions animées par un intervenant extérieur (statut sous-traitant ou porté) "
        "sont sur la ligne des personnes extérieures, les autres sur celle de l'organisme",
        "cadres F-1 b et F-2 : qualikit n'enregistre ni contrat d'apprentissage ni action confiée à un autre "
        "organisme (lignes à 0)",
        "cadre F-4 : une ligne par programme ; saisissez le code NSF de chaque spécialité et regroupez les "
        "programmes de même spécialité",
        "sur Mon Activité Formation, arrondissez les montants à l'euro et les heures à l'unité",
    ]
    if bpf.objectives["a"].count or bpf.objectives["a"].hours:
        general.append("cadre F-3 a : qualikit ne connaît pas le niveau des certifications RNCP ; répartissez "
                      "la ligne a entre les niveaux")
    bpf.notes[:0] = general



# --- small helpers -------------------------------------------------------------------------------


def _add_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _period(first: date, last: date) -> str:
    return f"l'exercice du {short_date(first)} au {short_date(last)}"


def _half_days(slots: list[tuple[date, HalfDay]]) -> str:
    shown = [f"{d:%d/%m} {half}" for d, half in slots[:4]]
    more = len(slots) - len(shown)
    return f"{len(slots)} demi-journée{'s' if len(slots) > 1 else ''} : " + ", ".join(shown) + (
        f" et {more} autre{'s' if more > 1 else ''}" if more else "")
