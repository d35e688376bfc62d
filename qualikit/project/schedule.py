"""Payment schedules of a contrat de formation (an individual paying for their own training).

The rules (Code du travail):

- L6353-5: the learner may withdraw « dans le délai de dix jours à compter de la signature du
  contrat », by registered letter with acknowledgement of receipt;
- L6353-6: « Aucune somme ne peut être exigée du stagiaire avant l'expiration du délai de
  rétractation […]. Il ne peut être payé à l'expiration de ce délai une somme supérieure à 30 % du
  prix convenu. Le solde donne lieu à échelonnement des paiements au fur et à mesure du déroulement
  de l'action de formation. »

How qualikit counts the withdrawal period (its reading, not a court's):

- As for any period expressed in days in French law (art. 641 of the Code de procédure civile), the
  day of the signature does not count: the period runs from the next day and ends at the end
  (midnight) of its 10th day. A contract signed on Wednesday 2 December 2026 can be withdrawn from
  until Saturday 12 December 2026 at midnight (`withdrawal_end`); a sum may be demanded from
  13 December. The learner withdraws by sending the letter within the period: the date of posting
  counts, whenever it arrives.
- The Code du travail does not say whether a period ending on a Saturday, a Sunday or a public
  holiday is extended to the next working day (art. 642 of the Code de procédure civile does so for
  procedure, L221-19 of the Code de la consommation for distance sales). `check_schedule` applies
  the plain reading above (no extension); `individual_schedule` is more careful and puts the first
  instalment on the first working day after the period, so its schedules hold under either reading.

What qualikit generates (practice, within the rules): 30 % of the price (rounded down to the cent)
on the first working day after the withdrawal period, then the balance « au fur et à mesure »: in
one part at the end of the training, or, for a training spread over several months, in equal
monthly parts (a month after the start, two months after…) with the last part at the end. Amounts
are whole cents and always add up to the price.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from qualikit.base.typography import NBSP, NNBSP
from qualikit.base.workdays import public_holidays, working_day_on_or_after  # noqa: F401 (re-exported)

WITHDRAWAL_DAYS = 10  # L6353-5
FIRST_SHARE = Decimal("0.30")  # L6353-6: at most 30 % of the price when the withdrawal period ends
CENT = Decimal("0.01")
_MONTH_DAYS = 30.44  # a mean month, to count how many monthly parts a training spans


@dataclass(frozen=True)
class Instalment:
    due: date
    amount: Decimal  # euros, whole cents
    label: str  # in French, for the contract's table


class ScheduleError(ValueError):
    """A payment schedule that breaks L6353-5/6 (the problems are in French)."""

    def __init__(self, problems: list[str]):
        super().__init__(" ; ".join(problems))
        self.problems = problems


# --- dates ----------------------------------------------------------------------------------

def withdrawal_end(signed_on: date) -> date:
    """The last day of the withdrawal period (the period ends at midnight that day)."""
    return signed_on + timedelta(days=WITHDRAWAL_DAYS)


def first_payable_day(signed_on: date) -> date:
    """The first day a sum may be demanded (plain reading: the day after the period)."""
    return withdrawal_end(signed_on) + timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 January + 1 month = 28 February)."""
    import calendar

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- amounts --------------------------------------------------------------------------------

def euros(amount: Decimal, *, cents: bool | None = None) -> str:
    """« 1 150 € », « 172,50 € »; cents=True always shows them (« 1 150,00 € », for tables).

    French style: a narrow no-break space between thousands, a no-break space before « € »."""
    amount = Decimal(amount)
    show_cents = cents if cents is not None else amount != amount.to_integral_value()
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if show_cents:
        exact = amount if amount.as_tuple().exponent < -2 else amount.quantize(CENT)
        whole, _, frac = f"{exact:f}".partition(".")
    else:
        whole, frac = f"{amount.to_integral_value():f}", ""
    groups = []
    while len(whole) > 3:
        whole, tail = whole[:-3], whole[-3:]
        groups.insert(0, tail)
    text = NNBSP.join([whole, *groups])
    return f"{sign}{text}{',' + frac if frac else ''}{NBSP}€"


def percent(part: Decimal, whole: Decimal) -> str:
    """« 45 % », « 33,3 % »: a share of the price, to a tenth."""
    if not whole:
        return f"0{NBSP}%"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))
    text = f"{value:f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + f"{NBSP}%"


# --- generating -----------------------------------------------------------------------------

