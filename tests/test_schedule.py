"""Payment schedules of a contrat de formation (L6353-5 and L6353-6)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualikit.base.typography import NBSP, NNBSP
from qualikit.project.schedule import (
    Instalment,
    check_schedule,
    euros,
    first_payable_day,
    individual_schedule,
    public_holidays,
    withdrawal_end,
    working_day_on_or_after,
)

D = Decimal


def plain(text: str) -> str:
    return text.replace(NBSP, " ").replace(NNBSP, " ")


def test_the_period_ends_at_the_end_of_the_tenth_day_after_signature():
    assert withdrawal_end(date(2026, 12, 2)) == date(2026, 12, 12)
    assert first_payable_day(date(2026, 12, 2)) == date(2026, 12, 13)


def test_public_holidays_and_working_days():
    assert public_holidays(2026) >= {date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25), date(2026, 12, 25)}
    assert working_day_on_or_after(date(2026, 12, 25)) == date(2026, 12, 28)  # Friday, a holiday → Monday
    assert working_day_on_or_after(date(2026, 12, 14)) == date(2026, 12, 14)


def test_euros_in_french():
    assert euros(D("900")) == f"900{NBSP}€"
    assert euros(D("1150")) == f"1{NNBSP}150{NBSP}€"
    assert euros(D("1150"), cents=True) == f"1{NNBSP}150,00{NBSP}€"
    assert euros(D("172.5")) == f"172,50{NBSP}€"


# --- checking ------------------------------------------------------------------------------

def test_check_schedule_reports_each_problem_in_french():
    bad = [Instalment(date(2026, 12, 3), D("427.50"), "acompte"), Instalment(date(2027, 1, 4), D("472.50"), "solde")]
    assert [plain(p) for p in check_schedule(D(950), date(2026, 12, 2), bad)] == [
        "échéance du 03/12/2026 avant la fin du délai de rétractation (12/12/2026)",
        "premier versement de 45 % : 30 % au plus après le délai de rétractation (art. L6353-6)",
        "total 900 € ≠ prix 950 €",
    ]


def test_the_last_day_of_the_period_is_still_inside_it():
    on_last_day = [Instalment(date(2026, 12, 12), D(285), "a"), Instalment(date(2026, 12, 20), D(665), "b")]
    assert [plain(p) for p in check_schedule(D(950), date(2026, 12, 2), on_last_day)] == [
        "échéance du 12/12/2026 avant la fin du délai de rétractation (12/12/2026)"]
    next_day = [Instalment(date(2026, 12, 13), D(285), "a"), Instalment(date(2026, 12, 20), D(665), "b")]
    assert check_schedule(D(950), date(2026, 12, 2), next_day) == []


def test_instalments_on_the_first_day_count_together():
    split = [Instalment(date(2026, 12, 14), D(200), "a"), Instalment(date(2026, 12, 14), D(200), "b"),
             Instalment(date(2027, 1, 15), D(600), "c")]
    assert [plain(p) for p in check_schedule(D(1000), date(2026, 12, 2), split)] == [
        "premier versement de 40 % : 30 % au plus après le délai de rétractation (art. L6353-6)"]


def test_with_the_start_date_the_balance_cannot_be_demanded_before_the_training():
    early = [Instalment(date(2026, 12, 14), D(300), "a"), Instalment(date(2026, 12, 20), D(700), "b")]
    assert check_schedule(D(1000), date(2026, 12, 2), early) == []  # without the start: nothing to say
    problems = [plain(p) for p in check_schedule(D(1000), date(2026, 12, 2), early, start=date(2027, 1, 11))]
    assert problems == ["100 % exigés avant le début de la formation (11/01/2027) : au-delà de 30 %, le solde "
                        "s’échelonne au fur et à mesure de la formation (art. L6353-6)"]


def test_amounts_must_be_positive_whole_cents():
    odd = [Instalment(date(2026, 12, 14), D("0"), "a"), Instalment(date(2026, 12, 20), D("100.005"), "b")]
    problems = [plain(p) for p in check_schedule(D("100.005"), date(2026, 12, 2), odd)]
    assert "échéance du 14/12/2026 : montant nul ou négatif (0 €)" in problems
    assert "échéance du 20/12/2026 : montant de 100,005 € à arrondir au centime" in problems


def test_an_unsigned_contract_skips_the_withdrawal_check():
    plan = [Instalment(date(2026, 12, 3), D(300), "a"), Instalment(date(2027, 1, 4), D(700), "b")]
    assert check_schedule(D(1000), None, plan) == []


# --- generating ----------------------------------------------------------------------------

def test_a_short_training_pays_30_percent_after_the_period_and_the_balance_at_the_end():
    plan = individual_schedule(D(1150), date(2026, 11, 10), date(2026, 11, 30), date(2026, 12, 8))
    assert [(i.due, i.amount) for i in plan] == [(date(2026, 11, 23), D("345.00")), (date(2026, 12, 8), D("805.00"))]
    assert date(2026, 11, 20) == withdrawal_end(date(2026, 11, 10))  # a Friday; the 21st is a Saturday
    assert plan[1].label == "Solde, à la fin de la formation"


def test_a_long_training_spreads_the_balance_monthly_to_the_cent():
    plan = individual_schedule(D("4900.01"), date(2026, 12, 2), date(2027, 1, 11), date(2027, 6, 25))
    assert plan[0].due == date(2026, 12, 14)  # the period ends on Saturday 12 December
    assert plan[0].amount == D("1470.00")
    assert [i.due for i in plan[1:]] == [date(2027, 2, 11), date(2027, 3, 11), date(2027, 4, 12), date(2027, 5, 11),
                                         date(2027, 6, 25)]
    assert sum(i.amount for i in plan) == D("4900.01")
    assert plan[-1].label == "Solde, versement 5 sur 5, à la fin de la formation"


def test_a_training_over_before_the_period_ends_gets_its_balance_a_month_later():
    plan = individual_schedule(D(300), date(2026, 12, 1), date(2026, 12, 3), date(2026, 12, 4))
    assert [(i.due, i.amount) for i in plan] == [(date(2026, 12, 14), D("90.00")), (date(2027, 1, 14), D("210.00"))]
    assert check_schedule(D(300), date(2026, 12, 1), plan, start=date(2026, 12, 3)) == []


def test_a_free_training_has_no_schedule():
    assert individual_schedule(D(0), date(2026, 12, 1), date(2026, 12, 20), date(2026, 12, 20)) == []


@pytest.mark.parametrize(("price", "signed", "start", "end", "message"), [
    (D(-1), date(2026, 12, 1), date(2026, 12, 20), date(2026, 12, 20), "prix négatif"),
    (D("10.001"), date(2026, 12, 1), date(2026, 12, 20), date(2026, 12, 20), "centime"),
    (D("0.03"), date(2026, 12, 1), date(2026, 12, 20), date(2026, 12, 20), "trop faible"),
    (D(100), date(2026, 12, 1), date(2026, 12, 20), date(2026, 12, 19), "avant son début"),
    (D(100), date(2026, 12, 21), date(2026, 12, 20), date(2026, 12, 20), "L6353-3"),
])
def test_impossible_requests_are_refused(price, signed, start, end, message):
    with pytest.raises(ValueError, match=message):
        individual_schedule(price, signed, start, end)


prices = st.integers(min_value=4, max_value=10_000_000).map(lambda cents: Decimal(cents) / 100)
days = st.dates(min_value=date(2025, 1, 1), max_value=date(2031, 12, 31))


@given(price=prices, signed=days, wait=st.integers(0, 400), length=st.integers(0, 600))
def test_generated_schedules_always_pass_the_check(price, signed, wait, length):
    start = signed + timedelta(days=wait)
    end = start + timedelta(days=length)
    plan = individual_schedule(price, signed, start, end)
    assert check_schedule(price, signed, plan, start=start) == []
    assert sum(i.amount for i in plan) == price
    assert all(i.amount > 0 and i.amount == i.amount.quantize(Decimal("0.01")) for i in plan)
    assert all(i.due > withdrawal_end(signed) for i in plan)
    assert all(i.due.weekday() < 5 for i in plan)
    assert [i.due for i in plan] == sorted({i.due for i in plan})  # one instalment per date, in order
    assert plan[0].amount <= price * Decimal("0.30")


@given(price=prices, signed=days, offset=st.integers(-30, 10))
def test_a_payment_inside_the_withdrawal_period_is_always_reported(price, signed, offset):
    plan = [Instalment(signed + timedelta(days=offset), price, "tout")]
    problems = check_schedule(price, signed, plan)
    assert any("avant la fin du délai de rétractation" in p for p in problems)
