"""`qualikit log call|interview|note`: a call, an interview or a note with a learner, into the journal."""

from __future__ import annotations

from pathlib import Path

import typer

from qualikit.cli.common import TodayOpt, clock_from, console, err, load_or_exit

ProjectOpt = typer.Option(Path("."), "--projet", "-p", help="Dossier du projet (par défaut\u00a0: le dossier courant).")
LearnerArg = typer.Argument(..., metavar="APPRENANT", help="Identifiant de l'apprenant (ex. camille-roux).",
                            show_default=False)
SessionOpt = typer.Option(None, "--session", "-s", show_default=False,
                          help="Session concernée\u00a0; facultatif quand l'apprenant n'est inscrit qu'à une session.")
TextOpt = typer.Option(None, "--texte", "-t", show_default=False,
                       help="Ce qui a été dit ou fait, en une ou deux phrases (obligatoire).")
OutcomeOpt = typer.Option(None, "--resultat", "-r", show_default=False,
                          help="Le résultat ou la suite décidée (ex. « reprend lundi », « abandon confirmé »).")

log_app = typer.Typer(
    help="Consigner un échange avec un apprenant (appel, entretien, note)\u00a0: la preuve du suivi "
         "et de la prévention des abandons (indicateur Qualiopi 12).",
    no_args_is_help=True,
    rich_markup_mode=None,
)

_DONE = {
    "appel": "Appel avec {name} enregistré",
    "entretien": "Entretien avec {name} enregistré",
    "note": "Note sur {name} enregistrée",
    "consentement": "Consentement de {name} enregistré",
}


@log_app.command("call", help="Consigne un appel téléphonique avec un apprenant.")
def call(learner: str = LearnerArg, session: str = SessionOpt, texte: str = TextOpt, resultat: str = OutcomeOpt,
         project: Path = ProjectOpt, today: str = TodayOpt) -> None:
    _record("appel", learner, session, texte, resultat, project, today)


@log_app.command("interview", help="Consigne un entretien (en personne ou en visio) avec un apprenant.")
def interview(learner: str = LearnerArg, session: str = SessionOpt, texte: str = TextOpt,
              resultat: str = OutcomeOpt, project: Path = ProjectOpt, today: str = TodayOpt) -> None:
    _record("entretien", learner, session, texte, resultat, project, today)


@log_app.command("note", help="Consigne une note de suivi sur un apprenant (observation, difficulté repérée…).")
def note(learner: str = LearnerArg, session: str = SessionOpt, texte: str = TextOpt, resultat: str = OutcomeOpt,
         project: Path = ProjectOpt, today: str = TodayOpt) -> None:
    _record("note", learner, session, texte, resultat, project, today)


@log_app.command("consent", help="Consigne le consentement d'un apprenant à la publication de son témoignage "
                                 "(texte : ce qui est accepté, ex. « prénom seul, site web »).")
def consent(learner: str = LearnerArg, session: str = SessionOpt, texte: str = TextOpt, resultat: str = OutcomeOpt,
            project: Path = ProjectOpt, today: str = TodayOpt) -> None:
    _record("consentement", learner, session, texte, resultat, project, today)


def _record(kind: str, learner_id: str, session: str | None, text: str | None, outcome: str | None, project: Path,
            today: str | None) -> None:
    from rich.markup import escape

    from qualikit.base.clock import PARIS
    from qualikit.base.frdates import clock_time, long_date
    from qualikit.commands.followups import FollowupError, record_followup
    from qualikit.project.journal_check import open_journal

    if text is None:
        err.print("[red]Erreur\u00a0:[/] --texte est obligatoire\u00a0: notez ce qui a été dit ou fait, "
                  "par exemple --texte \"Absente mardi, rappelée, reprend jeudi\".")
        raise typer.Exit(2)
    clock = clock_from(today)
    loaded = load_or_exit(project)
    journal = open_journal(project, clock)
    try:
        entry = record_followup(loaded.project, journal, kind=kind, learner_id=learner_id, session_id=session,
                                text=text, outcome=outcome, at=clock.now())
    except FollowupError as exc:
        err.print(f"[red]Erreur\u00a0:[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    name = loaded.project.learner(entry.data["learner"]).full_name
    when = entry.ts.astimezone(PARIS)
    done = _DONE[kind].format(name=escape(name))
    console.print(f"[green]✓[/] {done} au journal (le {long_date(when.date())} à {clock_time(when)})")
