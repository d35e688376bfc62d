from __future__ import annotations

from pathlib import Path

import typer

from qualikit.cli.common import ProjectOpt, console, err, os_reason

_COLOURS = {"authentique": "green", "signé": "green", "altéré": "red", "inconnu": "yellow"}


def command(
    document: Path = typer.Argument(None, metavar="PDF", help="Le PDF à vérifier (attestation, certificat, contrat…)."),
    project: Path = ProjectOpt,
    publish: Path = typer.Option(None, "--publish", help="Écrire dans ce dossier les pages de vérification "
                                                         "à mettre en ligne (sans données personnelles)."),
) -> None:
    if publish is None and document is None:
        err.print("[red]Erreur :[/] indiquez le PDF à vérifier, ou --publish DOSSIER.")
        raise typer.Exit(2)
    if publish is not None:
        _publish(project, publish)
    if document is not None:
        _verify(document, project)


def _verify(document: Path, project: Path) -> None:
    from qualikit.documents.verify import verify_document
    from qualikit.project.journal_check import FILENAME

    try:
        pdf = document.read_bytes()
    except OSError as exc:
        err.print(f"[red]Erreur :[/] lecture de {document} impossible ({os_reason(exc)}).")
        raise typer.Exit(1) from None
    entries = None
    if (project / FILENAME).is_file():  # the project at hand: its journal says what was issued
        from qualikit.base.clock import Clock
        from qualikit.project.journal_check import open_journal

        entries = open_journal(project, Clock()).entries()
    verdict = verify_document(pdf, entries, lambda: _trust(project))
    console.print(f"[bold {_COLOURS[verdict.word]}]{verdict.word.capitalize()}[/] : {document.name}")
    for line in verdict.lines:
        console.print(f"  {line}", highlight=False)
    if not verdict.ok:
        raise typer.Exit(1)


def _trust(project: Path) -> list[bytes]:
    """The trainer's own certificate, self-signed or not: the issuer's, with the project at hand."""
    from qualikit.commands.close import certificate_path
    from qualikit.documents.signing import SigningError, certificate_of
    from qualikit.project.load import load_project

    loaded = load_project(project).project
    path = certificate_path(loaded, project) if loaded is not None else None
    if path is None or not path.is_file():
        return []
    try:
        return [certificate_of(path, loaded.settings.certificate_passphrase_env)]
    except SigningError:
        return []


def _publish(project: Path, dest: Path) -> None:
    from qualikit.base.clock import Clock
    from qualikit.cli.common import load_or_exit
    from qualikit.commands.verification import publish_verification
    from qualikit.project.journal_check import open_journal

    p = load_or_exit(project).project
    done = publish_verification(p, project, open_journal(project, Clock()).entries(), dest)
    console.print(f"[green]✓[/] {done.codes} page{'s' if done.codes > 1 else ''} de vérification et l'index "
                  f"écrits dans {dest} : mettez ce dossier en ligne à l'adresse {done.base or '(à choisir)'}.")
    if not done.configured:
        console.print("  [yellow]Conseil :[/] renseignez verification_url dans les paramètres de l'organisation "
                      f"(adresse https où vous publiez ce dossier) ; à défaut, les QR codes mènent à {done.base}.")
    if done.certificate_problem:
        console.print(f"  [yellow]Certificat non publié :[/] {done.certificate_problem}")
