from __future__ import annotations

from pathlib import Path

import typer

from qualikit.cli.common import console, err


def command(
    dest: Path = typer.Argument(Path("qualikit-demo"), metavar="DOSSIER",
                                 help="Dossier à créer pour la démonstration."),
) -> None:
    from qualikit.commands.demo import run_demo

    console.print("[bold]Démonstration qualikit[/] : le parcours complet d'une formatrice, du 1er octobre au "
                  "23 novembre 2026, sur une copie du projet d'exemple. Rien ne quitte votre ordinateur.")
    try:
        result = run_demo(dest, say=lambda text: console.print(f"  • {text}"))
    except (FileExistsError, OSError) as exc:
        err.print(f"[red]Erreur :[/] {exc}")
        raise typer.Exit(1) from None
    root = result.root
    console.print("[green]✓ Terminé.[/] À regarder :")
    console.print("  • les documents (convocations, émargements, attestations, certificats de réalisation…) : "
                  f"{root / 'sortie'}")
    console.print(f"  • les e-mails envoyés, un fichier .eml chacun : {root / 'outbox'}")
    console.print(f"  • la situation du jour : qualikit status -p {root} --today 2026-11-23")
    console.print(f"  • les indicateurs : qualikit kpi -p {root} --today 2026-11-23")
    if result.pack is not None:
        console.print(f"  • le dossier d'audit Qualiopi : {result.pack / 'index.html'}")
