"""`qualikit journal verify|export|show`: check, export and read the project's journal."""

from __future__ import annotations

from pathlib import Path

import typer

from qualikit.cli.common import TodayOpt, clock_from, console, err, load_or_exit, os_reason

ProjectOpt = typer.Option(Path("."), "--projet", "-p", help="Dossier du projet (par défaut\u00a0: le dossier courant).")
DEFAULT_EXPORT = "journal-relances.xlsx"

journal_app = typer.Typer(
    help="Le journal de ce que qualikit a fait\u00a0: vérifier qu'il est intact, le consulter, "
         "exporter le registre des relances et suivis (indicateur Qualiopi 12).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def _open(project: Path):
    from qualikit.base.clock import Clock
    from qualikit.project.journal_check import open_journal

    if not project.is_dir():
        err.print(f"[red]Erreur\u00a0:[/] dossier introuvable\u00a0: {_escape(str(project))}")
        raise typer.Exit(1)
    return open_journal(project, Clock())  # reading only: the clock is never used


@journal_app.command("verify", help="Vérifie que le journal est intact\u00a0: aucune entrée modifiée, "
                                    "supprimée ou déplacée, ni fin coupée (d'après journal.head et, avec --tete, "
                                    "d'après une tête recopiée d'un récapitulatif, d'un export ou d'un dossier "
                                    "d'audit).")
def verify(
    head: str = typer.Option(None, "--tete", show_default=False, metavar="N:EMPREINTE",
                             help="La tête du journal recopiée d'un récapitulatif d'alertes, d'un export ou "
                                  "d'un dossier d'audit, ex. 1234:3fa2b1c4d5e6f7a8."),
    project: Path = ProjectOpt,
) -> None:
    from qualikit.base.diagnostics import Diagnostic, Location
    from qualikit.project.journal_check import FILENAME
    from qualikit.project.journal_head import parse_head

    expected = None
    if head is not None:
        expected = parse_head(head)
        if expected is None:
            err.print(f"[red]Erreur\u00a0:[/] --tete «\u00a0{_escape(head)}\u00a0» illisible (attendu\u00a0: le numéro "
                      "et l'empreinte tels qu'imprimés, ex. 1234:3fa2b1c4d5e6f7a8).")
            raise typer.Exit(2)
    from qualikit.project.signatures import check as check_signatures

    journal = _open(project)
    result = journal.check(expected)
    entries = journal.entries()
    count = len(entries)
    for note in result.notes:
        console.print(f"[yellow]note[/] {_escape(note)}")
    signed, broken = check_signatures(entries, project)
    if not result.problems:
        console.print(f"[green]✓[/] Journal intact\u00a0: {_plural(count, 'entrée')}"
                      + (f" (conforme à la tête n°\u00a0{expected.seq} donnée)" if expected else ""))
        if result.head is not None:
            console.print(_escape(result.head.text()))
    else:
        console.print(f"[red]✗ Journal altéré[/]\u00a0: {_plural(len(result.problems), 'problème')} "
                      f"({_plural(count, 'entrée')} lisible{'s' if count > 1 else ''})")
        for p in result.problems:
            console.print(f"  {_escape(Diagnostic(Location(FILENAME, p.line), p.message).format())}")
    if broken:  # the attendance signatures' own chain (project/signatures.py)
        console.print(f"[red]✗ Chaîne des signatures d'émargement rompue[/]\u00a0: {_plural(len(broken), 'problème')}")
        for p in broken:
            console.print(f"  entrée n°\u00a0{p.seq}\u00a0: {_escape(p.message)}")
    elif signed:
        console.print(f"[green]✓[/] Signatures d'émargement intactes\u00a0: {_plural(signed, 'enregistrement')} "
                      f"chaîné{'s' if signed > 1 else ''}, images conformes")
    if not result.problems and not broken:
        return
    console.print("Le journal est la preuve de ce qui a été fait\u00a0: ne le modifiez jamais à la main. "
                  "Restaurez-le depuis votre dernière sauvegarde si une entrée a été modifiée ou supprimée.")
    raise typer.Exit(1)


@journal_app.command("export", help="Exporte le registre des relances et suivis (date, session, apprenant, canal, "
                                    "motif, résultat) en Excel ou en CSV, pour l'audit\u00a0; avec --today, tel "
                                    "qu'il était à la fin de ce jour.")
def export(
    xlsx: Path = typer.Option(None, "--xlsx", show_default=False,
                              help=f"Fichier Excel à écrire (par défaut\u00a0: {DEFAULT_EXPORT} dans le projet)."),
    csv: Path = typer.Option(None, "--csv", show_default=False,
                             help="Fichier CSV à écrire (séparateur «\u00a0;\u00a0», pour Excel en français)."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    """With --today D, only the rows written by the end of D: the register as it stood that day."""
    from qualikit.documents.journal_export import reminder_log, write_csv, write_xlsx
    from qualikit.journey.asof import entries_as_of, project_as_of
    from qualikit.project.journal_head import Head

    if xlsx is not None and csv is not None:
        err.print("[red]Erreur\u00a0:[/] choisissez --xlsx ou --csv, pas les deux.")
        raise typer.Exit(2)
    day = clock_from(today).today() if today else None
    journal = _open(project)
    loaded = load_or_exit(project)
    entries = journal.entries()
    if day is not None:
        entries = entries_as_of(entries, day)
    head = Head(entries[-1].seq, entries[-1].hash) if entries else None
    rows = reminder_log(project_as_of(loaded.project, day) if day else loaded.project, entries)
    target = csv if csv is not None else (xlsx if xlsx is not None else project / DEFAULT_EXPORT)
    try:
        if csv is not None:
            write_csv(rows, target)
        else:
            write_xlsx(rows, target, head)
    except OSError as exc:
        reason = os_reason(exc)
        err.print(f"[red]Erreur\u00a0:[/] impossible d'écrire {_escape(str(target))}\u00a0: {_escape(reason)} "
                  "(le fichier est-il ouvert dans Excel\u00a0?)")
        raise typer.Exit(1) from None
    if rows:
        console.print(f"[green]✓[/] Registre des relances et suivis\u00a0: {_plural(len(rows), 'ligne')} "
                      f"→ {_escape(str(target))}")
    else:
        console.print(f"[green]✓[/] Registre des relances et suivis écrit (vide pour l'instant\u00a0: aucun e-mail, "
                      f"document ni suivi au journal) → {_escape(str(target))}")
    if head is not None:
        console.print(_escape(head.text()))
    problems = journal.verify()
    if problems:
        console.print(f"[yellow]attention[/] le journal présente {_plural(len(problems), 'problème')}\u00a0: "
                      "« qualikit journal verify » pour le détail.")


@journal_app.command("show", help="Affiche les dernières entrées du journal.")
def show(
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="Nombre d'entrées à afficher (les plus récentes)."),
    kind: str = typer.Option(None, "--kind", "-k", show_default=False,
                             help="Seulement les entrées dont le type commence ainsi (ex. followup, onboard.email)."),
    project: Path = ProjectOpt,
) -> None:
    from rich.table import Table
    from rich.text import Text

    from qualikit.base.clock import PARIS
    from qualikit.project.load import load_project

    journal = _open(project)
    entries = [e for e in journal.entries() if kind is None or e.kind.startswith(kind)]
    if not entries:
        console.print(f"Aucune entrée de type « {_escape(kind)} » au journal." if kind
                      else "Journal vide\u00a0: rien n'a encore été enregistré.")
        return
    shown = entries[-limit:]
    names = _names(load_project(project).project)
    title = f"Journal\u00a0: {len(shown)} dernière{'s' if len(shown) > 1 else ''} entrée{'s' if len(shown) > 1 else ''}"
    if len(shown) < len(entries):
        title += f" sur {len(entries)}"
    table = Table(title=title, title_justify="left")
    for col, justify in (("N°", "right"), ("Date et heure", "left"), ("Type", "left"), ("Session", "left"),
                         ("Apprenant", "left"), ("Détail", "left")):
        table.add_column(col, justify=justify)
    for e in shown:
        learner = e.data.get("learner")
        who = names.get(learner, learner) if isinstance(learner, str) else ""
        session = e.data.get("session")
        table.add_row(str(e.seq), e.ts.astimezone(PARIS).strftime("%d/%m/%Y %H:%M"), Text(e.kind),
                      Text(session if isinstance(session, str) else ""), Text(who), Text(_detail(e.data)))
    console.print(table)


def _names(project) -> dict[str, str]:
    """Learners' names when the project loads; ids otherwise (the journal is readable on its own)."""
    if project is None:
        return {}
    return {learner.id: learner.full_name for learner in project.learners}


def _detail(data: dict, size: int = 80) -> str:
    text = ""
    for field in ("text", "label", "subject", "file"):
        value = data.get(field)
        if isinstance(value, str) and value.strip():
            text = " ".join(value.split())
            break
    outcome = data.get("outcome")
    if isinstance(outcome, str) and outcome.strip():
        text += f" → {' '.join(outcome.split())}"
    return text if len(text) <= size else text[: size - 1] + "…"


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
