"""Working days in France: when a mail to a learner or a client may go out.

Learners and clients are not written to on weekends, public holidays or the days the
organisation says it is closed; a step falling on such a day moves to the next working day,
or, when it announces something (J-1, the convocation), to the previous one so it still comes
before. The trainer's own digest is not concerned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


@cache
def public_holidays(year: int) -> frozenset[date]:
    """The 11 public holidays of metropolitan France (Alsace-Moselle adds two: list them as closed days)."""
    easter = _easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    moving = [easter + timedelta(days=n) for n in (1, 39, 50)]  # lundi de Pâques, Ascension, Pentecôte
    return frozenset([date(year, m, d) for m, d in fixed] + moving)


@dataclass(frozen=True)
class WorkCalendar:
    """Which days mails may go out: Monday to Friday, minus public holidays and closed days.

    `enabled=False` (parametres: envoi_jours_ouvres: non) sends every day."""

    enabled: bool = True
    closed: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        if not self.enabled:
            return True
        return day.weekday() < 5 and day not in public_holidays(day.year) and day not in self.closed

    def on_or_after(self, day: date) -> date:
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def on_or_before(self, day: date) -> date:
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day


ALWAYS = WorkCalendar(enabled=False)
WORKING_DAYS = WorkCalendar()


def working_day_on_or_after(day: date) -> date:
    """The first working day from `day` (weekends and public holidays only)."""
    return WORKING_DAYS.on_or_after(day)
