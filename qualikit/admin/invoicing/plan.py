"""What is to be invoiced on a day, read from the journey (never recomputed): one item per
payable thing, with a stable key, its buyer and its lines.

- Particulier (contrat de formation): one item per instalment of the contract's schedule (the
  hand-written one, else `schedule.individual_schedule`), invoiced once it falls due — never
  before the withdrawal period is over (L6353-6). A learner who drops out owes what was done
  (L6353-7, as the contract says): the instalments due before the drop-out up to that amount,
  then one « solde au prorata » item for the rest.
- Convention (entreprise, OPCO, France Travail…): invoiced when the session is over. Sold as a
  whole (the session's price): one item for the client. Inter-entreprises: one item per buyer
  with a line per learner at the programme's price, pro rata of the hours done for a drop-out.
  The buyer is the payer named on the enrolment or the session (an OPCO in subrogation, a France
  Travail agency), else the learner's company.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from qualikit.base.frdates import short_date
from qualikit.documents.invoice import Line, Party
from qualikit.project.model import Client, ClientKind, Funder, Project, Session
from qualikit.project.schedule import CENT, Instalment, individual_schedule

PROFESSIONAL_FUNDERS = frozenset({Funder.ENTREPRISE, Funder.OPCO, Funder.TRANSITIONS_PRO, Funder.ORGANISME})


@dataclass(frozen=True)
class Item:
    """Something payable, as of a day: what an invoice of that key must say."""

    key: str
    session: str
    buyer: Party
    payer_kind: str  # a Funder value, for the BPF
    lines: tuple[Line, ...]
    professional: bool
    payment_days: int = 30
    notes: tuple[str, ...] = ()
    payer: str | None = None  # « client:<id> » or « apprenant:<id> »: whom a payment reminder goes to

    @property
    def total(self) -> Decimal:
        return sum((x.amount for x in self.lines), Decimal(0))


@dataclass
class Plan:
    items: list[Item] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # in French: what stops an invoice


def client_party(client: Client, *, on_behalf: str | None = None) -> Party:
    extra = []
    if on_behalf:
        extra.append(f"pour le compte de {on_behalf} (subrogation de paiement)")
    if client.agreement:
        extra.append(f"Accord de prise en charge n° {client.agreement}")
    return Party(client.name, client.siret, client.vat_number, client.address.street, client.address.postcode,
                 client.address.city, tuple(extra))


def seller_party(project: Project) -> Party:
    org = project.organisation
    extra = (f"Déclaration d'activité n° {org.nda}",) if org.nda else ()
    return Party(org.name, org.siret, org.vat_number, org.address.street, org.address.postcode, org.address.city,
                 extra)


def plan_invoices(project: Project, journey, day: date) -> Plan:
    """Every item payable by the end of `day` (`journey`: `journey.as_of(project, entries, day)`)."""
    plan = Plan()
    for sj in journey:
        session = sj.session
        programme = project.programme(session.programme_id)
        title = f"Formation « {programme.title if programme else session.programme_id} »"
        period = f"du {short_date(session.start)} au {short_date(session.end)}"
        if session.contractor:  # delivered for another organisme: invoiced to it alone, once it is over
            if day >= session.end:
                _subcontract(plan, project, session, sj.started, title, period)
            continue
        individuals = [lj for lj in sj.learners if lj.individual]
        for lj in individuals:
            _individual(plan, project, session, lj, title, period, day)
        others = [lj for lj in sj.learners if not lj.individual and not lj.withdrew_before_start]
        if others and day >= session.end:
            _convention(plan, project, session, others, title, period)
    return plan


def _individual(plan: Plan, project: Project, session: Session, lj, title: str, period: str, day: date) -> None:
    who = f"{lj.learner.id} (session {session.id})"
    if lj.withdrew_before_start:
        return
    if lj.signed_on is None:
        if day >= session.start:
            plan.problems.append(f"{who} : contrat de formation non signé, rien ne peut être facturé")
        return
    programme = project.programme(session.programme_id)
    if lj.enrolment.schedule:
        schedule = [Instalment(d, Decimal(a), "Échéance") for d, a in lj.enrolment.schedule]
    elif programme is not None and programme.price is not None:
        schedule = individual_schedule(programme.price, lj.signed_on, session.start, session.end)
    else:
        plan.problems.append(f"{who} : aucun prix (programme) ni échéancier")
        return
    price = sum((i.amount for i in schedule), Decimal(0))
    learner = lj.learner
    buyer = Party(learner.full_name, street=learner.address.street, postcode=learner.address.postcode,
                  city=learner.address.city)
    notes = (f"{title}, session {period}, contrat de formation signé le {short_date(lj.signed_on)}",)

    def item(key: str, label: str, amount: Decimal, quantity=Decimal(1), unit="forfait", unit_price=None) -> Item:
        line = Line(f"{title} — {label}", quantity, unit, unit_price if unit_price is not None else amount, amount)
        return Item(f"{session.id}:{learner.id}:{key}", session.id, buyer, Funder.PARTICULIER.value, (line,),
                    professional=False, notes=notes, payer=f"apprenant:{learner.id}")

    dropped = lj.dropped_on if lj.dropped and not lj.withdrew_before_start else None
    owed = price
    if dropped is not None:
        planned = session.planned_hours
        owed = (price * lj.hours_done / planned).quantize(CENT, ROUND_HALF_UP) if planned else Decimal(0)
    left = owed
    for n, instalment in enumerate(sorted(schedule, key=lambda i: i.due), 1):
        if dropped is not None and instalment.due >= dropped:
            break
        amount = min(instalment.amount, left)
        if instalment.due <= day and amount > 0:
            plan.items.append(item(f"echeance-{n}", f"{instalment.label}, échéance du {short_date(instalment.due)}",
                                   amount))
        left -= amount
    if dropped is not None and left > 0 and day >= dropped:
        plan.items.append(item("prorata", f"abandon le {short_date(dropped)} (force majeure) : "
                                          f"{_hours(lj.hours_done)} réalisées sur {_hours(session.planned_hours)}, "
                                          "solde au prorata (art. L6353-7)", left))


def _convention(plan: Plan, project: Project, session: Session, learners: list, title: str, period: str) -> None:
    if session.price is not None:
        client = project.client(session.payer) or project.client(session.client)
        company = project.client(session.client)
        funder = session.funder or Funder.ENTREPRISE
        if client is None:
            plan.problems.append(f"session {session.id} : client « {session.client or '?'} » absent de la table "
                                 "clients (adresse et SIRET nécessaires à la facture)")
            return
        on_behalf = company.name if company and client.id != company.id else None
        names = ", ".join(lj.learner.full_name for lj in learners)
        what = f"{title}, session intra {period} ({len(learners)} stagiaires : {names})"
        notes = (f"Convention de formation, session {session.id} {period}",)
        covered, rest = _shares(session.price, session.payer_share if on_behalf else None)
        if rest and company is None:
            plan.problems.append(f"session {session.id} : prise en charge partielle, mais l'entreprise cliente "
                                 f"« {session.client or '?'} » est absente de la table clients")
            return
        label = f"{what} — prise en charge" if rest else what
        plan.items.append(Item(f"{session.id}:convention", session.id, client_party(client, on_behalf=on_behalf),
                               _kind(client, funder), (Line(label, Decimal(1), "forfait", covered, covered),),
                               _professional(client, funder), client.payment_days, notes, f"client:{client.id}"))
        if rest:
            line = Line(f"{what} — reste à charge après la prise en charge de {client.name}", Decimal(1),
                        "forfait", rest, rest)
            plan.items.append(Item(f"{session.id}:convention:reste", session.id, client_party(company),
                                   Funder.ENTREPRISE.value, (line,), True, company.payment_days, notes,
                                   f"client:{company.id}"))
        return
    programme = project.programme(session.programme_id)
    if programme is None or programme.price is None:
        plan.problems.append(f"session {session.id} : aucun prix (ni sur la session ni sur le programme)")
        return
    groups: dict[str, tuple[Client, Client | None, str, list[Line]]] = {}
    for lj in learners:
        e, learner = lj.enrolment, lj.learner
        funder = lj.funder or Funder.ENTREPRISE
        company_name = e.company or learner.company
        company = project.client(company_name)
        payer = project.client(e.payer or session.payer) or company
        who = f"{learner.id} (session {session.id})"
        if payer is None:
            missing = e.payer or session.payer or company_name
            plan.problems.append(f"{who} : payeur {'« ' + missing + ' » ' if missing else ''}absent de la table "
                                 "clients (adresse et SIRET nécessaires à la facture)")
            continue
        planned = session.planned_hours
        share = e.payer_share if company is not None and company.id != payer.id else None
        if lj.dropped:
            done = lj.hours_done / planned if planned else Decimal(0)
            amount = (programme.price * done).quantize(CENT, ROUND_HALF_UP)
            covered, rest = _shares(amount, None if share is None else (share * done).quantize(CENT, ROUND_HALF_UP))
            rate = (programme.price / planned).quantize(Decimal("0.0001")) if planned else Decimal(0)
            label = (f"{title}, {learner.full_name} — abandon le {short_date(lj.dropped_on)} : "
                     f"{_hours(lj.hours_done)} réalisées sur {_hours(planned)}, au prorata")
            line = (Line(label, lj.hours_done, "h", rate, covered) if not rest else
                    Line(f"{label}, prise en charge", Decimal(1), "forfait", covered, covered))
        else:
            covered, rest = _shares(programme.price, share)
            line = (Line(f"{title}, {learner.full_name}", Decimal(1), "stagiaire", covered, covered) if not rest else
                    Line(f"{title}, {learner.full_name} — prise en charge", Decimal(1), "forfait", covered, covered))
        entry = groups.setdefault(payer.id, (payer, company if company and company.id != payer.id else None,
                                             _kind(payer, funder), []))
        entry[3].append(line)
        if rest:
            left = groups.setdefault(company.id, (company, None, Funder.ENTREPRISE.value, []))
            left[3].append(Line(f"{title}, {learner.full_name} — reste à charge après la prise en charge de "
                                f"{payer.name}", Decimal(1), "forfait", rest, rest))
    for payer_id, (payer, company, kind, lines) in groups.items():
        plan.items.append(Item(f"{session.id}:{payer_id}", session.id,
                               client_party(payer, on_behalf=company.name if company else None), kind, tuple(lines),
                               _professional(payer, Funder(kind)), payer.payment_days,
                               (f"Convention de formation, session inter-entreprises {session.id} {period}",),
                               f"client:{payer_id}"))


def _subcontract(plan: Plan, project: Project, session: Session, learners: list, title: str, period: str) -> None:
    """One invoice to the donneur d'ordre, at the contract's price (BPF line C-10 through its kind)."""
    donor = project.contractor_of(session)
    if donor is None:
        plan.problems.append(f"session {session.id} : donneur d'ordre « {session.contractor} » absent de la table "
                             "clients (adresse, SIRET et numéro de déclaration nécessaires à la facture)")
        return
    if session.price is None:
        plan.problems.append(f"session {session.id} : sous-traitance sans prix de la session (prix)")
        return
    line = Line(f"{title}, réalisée en sous-traitance, session {period} ({len(learners)} stagiaire"
                f"{'s' if len(learners) > 1 else ''}, {_hours(session.planned_hours)})", Decimal(1), "forfait",
                session.price, session.price)
    party = client_party(donor)
    if donor.nda:
        party = Party(party.name, party.siret, party.vat_number, party.street, party.postcode, party.city,
                      (*party.extra, f"Déclaration d'activité n° {donor.nda}"))
    plan.items.append(Item(f"{session.id}:sous-traitance", session.id, party, Funder.ORGANISME.value, (line,), True,
                           donor.payment_days, (f"Contrat de sous-traitance, session {session.id} {period}",),
                           f"client:{donor.id}"))


def _shares(amount: Decimal, share: Decimal | None) -> tuple[Decimal, Decimal]:
    """(what the payer covers, what the company pays): a partial prise en charge splits the price,
    never beyond it; with no share, the payer pays everything."""
    if share is None or share >= amount:
        return amount, Decimal(0)
    return share, amount - share


def _kind(client: Client, funder: Funder) -> str:
    """The BPF's kind of payer: the client's own kind when it is a funder, else the enrolment's funder."""
    by_kind = {ClientKind.OPCO: Funder.OPCO, ClientKind.FRANCE_TRAVAIL: Funder.FRANCE_TRAVAIL,
               ClientKind.ORGANISME: Funder.ORGANISME}
    if client.kind is ClientKind.ENTREPRISE:
        return Funder.ENTREPRISE.value  # an OPCO refunding the company afterwards: the company paid us
    return by_kind.get(client.kind, funder).value


def _professional(client: Client, funder: Funder) -> bool:
    return client.kind in (ClientKind.ENTREPRISE, ClientKind.OPCO, ClientKind.ORGANISME) or \
        funder in PROFESSIONAL_FUNDERS


def _hours(value: Decimal) -> str:
    from qualikit.base.frdates import hours

    return hours(value)


def due_date(issued_on: date, days: int) -> date:
    return issued_on + timedelta(days=days)
