"""What every command shares: the project argument, the clock option, printing diagnostics."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from qualikit.base.clock import Clock, make_clock
from qualikit.base.diagnostics import Level, Report


class _Console:
    """A rich Console made at its first use: a run that prints through typer alone (the daily
    `remind` on a quiet day) does not import rich (≈ 20 ms of a cron run)."""

    def __init__(self, **options) -> None:
        object.__setattr__(self, "_options", options)
        object.__setattr__(self, "_real", None)

    def _console(self):
        if self._real is None:
            from rich.console import Console

            options = dict(self._options)
            if options.pop("stdout_width", False):
                options["width"] = None if os.isatty(1) else 120
            object.__setattr__(self, "_real", Console(**options))
        return self._real

    def __getattr__(self, name: str):
        return getattr(self._console(), name)

    def __setattr__(self, name: str, value) -> None:
        setattr(self._console(), name, value)

    def __enter__(self):  # rich's live displays hold the console as a context
        return self._console().__enter__()

    def __exit__(self, *exc) -> None:
        self._console().__exit__(*exc)


console = _Console(highlight=False, soft_wrap=True, stdout_width=True)
err = _Console(stderr=True, highlight=False, soft_wrap=True)

ProjectOpt = typer.Option(Path("."), "--projet", "-p", help="Dossier du projet (par défaut : le dossier courant).")
# the project once given positionally (`qualikit check mon-projet`): still read, no longer shown
LegacyProjectArg = typer.Argument(None, hidden=True, show_default=False)


def project_of(option: Path, legacy: Path | None) -> Path:
    return legacy if legacy is not None else option
TodayOpt = typer.Option(None, "--today", help="Date du jour simulée (AAAA-MM-JJ), pour essayer ou rejouer.",
                        envvar="QUALIKIT_TODAY", show_envvar=True)


_OS_REASONS = {"ENOENT": "fichier ou dossier introuvable", "EACCES": "permission refusée",
               "EPERM": "opération non permise", "EISDIR": "c'est un dossier", "ENOTDIR": "ce n'est pas un dossier",
               "ENOSPC": "disque plein", "EROFS": "disque en lecture seule", "EEXIST": "existe déjà",
               "EBUSY": "fichier occupé"}


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in French (the system's strerror is in English)."""
    import errno

    return _OS_REASONS.get(errno.errorcode.get(exc.errno or 0, ""), exc.strerror or str(exc))


def clock_from(today: str | None) -> Clock:
    try:
        return make_clock(today)
    except ValueError:
        err.print(f"[red]Erreur :[/] --today « {today} » n'est pas une date (attendu : AAAA-MM-JJ).")
        raise typer.Exit(2) from None


def period_or_exit(start: str | None, end: str | None):
    """--du and --au as dates (None when not given); a usage error otherwise."""
    from datetime import date

    try:
        return (date.fromisoformat(start) if start else None), (date.fromisoformat(end) if end else None)
    except ValueError:
        err.print("[red]Erreur :[/] --du et --au attendent des dates AAAA-MM-JJ.")
        raise typer.Exit(2) from None


def print_report(report: Report, show_warnings: bool = True) -> None:
    for d in report.items:
        if d.level is Level.ERROR:
            console.print(f"[red]erreur[/] {_escape(d.format())}")
        elif show_warnings:
            console.print(f"[yellow]attention[/] {_escape(d.format())}")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def load_or_exit(root: Path):
    """Load the project; on errors print them all and exit 1."""
    from qualikit.project.load import load_project

    loaded = load_project(root)
    if not loaded.report.ok or loaded.project is None:
        print_report(loaded.report, show_warnings=False)
        n = len(loaded.report.errors)
        console.print(f"[red]{n} erreur{'s' if n > 1 else ''}[/] : corrigez-les puis relancez "
                      f"(« qualikit check -p {root} » pour le détail).")
        raise typer.Exit(1)
    return loaded
