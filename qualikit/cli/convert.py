from __future__ import annotations

from pathlib import Path

import typer

from qualikit.cli.common import console, os_reason, print_report


def command(
    src: Path = typer.Argument(..., metavar="PROJET", help="Projet au format YAML."),
    dest: Path = typer.Argument(..., metavar="DOSSIER", help="Dossier où écrire le classeur qualikit.xlsx."),
) -> None:
    from qualikit.project.convert import to_workbook

    try:
        report = to_workbook(src, dest)
    except OSError as exc:
        console.print(f"[red]Erreur :[/] écriture impossible dans {dest} ({os_reason(exc)}).")
        raise typer.Exit(1) from None
    print_report(report, show_warnings=False)
    if not report.ok:
        console.print("[red]Conversion impossible[/] : rien n'a été écrit.")
        raise typer.Exit(1)
    console.print(f"[green]✓ Classeur écrit[/] : {dest / 'qualikit.xlsx'}")
