"""The project's journal seen as project data: its problems become diagnostics."""

from __future__ import annotations

from pathlib import Path

from qualikit.base.clock import Clock
from qualikit.base.diagnostics import Diagnostic, Location
from qualikit.project.journal import Journal

FILENAME = "journal.jsonl"


def open_journal(root: Path, clock: Clock) -> Journal:
    return Journal(root / FILENAME, clock.now)


def journal_problems(root: Path) -> list[Diagnostic]:
    if not (root / FILENAME).is_file():
        return []
    return [Diagnostic(Location(FILENAME, p.line), p.message) for p in open_journal(root, Clock()).verify()]
