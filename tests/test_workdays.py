"""Mails to learners go out on working days: the calendar, then `remind` on the demo through the CLI."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from typer.testing import CliRunner

from conftest import DEMO
from qualikit.base.clock import Clock
from qualikit.base.workdays import WorkCalendar
from qualikit.cli import app
from qualikit.project.journal_check import open_journal

SESSION = "projet-2026-11-30"  # starts Monday 30/11/2026: J-1 is a Sunday


def test_weekends_public_holidays_and_closed_days_are_not_worked():
    calendar = WorkCalendar(closed=frozenset({date(2026, 12, 24)}))
    assert calendar.on_or_after(date(2026, 12, 24)) == date(2026, 12, 28)  # closed, Christmas, weekend
    assert calendar.on_or_before(date(2026, 12, 27)) == date(2026, 12, 23)
    assert calendar.on_or_after(date(2026, 5, 14)) == date(2026, 5, 15)  # Ascension
    assert calendar.is_working_day(date(2026, 12, 4)) and not calendar.is_working_day(date(2026, 12, 5))
    assert WorkCalendar(enabled=False).is_working_day(date(2026, 12, 25))


@pytest.fixture
def demo(tmp_path):
    return shutil.copytree(DEMO, tmp_path / "demo")


def keys(root, step: str) -> list[str]:
    return [e.key for e in open_journal(root, Clock()).entries() if e.key and e.key.startswith(f"remind:{step}:")]


def run(root, day: str):
    result = CliRunner().invoke(app, ["remind", "-p", str(root), "--today", day])
    assert result.exit_code == 0, result.output


def test_the_day_before_a_monday_goes_on_friday_and_nothing_goes_on_the_weekend(demo):
    run(demo, "2026-11-23")  # convocations
    run(demo, "2026-11-26")
    assert keys(demo, f"rappel-veille:{SESSION}") == []
    run(demo, "2026-11-27")  # Friday: J-1 (Sunday) moved before
    sent = keys(demo, f"rappel-veille:{SESSION}")
    assert sent
    run(demo, "2026-11-28")
    run(demo, "2026-11-29")
    assert keys(demo, f"rappel-veille:{SESSION}") == sent  # never twice


def test_every_day_when_the_trainer_says_so(demo):
    text = (demo / "organisation.yaml").read_text(encoding="utf-8")
    (demo / "organisation.yaml").write_text(
        text.replace("parametres:\n", "parametres:\n  envoi_jours_ouvres: non\n", 1), encoding="utf-8")
    run(demo, "2026-11-23")
    run(demo, "2026-11-27")
    assert keys(demo, f"rappel-veille:{SESSION}") == []
    run(demo, "2026-11-29")  # Sunday, as asked
    assert keys(demo, f"rappel-veille:{SESSION}")


def test_a_step_due_on_a_closed_day_waits_for_the_next_working_day(demo):
    """Absent on Monday 30/11, followed up on Tuesday, unless the organisation is closed that day."""
    text = (demo / "organisation.yaml").read_text(encoding="utf-8")
    (demo / "organisation.yaml").write_text(
        text.replace("parametres:\n", "parametres:\n  jours_fermes: [2026-12-01]\n", 1), encoding="utf-8")
    with (demo / "presences.yaml").open("a", encoding="utf-8") as f:
        f.write(f"- {{session: {SESSION}, date: 2026-11-30, demi_journee: matin, absents: [nicolas-faure]}}\n")
    run(demo, "2026-11-23")
    run(demo, "2026-12-01")
    assert not keys(demo, f"relance-absence:{SESSION}:nicolas-faure")
    run(demo, "2026-12-02")
    assert keys(demo, f"relance-absence:{SESSION}:nicolas-faure")


def test_a_session_over_and_not_closed_tells_the_trainer_and_writes_to_no_learner(demo):
    """excel-2026-10-15 ends on 16/10 and is never closed: no survey, no follow-up, but the trainer is told."""
    outputs = []
    for day in ("2026-10-08", "2026-10-14", "2026-10-19", "2026-10-23", "2026-10-30"):
        result = CliRunner().invoke(app, ["remind", "-p", str(demo), "--today", day])
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    sent = {p.name.split("_")[1] for p in (demo / "outbox").glob("*excel-2026-10-15*.eml")}
    # the convocations, J-1 and the follow-up of an absence; nothing that comes after the session
    assert sent == {"email", "rappel-veille", "relance-absence"}
    assert "excel-2026-10-15 terminée le vendredi 16\u00a0octobre\u00a02026 et pas encore clôturée" in outputs[-1]
    status = CliRunner().invoke(app, ["status", "-p", str(demo), "--today", "2026-10-30"], env={"COLUMNS": "300"})
    assert "session excel-2026-10-15 : clôturer : qualikit close-session" in " ".join(status.output.split())
