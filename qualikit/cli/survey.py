from __future__ import annotations

from pathlib import Path

import typer

from qualikit.base.typography import plural
from qualikit.cli.common import ProjectOpt, TodayOpt, clock_from, console, err, load_or_exit, print_report

survey_app = typer.Typer(help="Les réponses aux questionnaires (indicateur Qualiopi 30).", no_args_is_help=True,
                         rich_markup_mode=None)


@survey_app.command("import", help="Importe l'export d'un outil de formulaire (Google Forms, Microsoft Forms, "
                                   "LimeSurvey, Tally, Typeform, Framaforms — CSV, TSV ou XLSX).")
def import_(
    file: Path = typer.Argument(..., metavar="FICHIER", help="Le fichier exporté par l'outil de formulaire."),
    survey: str = typer.Option(None, "--enquete", help="N'accepter que les réponses à ce questionnaire "
                               "(besoins, positionnement, chaud, froid, entreprise, financeur)."),
    columns: list[str] = typer.Option([], "--colonne", show_default=False,
                                      help="« Texte de la question=champ » (répétable) : gardé pour les imports "
                                           "suivants, dans correspondances-enquetes.yaml."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.base.diagnostics import Report
    from qualikit.project.journal_check import open_journal
    from qualikit.quality.surveys import mapping
    from qualikit.quality.surveys.importer import parse_answers, record
    from qualikit.quality.surveys.tokens import SURVEYS, token_map

    if survey is not None and survey not in SURVEYS:
        err.print(f"[red]Erreur :[/] --enquete « {survey} » inconnue (attendu : {', '.join(SURVEYS)}).")
        raise typer.Exit(2)
    given = [mapping.parse_option(c) for c in columns]
    if None in given:
        bad = columns[given.index(None)]
        err.print(f"[red]Erreur :[/] --colonne « {bad} » : attendu « Texte de la question=champ », avec un champ "
                  "connu (voir docs/enquetes.md).")
        raise typer.Exit(2)
    clock = clock_from(today)
    loaded = load_or_exit(project)
    saved_report = Report()
    saved = mapping.load(project, saved_report)
    print_report(saved_report)
    if not saved_report.ok:
        raise typer.Exit(2)
    chosen = {**saved, **dict(given)}
    starts = {s.id: s.start for s in loaded.project.sessions if s.days}
    result = parse_answers(file, token_map(loaded.project, project), survey=survey, mapping=chosen,
                           now=clock.now(), starts=starts)
    print_report(result.report)
    if not result.ok:
        console.print(f"[red]Import refusé[/] : {file.name} n'a pas été importé (aucune réponse enregistrée).")
        raise typer.Exit(1)
    if chosen != saved:
        mapping.save(project, chosen)
        console.print(f"Correspondance gardée pour les prochains imports : {mapping.FILENAME}.")
    journal = open_journal(project, clock)
    written = record(journal, result, set())
    proposed = propose_improvements(project, written, journal, clock.today())
    skipped = len(result.answers) - len(written)
    imported = plural(len(written), "réponse importée", "réponses importées")
    console.print(f"[green]✓ {imported}[/] depuis {file.name} (format {result.preset})"
                  + (f", {skipped} déjà {'importées' if skipped > 1 else 'importée'}" if skipped else "") + ".")
    not_counted = {
        "incomplètes": len(result.incomplete), "jetons inconnus": len(result.unknown_tokens),
        "remplacées par une réponse plus récente": len(result.duplicates),
        "d'un autre questionnaire": len(result.other_survey), "valeurs hors limites": len(result.invalid),
    }
    details = ", ".join(f"{n} {label}" for label, n in not_counted.items() if n)
    if details:
        console.print(f"Non comptées : {details} (voir les lignes ci-dessus).")
    for action in proposed:
        console.print(f"[yellow]Action d'amélioration proposée[/] {action.id} : {action.finding}")


def propose_improvements(root: Path, answers, journal, today) -> list:
    """A negative hot survey (mean of the five criteria under 3 out of 5) proposes an improvement action."""
    from decimal import Decimal

    from qualikit.quality.figures import CRITERIA, _mean, _num
    from qualikit.quality.registers.improvements import propose_from, record_proposal
    from qualikit.quality.registers.store import RegisterError

    out = []
    for a in answers:
        notes = [_num(a.values.get(c)) for c in CRITERIA]
        if a.survey != "chaud" or not any(n is not None for n in notes) or _mean(notes) >= 3:
            continue
        mean = str(_mean(notes).quantize(Decimal("0.1"))).replace(".", ",")
        proposal = propose_from("enquête", f"{a.session_id}:{a.learner_id}",
                                f"Enquête à chaud négative (moyenne {mean}/5), session {a.session_id}")
        try:
            action, created = record_proposal(root, proposal, today, journal)
        except RegisterError as exc:
            err.print(f"[yellow]Proposition d'amélioration non enregistrée[/] : {exc}")
            continue
        if created:
            out.append(action)
    return out


REVIEW = (
    ("reussites", "Ce qui a bien fonctionné dans cette session"),
    ("ameliorations", "Ce que vous amélioreriez la prochaine fois"),
    ("difficultes", "Les difficultés rencontrées (apprenants, logistique, contenu)"),
)


@survey_app.command("review", help="Le bilan du formateur sur une session (indicateur 30 : l'équipe pédagogique).")
def review(
    session: str = typer.Argument(..., metavar="SESSION", help="La session dont vous faites le bilan."),
    note: int = typer.Option(None, "--note", min=1, max=5, help="Votre appréciation globale, de 1 à 5."),
    reussites: str = typer.Option(None, "--reussites"),
    ameliorations: str = typer.Option(None, "--ameliorations"),
    difficultes: str = typer.Option(None, "--difficultes"),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    import sys

    from qualikit.project.journal_check import open_journal

    clock = clock_from(today)
    p = load_or_exit(project).project
    found = p.session(session)
    if found is None:
        err.print(f"[red]Erreur :[/] session « {session} » inconnue.")
        raise typer.Exit(1)
    values = {"reussites": reussites, "ameliorations": ameliorations, "difficultes": difficultes}
    if sys.stdin.isatty():
        for key, question in REVIEW:
            if not values[key]:
                values[key] = typer.prompt(question, default="", show_default=False)
        if note is None:
            note = typer.prompt("Appréciation globale (1 à 5)", type=int)
    if not any(values.values()) and note is None:
        err.print("[red]Erreur :[/] bilan vide : donnez au moins une réponse (--reussites, --ameliorations…).")
        raise typer.Exit(1)
    values["satisfaction"] = note
    trainer = found.trainer_id or "formateur"
    now = clock.now()
    open_journal(project, clock).append("survey.answer", {
        "survey": "formateur", "session": session, "learner": trainer, "submitted_at": now.isoformat(),
        "values": {k: v for k, v in values.items() if v not in (None, "")}, "source": "qualikit survey review",
    }, key=f"survey:formateur:{session}:{trainer}")
    console.print(f"[green]✓ Bilan du formateur enregistré[/] pour {session}.")