def individual_schedule(price: Decimal, signed_on: date, start: date, end: date) -> list[Instalment]:
    """A lawful schedule for a contrat de formation signed on `signed_on` for a training held from
    `start` to `end`: 30 % after the withdrawal period, the balance as the training proceeds.

    Raises ValueError (French message) for a negative price, a price in fractions of a cent, a
    price too small to split (under 4 cents), an end before the start, or a contract signed after
    the start (L6353-3: the contract comes before the final registration)."""
    price = Decimal(price)
    if price < 0:
        raise ValueError(f"prix négatif ({euros(price)})")
    if price != price.quantize(CENT):
        raise ValueError(f"prix de {euros(price)}{NBSP}: à arrondir au centime")
    if end < start:
        raise ValueError(f"fin de la formation ({end:%d/%m/%Y}) avant son début ({start:%d/%m/%Y})")
    if signed_on > start:
        raise ValueError(f"contrat signé le {signed_on:%d/%m/%Y}, après le début de la formation "
                         f"({start:%d/%m/%Y}){NBSP}: il doit l’être avant l’inscription définitive (art. L6353-3)")
    if price == 0:
        return []
    deposit = (price * FIRST_SHARE).quantize(CENT, rounding=ROUND_DOWN)
    if deposit <= 0:
        raise ValueError(f"prix de {euros(price)} trop faible pour être échelonné")
    first = working_day_on_or_after(first_payable_day(signed_on))
    balance = price - deposit

    months = round((end - start).days / _MONTH_DAYS)
    dates = {working_day_on_or_after(add_months(start, k)) for k in range(1, months)}
    dates.add(working_day_on_or_after(end))
    dates = sorted(d for d in dates if d > first)
    if not dates:  # the training is over when the period ends: the balance a month after the deposit
        dates = [working_day_on_or_after(add_months(first, 1))]
    cents = int(balance / CENT)
    dates = dates[-cents:]  # never a part of 0 €
    part = (balance / len(dates)).quantize(CENT, rounding=ROUND_DOWN)

    plan = [Instalment(first, deposit, f"Acompte, à l’issue du délai de rétractation (30{NBSP}% au plus)")]
    at_end = working_day_on_or_after(end)
    for n, due in enumerate(dates, 1):
        amount = part if n < len(dates) else balance - part * (len(dates) - 1)
        if len(dates) == 1:
            label = "Solde, à la fin de la formation" if due == at_end else "Solde"
        else:
            label = f"Solde, versement {n} sur {len(dates)}" + (", à la fin de la formation" if due == at_end else "")
        plan.append(Instalment(due, amount, label))
    return plan


# --- checking -------------------------------------------------------------------------------

def check_schedule(price: Decimal, signed_on: date | None, instalments: list[Instalment], *,
                   start: date | None = None) -> list[str]:
    """What is wrong with a (hand-written) schedule, in French; empty when it is lawful.

    - an instalment due on or before the last day of the withdrawal period (signed_on + 10 days;
      skipped when the contract is not signed yet, signed_on=None);
    - an amount that is not positive or not in whole cents;
    - a first instalment (everything due on the earliest date) above 30 % of the price;
    - with `start`: more than 30 % due before the training starts (the balance is paid as the
      training proceeds);
    - a total that differs from the price."""
    price = Decimal(price)
    problems: list[str] = []
    ordered = sorted(instalments, key=lambda i: i.due)
    if signed_on is not None:
        last = withdrawal_end(signed_on)
        for item in ordered:
            if item.due <= last:
                problems.append(f"échéance du {item.due:%d/%m/%Y} avant la fin du délai de rétractation "
                                f"({last:%d/%m/%Y})")
    for item in ordered:
        amount = Decimal(item.amount)
        if amount <= 0:
            problems.append(f"échéance du {item.due:%d/%m/%Y}{NBSP}: montant nul ou négatif ({euros(amount)})")
        elif amount != amount.quantize(CENT):
            problems.append(f"échéance du {item.due:%d/%m/%Y}{NBSP}: montant de {euros(amount)} à arrondir au centime")
    if ordered and price > 0:
        first_day = ordered[0].due
        first = sum((Decimal(i.amount) for i in ordered if i.due == first_day), Decimal(0))
        if first > price * FIRST_SHARE:
            problems.append(f"premier versement de {percent(first, price)}{NBSP}: 30{NBSP}% au plus après le délai "
                            f"de rétractation (art. L6353-6)")
        elif start is not None:
            before = sum((Decimal(i.amount) for i in ordered if i.due < start), Decimal(0))
            if before > price * FIRST_SHARE:
                problems.append(f"{percent(before, price)} exigés avant le début de la formation "
                                f"({start:%d/%m/%Y}){NBSP}: au-delà de 30{NBSP}%, le solde s’échelonne "
                                f"au fur et à mesure de la formation (art. L6353-6)")
    total = sum((Decimal(i.amount) for i in ordered), Decimal(0))
    if total != price:
        problems.append(f"total {euros(total)} ≠ prix {euros(price)}")
    return problems
