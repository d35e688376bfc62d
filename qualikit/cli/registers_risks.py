"""`qualikit risk (analyse des risques)`."""

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
    risk_app,
)


@risk_app.command("init", help="Crée le registre avec les risques habituels d'un formateur indépendant.")
def risk_init(project: Path = ProjectOpt, today: str = TodayOpt) -> None:
    from qualikit.quality.registers import commands, risks
    from qualikit.quality.registers.rows import plural

    clock = clock_from(today)
    with _reported():
        commands.require_project(project)
        owner = commands.owner_of(commands.project_data(project))
        doc, seeded = commands.seed_risks(project, clock, owner, show=print_report)
    console.print(f"[green]✓[/] {plural(len(seeded), 'risque')} initiaux écrits dans {risks.FILENAME}\u00a0: "
                  "adaptez probabilités, impacts et mesures à votre activité.")
    _risk_table(doc.register, clock.today())


@risk_app.command("add", help="Ajoute un risque.")
def risk_add(
    risk: str = typer.Option(None, "--risque", show_default=False, help="Le risque, en une phrase."),
    likelihood: str = typer.Option(None, "--probabilite", show_default=False,
                                   help="1 rare, 2 possible, 3 probable, 4 fréquent."),
    impact: str = typer.Option(None, "--impact", show_default=False, help="1 faible, 2 gênant, 3 sérieux, 4 grave."),
    measures: list[str] = typer.Option([], "--mesure", show_default=False, help="Une mesure (répétable)."),
    owner: str = typer.Option(None, "--responsable", show_default=False, help="Qui suit ce risque."),
    next_review: str = typer.Option(None, "--prochaine-revue", show_default=False,
                                    help="Date de la prochaine revue (AAAA-MM-JJ)\u00a0; par défaut dans un an."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.quality.registers import commands, risks
    from qualikit.quality.registers.store import LEVEL

    risk = _required(risk, "--risque", "--risque \"Formateur indisponible\"")
    p = _parse(LEVEL, _required(likelihood, "--probabilite", "--probabilite 2"), "--probabilite")
    i = _parse(LEVEL, _required(impact, "--impact", "--impact 3"), "--impact")
    review_day = _day(next_review, "--prochaine-revue")
    clock = clock_from(today)
    with _reported():
        commands.require_project(project)
        owner = owner or commands.owner_of(commands.project_data(project))
        entry = commands.add_risk(project, clock, risk=risk, likelihood=p, impact=i, measures=tuple(measures),
                                  owner=owner, next_review=review_day, show=print_report)
    console.print(f"[green]✓[/] Risque {entry.id} enregistré\u00a0: criticité {entry.criticality} "
                  f"({risks.level(entry.criticality)}).")
    if not entry.measures:
        console.print(f"  Ajoutez ses mesures\u00a0: qualikit risk review {entry.id} --mesure \"…\"")


@risk_app.command("review", help="Note la revue d'un risque\u00a0: niveaux, mesures ajoutées, statut.")
def risk_review(
    entry_id: str = IdArg,
    likelihood: str = typer.Option(None, "--probabilite", show_default=False, help="Nouvelle probabilité (1 à 4)."),
    impact: str = typer.Option(None, "--impact", show_default=False, help="Nouvel impact (1 à 4)."),
    measures: list[str] = typer.Option([], "--mesure", show_default=False, help="Une mesure à ajouter (répétable)."),
    status: str = typer.Option(None, "--statut", show_default=False, help="ouvert, maîtrisé ou clos."),
    owner: str = typer.Option(None, "--responsable", show_default=False, help="Qui suit ce risque."),
    next_review: str = typer.Option(None, "--prochaine-revue", show_default=False,
                                    help="Date de la prochaine revue (AAAA-MM-JJ)\u00a0; par défaut dans un an."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.quality.registers import commands, risks
    from qualikit.quality.registers.rows import date_text
    from qualikit.quality.registers.store import LEVEL

    p = _parse(LEVEL, likelihood, "--probabilite") if likelihood else None
    i = _parse(LEVEL, impact, "--impact") if impact else None
    status_value = _parse(risks.STATUS, status, "--statut") if status else None
    review_day = _day(next_review, "--prochaine-revue")
    clock = clock_from(today)
    with _reported():
        commands.require_project(project)
        entry, before = commands.review_risk(project, clock, entry_id, likelihood=p, impact=i,
                                             measures=tuple(measures), status=status_value, owner=owner,
                                             next_review=review_day, show=print_report)
    change = f", était {before}" if before != entry.criticality else ""
    console.print(f"[green]✓[/] Revue de {entry.id} notée\u00a0: criticité {entry.criticality} "
                  f"({risks.level(entry.criticality)}{change}), {entry.status.value}, prochaine revue le "
                  f"{date_text(entry.next_review)}.")


@risk_app.command("list", help="Liste les risques, du plus critique au moins critique.")
def risk_list(project: Path = ProjectOpt, today: str = TodayOpt) -> None:
    from qualikit.quality.registers import commands, risks

    clock = clock_from(today)
    with _reported():
        commands.require_project(project)
        doc = commands.checked(risks.load(project), print_report)
    if not doc.register.entries:
        console.print("Registre des risques vide\u00a0: «\u00a0qualikit risk init\u00a0» le crée avec les risques "
                      "habituels d'un formateur indépendant.")
        return
    _risk_table(doc.register, clock.today())


def _risk_table(register, today) -> None:
    from rich.table import Table
    from rich.text import Text

    from qualikit.quality.registers.rows import plural, risk_rows

    table = Table(title="Risques sur la qualité des formations (indicateur 32)", title_justify="left")
    for col in ("N°", "Risque", "P", "I", "Criticité", "Mesures", "Responsable", "Prochaine revue", "Statut"):
        table.add_column(col, no_wrap=col not in ("Risque", "Responsable"),
                         justify="right" if col in ("P", "I", "Mesures") else "left")
    due = 0
    styles = {"élevée": "red", "moyenne": "yellow", "faible": "green"}
    for row in risk_rows(register, today):
        due += row.review_due
        table.add_row(row.id, Text(row.risk), row.likelihood, row.impact,
                      Text(row.criticality, style=styles[row.level]), row.measures, Text(row.owner),
                      Text(row.next_review, style="red" if row.review_due else ""), row.status)
    console.print(table)
    summary = plural(len(register.entries), "risque")
    if due:
        summary += f"\u00a0; [red]{plural(due, 'revue')} à faire[/]"
    console.print(summary)


# -- reports of violence, harassment, discrimination (indicator 12, 2026) ----------------------------
