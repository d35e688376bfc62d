"""`qualikit sous-traitant`: external intervenants (indicator 27) — what was checked of each, their
invoices as costs, the contract of each session they deliver."""

from __future__ import annotations

from pathlib import Path

import typer

from qualikit.cli.common import TodayOpt, clock_from, console, print_report
from qualikit.cli.register_common import ProjectOpt, _day, _escape, _fail, _parse, _reported, _required

external_app = typer.Typer(
    help="Intervenants extérieurs\u00a0: sous-traitants et salariés portés (indicateur Qualiopi 27) — pièces "
         "vérifiées, évaluation après la session, factures, contrat de sous-traitance de chaque session.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

TrainerOpt = typer.Option(None, "--intervenant", "-i", show_default=False,
                          help="Son identifiant (formateurs d'organisation.yaml, statut sous-traitant ou porté).")
SessionOpt = typer.Option(None, "--session", "-s", show_default=False, help="La session concernée.")
FileOpt = typer.Option(None, "--fichier", "-f", show_default=False, help="La pièce, dans le dossier du projet.")
DayOpt = typer.Option(None, "--date", show_default=False, help="Date (AAAA-MM-JJ)\u00a0; par défaut aujourd'hui.")


def check(
    trainer: str = TrainerOpt,
    kind: str = typer.Option(None, "--type", "-t", show_default=False,
                             help="CV, diplômes, SIRET (et NDA), URSSAF (attestation de vigilance), Qualiopi, "
                                  "charte (qualité signée), contrat (signé), évaluation (après la session)."),
    session: str = SessionOpt,
    note: str = typer.Option(None, "--constat", "-c", show_default=False,
                             help="Ce que vous avez constaté\u00a0: «\u00a0attestation du 02/09/2026, à jour\u00a0»…"),
    file: str = FileOpt,
    day: str = DayOpt,
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.quality.registers import commands, external
    from qualikit.quality.registers.model import CheckKind

    trainer = _required(trainer, "--intervenant", "--intervenant marc-petit")
    kind_value = _parse(external.KIND, _required(kind, "--type", "--type URSSAF"), "--type")
    if kind_value is CheckKind.FACTURE:
        _fail("une facture s'enregistre avec «\u00a0qualikit sous-traitant facture\u00a0» (--montant)", 2)
    clock = clock_from(today)
    when = _day(day, "--date") or clock.today()
    with _reported():
        commands.require_project(project)
        commands.check_day(when, clock, "--date")
        entry = commands.add_external(project, clock, day=when, trainer=trainer, kind=kind_value, session=session,
                                      note=note, amount=None, file=file, show=print_report)
    console.print(f"[green]✓[/] {entry.id} enregistré\u00a0: {entry.kind.value} de {_escape(entry.trainer)}"
                  + (f" ({_escape(entry.session)})" if entry.session else "") + " (indicateur 27)")
    if not entry.file:
        console.print("  Joignez la pièce (--fichier)\u00a0: l'auditeur la demandera.")


def invoice(
    trainer: str = TrainerOpt,
    session: str = SessionOpt,
    amount: str = typer.Option(None, "--montant", "-m", show_default=False, help="Montant HT, en euros."),
    note: str = typer.Option(None, "--numero", "-n", show_default=False, help="Le numéro de sa facture."),
    file: str = FileOpt,
    day: str = DayOpt,
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.project.load.fields import POSITIVE
    from qualikit.project.schedule import euros
    from qualikit.quality.registers import commands
    from qualikit.quality.registers.model import CheckKind

    trainer = _required(trainer, "--intervenant", "--intervenant marc-petit")
    session = _required(session, "--session", "--session reunion-2026-10-26")
    value = _parse(POSITIVE, _required(amount, "--montant", "--montant 1200"), "--montant")
    clock = clock_from(today)
    when = _day(day, "--date") or clock.today()
    with _reported():
        commands.require_project(project)
        commands.check_day(when, clock, "--date")
        entry = commands.add_external(project, clock, day=when, trainer=trainer, kind=CheckKind.FACTURE,
                                      session=session, note=f"facture n° {note.strip()}" if note else None,
                                      amount=value, file=file, show=print_report)
    console.print(f"[green]✓[/] {entry.id}\u00a0: facture de {_escape(entry.trainer)} pour {_escape(session)}, "
                  f"{euros(entry.amount, cents=True)} HT (charges du BPF, achats de prestations de formation)")


def contract(
    trainer: str = TrainerOpt,
    session: str = SessionOpt,
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.cli.common import load_or_exit
    from qualikit.commands.external_contracts import ExternalContractError, issue_external_contracts
    from qualikit.project.journal_check import open_journal

    clock = clock_from(today)
    data = load_or_exit(project).project
    try:
        result = issue_external_contracts(data, project, open_journal(project, clock), clock.now(),
                                          trainer_id=trainer, session_id=session)
    except ExternalContractError as exc:
        _fail(str(exc))
    for rel in result.issued:
        console.print(f"[green]✓[/] {_escape(rel)}")
    for rel in result.kept:
        console.print(f"  déjà établi, inchangé\u00a0: {_escape(rel)}")
    if result.issued:
        console.print("Faites-le signer par l'intervenant, puis enregistrez la copie signée\u00a0: "
                      "qualikit sous-traitant check --type contrat --session … --fichier …")


def listing(
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from qualikit.cli.common import load_or_exit
    from qualikit.commands.external_contracts import external_sessions
    from qualikit.project.journal_check import open_journal
    from qualikit.quality.registers import external
    from qualikit.quality.registers.commands import checked

    clock = clock_from(today)
    data = load_or_exit(project).project
    with _reported():
        doc = checked(external.load(project), print_report)
    contracts = external.contracted(open_journal(project, clock).entries())
    people = [t for t in data.trainers if t.external]
    if not people:
        console.print("Aucun intervenant extérieur\u00a0: l'indicateur 27 ne s'applique pas (formateurs avec "
                      "«\u00a0statut\u00a0: sous-traitant\u00a0» ou «\u00a0porté\u00a0» pour en déclarer).")
        return
    for t in people:
        sessions = external_sessions(data, t.id)
        mine = [e for e in doc.register.entries if e.trainer == t.id]
        console.print(f"[bold]{_escape(t.name)}[/] ({t.status.value}"
                      + (f", {_escape(t.company)}" if t.company else "") + f")\u00a0: {len(sessions)} session(s)")
        for e in mine:
            console.print(f"  {e.id} {e.date:%d/%m/%Y} {e.kind.value}" + (f" — {_escape(e.session)}" if e.session
                                                                          else "")
                          + ("" if e.file else " (sans pièce)"))
        for gap in external.gaps(t.id, sessions, doc.register.entries, contracts, clock.today()):
            console.print(f"  [yellow]manque[/]\u00a0: {gap.what}" + (f" ({_escape(gap.session)})" if gap.session
                                                                     else ""))


external_app.command("check", help="Enregistre une pièce vérifiée d'un intervenant extérieur.")(check)
external_app.command("add", help="Comme «\u00a0check\u00a0».", hidden=True)(check)
external_app.command("facture", help="Enregistre la facture d'un intervenant extérieur (une charge).")(invoice)
external_app.command("contrat", help="Établit le contrat de sous-traitance de chaque session (PDF).")(contract)
external_app.command("list", help="Ce qui est vérifié et ce qui manque, par intervenant.")(listing)
