from __future__ import annotations

from pathlib import Path

import typer

from qualikit.cli.common import LegacyProjectArg, ProjectOpt, TodayOpt, clock_from, console, print_report, project_of

FORMS = {"yaml": "fichiers YAML", "xlsx": "classeur Excel"}  # the project form, as the trainer knows it


def command(
    project: Path = ProjectOpt,
    json: bool = typer.Option(False, "--json", help="Les problèmes en JSON, pour un autre programme."),
    strict: bool = typer.Option(False, "--strict", help="Les points d'attention comptent comme des erreurs."),
    today: str = TodayOpt,
    legacy: Path = LegacyProjectArg,
) -> None:
    from qualikit.project.journal_check import journal_problems
    from qualikit.project.load import load_project
    from qualikit.quality.registers.check import register_problems

    project = project_of(project, legacy)
    clock = clock_from(today)
    loaded = load_project(project)
    report = loaded.report
    problems, entries = journal_problems(project)
    report.items.extend(problems)
    report.items.extend(register_problems(project))
    if loaded.project is not None and report.ok:
        report.items.extend(_journey_findings(loaded.project, entries, clock))
        report.items.extend(_register_findings(loaded.project, project, entries, clock))
        report.items.extend(_payment_findings(loaded.project, entries, clock))
    if json:
        typer.echo(report.to_json())
    else:
        print_report(report)
        errors, warnings = len(report.errors), len(report.warnings)
        form = FORMS.get(loaded.form, loaded.form)
        if errors:
            console.print(f"[red]✗ {errors} erreur{'s' if errors > 1 else ''}[/], "
                          f"{warnings} point{'s' if warnings > 1 else ''} d'attention.")
        elif warnings:
            console.print(f"[green]✓ Aucune erreur[/] ({form}) ; [yellow]{warnings} point"
                          f"{'s' if warnings > 1 else ''} d'attention[/] pour l'audit Qualiopi.")
        else:
            console.print(f"[green]✓ Projet valide[/] ({form}) : aucune erreur, aucun point d'attention.")
    if report.errors or (strict and report.warnings):
        raise typer.Exit(1)


def _journey_findings(p, entries: list, clock) -> list:
    """Where the learners' journeys stand today: what an auditor would ask about."""
    from qualikit.journey import as_of
    from qualikit.journey.findings import findings

    return findings(as_of(p, entries, clock.today()), clock.now())


def _payment_findings(p, entries: list, clock) -> list:
    """The payments written in the project, against the invoices of the journal."""
    from qualikit.admin.invoicing.ledger import read_ledger
    from qualikit.admin.invoicing.payments import payment_findings

    return payment_findings(p.payments, read_ledger(entries, p.payments, clock.today()))


def _register_findings(p, root: Path, entries: list, clock) -> list:
    """The disability network and the external intervenants (indicators 26, 27): what is missing."""
    from qualikit.quality.registers.findings import findings

    return findings(p, root, entries, clock.today())
