"""What the register commands share: their typer apps, options, and how they report errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import typer

from qualikit.cli.common import console, err, print_report

ProjectOpt = typer.Option(Path("."), "--projet", "-p", help="Dossier du projet (par défaut\u00a0: le dossier courant).")
IdArg = typer.Argument(..., metavar="NUMÉRO", show_default=False, help="Numéro de l'entrée (ex. R-2026-001).")
WhenOpt = typer.Option(None, "--le", show_default=False,
                       help="Date et heure (AAAA-MM-JJ HH:MM)\u00a0; par défaut maintenant.")

incident_app = typer.Typer(
    help="Registre des réclamations, difficultés et aléas (indicateur Qualiopi 31)\u00a0: enregistrer, accuser "
         "réception, répondre (objectif 48\u00a0h), clore.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
improvement_app = typer.Typer(
    help="Registre des actions d'amélioration (indicateur Qualiopi 32)\u00a0: constat, action, responsable, "
         "échéance, effet observé.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
risk_app = typer.Typer(
    help="Registre des risques sur la qualité des formations (indicateur Qualiopi 32, audits à partir du "
         "1er novembre 2026)\u00a0: probabilité × impact, mesures, revue annuelle.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
report_app = typer.Typer(
    help="Registre des signalements de violences, harcèlement ou discriminations (indicateur Qualiopi 12, "
         "2026)\u00a0: accès restreint, jamais de faits ni de noms dans le journal ou les listes.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


# -- shared ------------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[red]Erreur\u00a0:[/] {_escape(message)}")
    raise typer.Exit(code)


def _register_error(exc) -> NoReturn:
    if exc.report is not None:
        print_report(exc.report)
    _fail(exc.message)


def _invalid(doc) -> NoReturn:
    """A register with errors (already printed): stop with exit 1, nothing written."""
    n = len(doc.report.errors)
    console.print(f"[red]{n} erreur{'s' if n > 1 else ''}[/] dans {_escape(doc.spec.filename)}\u00a0: "
                  "corrigez-les puis relancez\u00a0; rien n'a été modifié.")
    raise typer.Exit(1)


@contextmanager
def _reported() -> Iterator[None]:
    """The refusals of qualikit.quality.registers.commands, printed with their exit code."""
    from qualikit.quality.registers.commands import CommandError, InvalidRegister
    from qualikit.quality.registers.store import RegisterError

    try:
        yield
    except CommandError as exc:
        _fail(exc.message, exc.code)
    except InvalidRegister as exc:
        _invalid(exc.doc)
    except RegisterError as exc:
        _register_error(exc)


def _required(value: str | None, option: str, example: str) -> str:
    if value is None or not value.strip():
        _fail(f"{option} est obligatoire, par exemple {example}", 2)
    return value


def _parse(parser, value: Any, option: str) -> Any:
    from qualikit.project.load.fields import Invalid

    try:
        return parser(value)
    except Invalid as exc:
        _fail(f"{option}\u00a0: {exc.message}", 2)


def _moment(text: str | None, clock, option: str = "--le"):
    from qualikit.quality.registers.commands import check_moment
    from qualikit.quality.registers.store import DATETIME

    if text is None:
        return clock.now()
    return check_moment(_parse(DATETIME, text, option), clock, option)


def _day(text: str | None, option: str):
    from qualikit.project.load.fields import DATE

    return None if text is None else _parse(DATE, text, option)


def _project_arg(project: Path) -> str | None:
    return None if project == Path(".") else str(project)


# -- incidents (indicator 31) ------------------------------------------------------------------------
