from __future__ import annotations

from pathlib import Path

from qualikit.cli.common import ProjectArg, TodayOpt, clock_from, console, load_or_exit


def command(project: Path = ProjectArg, today: str = TodayOpt) -> None:
    from rich.table import Table

    from qualikit.frdates import long_date, short_date
    from qualikit.journal_check import open_journal
    from qualikit.model import Status
    from qualikit.overview import PAST, RUNNING, build_overview

    colours = {PAST: "dim", RUNNING: "bold green"}

    clock = clock_from(today)
    loaded = load_or_exit(project)
    p = loaded.project
    journal = open_journal(project, clock)
    entries = journal.entries()
    ov = build_overview(p, entries, clock.now())

    console.print(f"[bold]{p.organisation.name}[/] — situation au {long_date(ov.today)}")
    table = Table(title="Sessions", title_justify="left", expand=False)
    for col in ("Session", "Formation", "Dates", "État", "Inscrits", "Abandons", "Fait"):
        table.add_column(col)
    for line in ov.sessions:
        s = line.session
        active = sum(n for st, n in line.statuses.items() if st is not Status.ABANDON)
        table.add_row(s.id, line.title, f"{short_date(s.start)} → {short_date(s.end)}",
                      f"[{colours.get(line.phase, 'cyan')}]{line.phase}[/]", str(active),
                      str(line.statuses.get(Status.ABANDON, 0)) or "0", ", ".join(line.done) or "—")
    console.print(table)

    people = Table(title="Apprenants par statut", title_justify="left")
    people.add_column("Statut")
    people.add_column("Inscriptions", justify="right")
    for st in Status:
        people.add_row(st.value, str(ov.learners.get(st, 0)))
    console.print(people)

    if ov.journal:
        done = Table(title="Ce que qualikit a fait (journal)", title_justify="left")
        done.add_column("Action")
        done.add_column("Nombre", justify="right")
        for kind, n in sorted(ov.journal.items()):
            done.add_row(kind, str(n))
        console.print(done)
    else:
        console.print("Journal : rien n'a encore été envoyé ni produit.")

    from qualikit.quality.alerts import alerts

    for alert in alerts(p, entries, clock.now(), project):
        console.print(f"[yellow]alerte[/] {alert.text}")
    if ov.todo:
        console.print("[bold]À faire[/]")
        for todo in ov.todo:
            mark = "[red]en retard[/]" if todo.late(ov.today) else f"le {short_date(todo.due)}"
            console.print(f"  • {mark} — {todo.text}")
    else:
        console.print("[green]Rien à faire pour l'instant.[/]")
    if loaded.report.warnings:
        console.print(f"[yellow]{len(loaded.report.warnings)} point(s) d'attention[/] : « qualikit check » "
                      "pour le détail.")
