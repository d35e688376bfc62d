"""The one clock every date-dependent command reads, so tests and demos can pin it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
ENV = "QUALIKIT_TODAY"


@dataclass(frozen=True)
class Clock:
    """`fixed` pins "now" (from --today or QUALIKIT_TODAY); None means the real time."""

    fixed: datetime | None = None

    def now(self) -> datetime:
        return self.fixed if self.fixed is not None else datetime.now(PARIS)

    def today(self) -> date:
        return self.now().date()


def parse_today(text: str) -> datetime:
    """`2026-11-23` (taken at 09:00, Paris) or a full ISO date-time; ValueError otherwise."""
    text = text.strip()
    if len(text) == 10:
        day = date.fromisoformat(text)
        return datetime.combine(day, time(9, 0), PARIS)
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=PARIS) if moment.tzinfo is None else moment.astimezone(PARIS)


def make_clock(today: str | None) -> Clock:
    text = today or os.environ.get(ENV)
    return Clock(parse_today(text) if text else None)
