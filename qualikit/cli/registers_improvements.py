"""`qualikit improvement (actions d'amélioration — indicateur 32)`."""

from __future__ import annotations

from pathlib import Path

import typer

from qualikit.cli.common import TodayOpt, clock_from, console, print_report
from qualikit.cli.register_common import (
    IdArg,
    ProjectOpt,
    _day,
    _parse,
    _reported,
    _required,
    improvement_app,
)


@improvement_app.command("add", help="Ajoute une action d'amélioration.")
def improvement_add(
    source: str = typer.Option(None, "--source", show_default=False,
                               help="enquête, réclamation, abandon, risque, audit ou autre."),
    reference: str = typer.Option(None, "--ref", show_default=False,
                                  help="Ce qui l'a déclenchée\u00a0: R-2026-001, une session, Q-003…"),
    finding: str = typer.Option(None, "--constat", show_default=False, help="Ce qui a été observé."),
    action: str = typer.Option(None, "--action", show_default=False, help="Ce qui va être fait."),
    owner: str = typer.Option(None, "--responsable", show_default=False,
                              help="Qui s'en charge (par défaut\u00a0: le représentant de l'organisme)."),
    due: str = typer.Option(None, "--echeance", show_default=False, help="Échéance (AAAA-MM-JJ)."),
    status: str = typer.Option(None, "--statut", show_default=False,
                               help="proposée (par défaut), en cours, réalisée ou abandonnée."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.quality.registers import commands, improvements, incidents
    from qualikit.quality.registers.model import ImprovementStatus

    source_value = _parse(improvements.SOURCE, _required(source, "--source", "--source réclamation"), "--source")
    finding = _required(finding, "--constat", "--constat \"Deux apprenants trouvent le rythme trop rapide\"")
    action = _required(action, "--action", "--action \"Ajouter une demi-journée d'exercices\"")
    status_value = _parse(improvements.STATUS, status, "--statut") if status else ImprovementStatus.PROPOSEE
    due_day = _day(due, "--echeance")
    clock = clock_from(today)
    with _reported():
        commands.require_project(project)
        owner = owner or commands.owner_of(commands.project_data(project))
        done = commands.add_improvement(project, clock, source=source_value, finding=finding, action=action,
                                        reference=reference, owner=owner, due=due_day, status=status_value,
                                        show=print_report)
    console.print(f"[green]✓[/] Action d'amélioration {done.improvement.id} enregistrée dans "
                  f"{improvements.FILENAME}.")
    if done.linked:
        console.print(f"  Reliée à {done.linked} ({incidents.FILENAME}).")


@improvement_app.command("update", help="Met à jour une action\u00a0: statut, effet observé, échéance…")
def improvement_update(
    entry_id: str = IdArg,
    status: str = typer.Option(None, "--statut", show_default=False,
                               help="proposée, en cours, réalisée ou abandonnée."),
    effect: str = typer.Option(None, "--effet", show_default=False, help="L'effet observé après l'action."),
    action: str = typer.Option(None, "--action", show_default=False, help="L'action, réécrite."),
    owner: str = typer.Option(None, "--responsable", show_default=False, help="Qui s'en charge."),
    due: str = typer.Option(None, "--echeance", show_default=False, help="Échéance (AAAA-MM-JJ)."),
    done: str = typer.Option(None, "--realisee-le", show_default=False,
                             help="Date de réalisation (AAAA-MM-JJ)\u00a0; par défaut aujourd'hui quand le statut "
                                  "passe à réalisée."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.quality.registers import commands, improvements
    from qualikit.quality.registers.rows import date_text

    status_value = _parse(improvements.STATUS, status, "--statut") if status else None
    due_day, done_day = _day(due, "--echeance"), _day(done, "--realisee-le")
    clock = clock_from(today)
    with _reported():
        commands.require_project(project)
        entry = commands.update_improvement(project, clock, entry_id, status=status_value, action=action,
                                           owner=owner, due=due_day, done=done_day, effect=effect, show=print_report)
    console.print(f"[green]✓[/] {entry.id} mise à jour\u00a0: {entry.status.value}"
                  + (f" le {date_text(entry.done)}" if entry.done else "") + ".")
    if entry.status.value == "réalisée" and not entry.effect:
        console.print(f"  Notez l'effet observé quand vous le connaîtrez\u00a0: qualikit improvement update {entry.id} "
                      "--effet \"…\"")


@improvement_app.command("list", help="Liste les actions d'amélioration, avec les échéances dépassées.")
def improvement_list(
    open_only: bool = typer.Option(False, "--ouvertes", help="Seulement les actions proposées ou en cours."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from rich.table import Table
    from rich.text import Text

    from qualikit.quality.registers import commands, improvements
    from qualikit.quality.registers.rows import improvement_rows, plural

    clock = clock_from(today)
    with _reported():
        commands.require_project(project)
        doc = commands.checked(improvements.load(project), print_report)
    rows = improvement_rows(doc.register, clock.today(), open_only=open_only)
    if not rows:
        console.print("Aucune action d'amélioration" + (" ouverte." if open_only else " enregistrée."))
        return
    table = Table(title="Actions d'amélioration (indicateur 32)", title_justify="left")
    for col in ("N°", "Source", "Réf.", "Constat", "Action", "Responsable", "Échéance", "Statut", "Effet"):
        table.add_column(col, no_wrap=col in ("N°", "Échéance", "Statut"))
    late = 0
    for row in rows:
        late += row.late
        due = Text(row.due, style="red" if row.late else "")
        table.add_row(row.id, row.source, Text(row.reference), Text(row.finding), Text(row.action), Text(row.owner),
                      due, row.status, Text(row.effect))
    console.print(table)
    summary = plural(len(rows), "action")
    if late:
        summary += f"\u00a0; [red]{plural(late, 'échéance')} dépassée{'s' if late > 1 else ''}[/]"
    console.print(summary)


# -- risks (indicator 32, 2026) ----------------------------------------------------------------------
