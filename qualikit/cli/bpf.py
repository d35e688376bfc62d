"""`qualikit bpf`: the bilan pédagogique et financier of a year, as a table, a workbook and a PDF."""

from __future__ import annotations

from pathlib import Path

import typer

from qualikit.base.typography import plural
from qualikit.cli.common import ProjectOpt, TodayOpt, clock_from, console, err, load_or_exit


def command(
    year: int = typer.Option(None, "--year", "--annee", show_default=False,
                             help="Exercice (année civile) ; par défaut l'année précédente, celle du bilan à déposer."),
    project: Path = ProjectOpt,
    xlsx: Path = typer.Option(None, "--xlsx", show_default=False,
                              help="Classeur à écrire (par défaut : sortie/bpf-ANNÉE.xlsx dans le projet)."),
    pdf: Path = typer.Option(None, "--pdf", show_default=False,
                             help="PDF à écrire (par défaut : sortie/bpf-ANNÉE.pdf dans le projet)."),
    today: str = TodayOpt,
) -> None:
    from rich.markup import escape
    from rich.table import Table

    from qualikit.admin.bpf import FRAMES, bpf_lines, compute_bpf, format_value, write_bpf_xlsx
    from qualikit.admin.bpf.pdf import render_bpf_pdf
    from qualikit.base.files import write_atomic

    if year is None:
        year = clock_from(today).today().year - 1
    if not 1900 < year < 10000:
        err.print(f"[red]Erreur :[/] --year {year} n'est pas une année (attendu : AAAA, ex. 2026).")
        raise typer.Exit(2)
    from datetime import date

    from qualikit.journey.asof import project_as_of

    # the year as known today: a BPF made before the year is over counts nothing still to come
    cut = min(clock_from(today).today(), date(year, 12, 31))
    p = project_as_of(load_or_exit(project).project, cut)
    from qualikit.admin.invoicing.ledger import read_ledger
    from qualikit.journey.asof import entries_as_of
    from qualikit.project.journal_check import open_journal

    entries = open_journal(project, clock_from(today)).entries()
    ledger = read_ledger(entries)
    from qualikit.quality.registers import external

    costs = external.load(project)  # the external intervenants' invoices: frame D (its errors: qualikit check)
    purchases = external.costs(costs.register.entries, date(year, 1, 1), cut) if costs.ok else None
    bpf = compute_bpf(p, year, invoices=list(ledger.invoices.values()), entries=entries_as_of(entries, cut),
                      purchases=purchases)

    table = Table(title=f"Bilan pédagogique et financier {year} (cerfa 10443)", show_lines=False)
    table.add_column("Cadre", no_wrap=True)
    table.add_column("Ligne")
    table.add_column("Valeur", justify="right")
    frame = None
    for line in bpf_lines(bpf):
        if line.frame != frame:
            frame = line.frame
            table.add_section()
            table.add_row(f"[bold]{frame}[/]", f"[bold]{escape(FRAMES[frame])}[/]", "")
        style = "bold" if line.total or line.heading else None
        table.add_row("", escape(line.label), escape(format_value(line)), style=style)
    console.print(table)

    if bpf.problems:
        points = plural(len(bpf.problems), "point à vérifier", "points à vérifier")
        console.print(f"\n[yellow]{points} avant le dépôt :[/]")
        for problem in bpf.problems:
            console.print(f"  [yellow]•[/] {escape(problem)}")
    else:
        console.print("\n[green]Aucune donnée manquante ou incohérente relevée.[/]")
    console.print("\n[dim]Notes :[/]")
    for note in bpf.notes:
        console.print(f"  [dim]• {escape(note)}[/]")

    folder = project / "sortie"
    xlsx_path = xlsx or folder / f"bpf-{year}.xlsx"
    pdf_path = pdf or folder / f"bpf-{year}.pdf"
    try:
        write_bpf_xlsx(bpf, xlsx_path)
        write_atomic(pdf_path, render_bpf_pdf(p, bpf, project))
    except OSError as exc:
        err.print(f"[red]Erreur :[/] écriture impossible : {escape(str(exc))}")
        raise typer.Exit(1) from None
    console.print(f"\n[green]✓ Bilan {year}[/] : {escape(str(xlsx_path))} et {escape(str(pdf_path))} — "
                  "à reporter sur Mon Activité Formation.")
