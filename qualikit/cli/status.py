from __future__ import annotations

from pathlib import Path

import typer

from qualikit.cli.common import LegacyProjectArg, ProjectOpt, TodayOpt, clock_from, console, load_or_exit, project_of


def command(
    project: Path = ProjectOpt,
    today: str = TodayOpt,
    session: str = typer.Option(None, "--session", help="Le détail d'une seule session."),
    everything: bool = typer.Option(False, "--tous", help="Le détail de toutes les sessions, même anciennes."),
    start: str = typer.Option(None, "--du", help="Début de la période des chiffres clés (AAAA-MM-JJ)."),
    end: str = typer.Option(None, "--au", help="Fin de la période des chiffres clés (AAAA-MM-JJ)."),
    legacy: Path = LegacyProjectArg,
) -> None:
    from rich.markup import escape
    from rich.table import Table

    from qualikit.base.frdates import long_date, short_date
    from qualikit.cli.common import period_or_exit
    from qualikit.project.journal_check import open_journal
    from qualikit.quality.alerts import alerts
    from qualikit.quality.overview import build_overview

    project = project_of(project, legacy)
    clock = clock_from(today)
    first, last = period_or_exit(start, end)
    p = load_or_exit(project).project
    entries = open_journal(project, clock).entries()
    ov = build_overview(p, entries, clock.now(), first, last)
    if session and not any(v.journey.id == session for v in ov.sessions):
        console.print(f"[red]Erreur :[/] session « {escape(session)} » inconnue.")
        raise typer.Exit(2)

    console.print(f"[bold]{escape(p.organisation.name)}[/] — situation au {long_date(ov.today)}")
    table = Table(title="Sessions", title_justify="left")
    for col in ("Session", "Dates", "Où elle en est", "Prochaine étape", "Inscrits", "Abandons"):
        table.add_column(col, overflow="fold")
    for view in ov.sessions:
        s, sj = view.journey.session, view.journey
        colour = "yellow" if view.state.attention else "white"
        dropped = sum(1 for lj in sj.learners if lj.dropped)
        table.add_row(s.id, f"{s.start:%d/%m} → {short_date(s.end)}",
                      f"[{colour}]{escape(view.state.text)}[/]", escape(view.state.next),
                      str(len(sj.learners) - dropped), str(dropped))
    console.print(table)

    for view in ov.sessions:
        if session and view.journey.id != session:
            continue
        if not (session or everything or ov.current(view)) or not view.learners:
            continue
        people = Table(title=f"{view.journey.id} — {escape(view.title)}", title_justify="left")
        for col in ("Apprenant", "Où il ou elle en est", "Prochaine étape"):
            people.add_column(col)
        for lj, st in view.learners:
            colour = "yellow" if st.attention else "white"
            people.add_row(escape(lj.learner.full_name), f"[{colour}]{escape(st.text)}[/]", escape(st.next))
        console.print(people)

    figures = Table(title=f"Chiffres clés — période {ov.period}", title_justify="left")
    for col in ("Indicateur", "Valeur", "Méthode de calcul"):
        figures.add_column(col)
    for f in ov.figures:
        figures.add_row(f.label, f.text(), f.method)
    console.print(figures)

    _receivables(p, entries, ov.today)
    for alert in alerts(p, entries, clock.now(), project, journey=ov.journey):
        console.print(f"[yellow]alerte[/] {escape(alert.text)}")
    if ov.todo:
        console.print("[bold]À faire[/]")
        for todo in ov.todo:
            mark = "[red]en retard[/]" if todo.late(ov.today) else f"le {short_date(todo.due)}"
            console.print(f"  • {mark} — {escape(todo.text)}")
    else:
        console.print("[green]Rien à faire pour l'instant.[/]")


def _receivables(project, entries, today) -> None:
    """The invoices still owed, as `remind` and its digest see them (admin/invoicing/payments)."""
    from rich.markup import escape
    from rich.table import Table

    from qualikit.admin.invoicing.ledger import read_ledger
    from qualikit.admin.invoicing.payments import outstanding, reminded
    from qualikit.base.frdates import short_date
    from qualikit.base.typography import plural
    from qualikit.journey.asof import entries_as_of
    from qualikit.project.schedule import euros

    known = entries_as_of(entries, today)
    owed = outstanding(read_ledger(known, project.payments, today), today)
    if not owed:
        return
    sent = reminded(known)
    total = euros(sum((o.due for o in owed), start=0), cents=True)
    table = Table(title=f"Factures à encaisser — {total}", title_justify="left")
    for col in ("Facture", "Payeur", "Reste dû", "Échéance", "Où elle en est"):
        table.add_column(col, overflow="fold")
    for o in owed:
        inv = o.invoice
        where = "à échoir"
        if o.overdue:
            where = f"[red]en retard de {plural((today - inv.due_on).days, 'jour')}[/]"
            if inv.number in sent:
                where += f", relance {sent[inv.number][0]} le {short_date(sent[inv.number][1])}"
        table.add_row(inv.number, escape(inv.buyer.name), euros(o.due, cents=True), short_date(inv.due_on), where)
    console.print(table)
