"""The project's journal seen as project data: its problems become diagnostics."""

from __future__ import annotations

from pathlib import Path

from qualikit.base.clock import Clock
from qualikit.base.diagnostics import Diagnostic, Location
from qualikit.base.tokens import existing_secret, project_secret
from qualikit.project.journal import Entry, Journal
from qualikit.project.journal_head import journal_key

FILENAME = "journal.jsonl"


def open_journal(root: Path, clock: Clock) -> Journal:
    """The project's journal, keyed with the project's secret (.qualikit/secret, which the trainer
    keeps and never shares; created at the first write if the project has none yet)."""
    secret = existing_secret(root)
    return Journal(root / FILENAME, clock.now, key=journal_key(secret) if secret is not None else None,
                   make_key=lambda: journal_key(project_secret(root)))


def journal_problems(root: Path) -> tuple[list[Diagnostic], list[Entry]]:
    """The journal's breaks (a journal deleted while its head file remains is one), and its
    entries as any reader gets them: one reading of a year's journal for both."""
    from qualikit.project.journal_head import head_path

    if not (root / FILENAME).is_file() and not head_path(root / FILENAME).is_file():
        return [], []
    verification = open_journal(root, Clock()).check()
    return [Diagnostic(Location(FILENAME, p.line), p.message) for p in verification.problems], verification.entries
