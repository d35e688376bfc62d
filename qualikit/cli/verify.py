from __future__ import annotations

from pathlib import Path

import typer

from qualikit.cli.common import ProjectOpt, console, err


def command(
    document: Path = typer.Argument(..., metavar="PDF", help="Le PDF à vérifier (attestation, certificat…)."),
    project: Path = ProjectOpt,
) -> None:
    from qualikit.base.clock import Clock
    from qualikit.commands.close import certificate_path
    from qualikit.documents.verify import project_trust, verify_document
    from qualikit.project.journal_check import open_journal
    from qualikit.project.load import load_project

    try:
        pdf = document.read_bytes()
    except OSError as exc:
        err.print(f"[red]Erreur :[/] lecture de {document} impossible ({exc.strerror}).")
        raise typer.Exit(1) from None
    loaded = load_project(project)
    trust = []
    if loaded.project is not None:
        settings = loaded.project.settings
        trust = project_trust(project, certificate_path(loaded.project, project), settings.certificate_passphrase_env)
    verdict = verify_document(pdf, open_journal(project, Clock()), trust)
    if verdict.issued:
        e = verdict.issued
        console.print(f"[green]✓ Document délivré par qualikit[/] : {e.kind.removeprefix('close.')} de "
                      f"{e.data.get('learner')} (session {e.data.get('session')}), le {e.ts:%d/%m/%Y à %H:%M}, "
                      f"code {verdict.code or '—'} ; contenu identique à l'original.")
    elif verdict.claimed:
        e = verdict.claimed
        console.print(f"[red]✗ Document modifié[/] : il porte le code {verdict.code}, délivré le "
                      f"{e.ts:%d/%m/%Y} pour {e.data.get('learner')}, mais son contenu n'est plus celui d'origine.")
    else:
        console.print("[red]✗ Document inconnu[/] : il ne correspond à aucun document délivré par ce projet.")
    sig = verdict.signature
    colour = "green" if sig.valid else ("yellow" if not sig.present else "red")
    console.print(f"[{colour}]Signature électronique[/] : {sig.message}")
    if not verdict.authentic:
        raise typer.Exit(1)
