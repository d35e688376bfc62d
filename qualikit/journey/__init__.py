"""The learner's journey: the plan of steps (plan), the project and journal cut at a date (asof),
the dated facts of each learner (facts) and where each one stands (state)."""

from __future__ import annotations

from datetime import date

from qualikit.journey.asof import entries_as_of, project_as_of
from qualikit.journey.facts import Journey, build


def as_of(project, entries: list, day: date, only: set[str] | None = None) -> Journey:
    """The journey as it stood at the end of `day`: the one answer to "where is this learner?".

    `only`: build just these sessions (the others are absent from the result)."""
    return build(project_as_of(project, day, only), entries_as_of(entries, day), day, only)
