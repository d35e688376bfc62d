from __future__ import annotations

from pathlib import Path

import typer

from qualikit.cli.common import ProjectOpt, TodayOpt, clock_from, console, err, load_or_exit


def command(
    project: Path = ProjectOpt,
    dry_run: bool = typer.Option(False, "--dry-run", help="Lister ce qui est dû, sans rien envoyer."),
    outbox: bool = typer.Option(False, "--outbox", help="Écrire les e-mails dans outbox/ même si SMTP est configuré."),
    install_cron: bool = typer.Option(False, "--install-cron", help="Programmer « qualikit remind » chaque jour "
                                      "à 8 h dans votre crontab (Linux, macOS)."),
    today: str = TodayOpt,
) -> None:
    if install_cron:
        _install(project)
        return
    from qualikit.base.frdates import clock_time, short_date
    from qualikit.cli.delivery_output import print_delivery, transport_for
    from qualikit.commands.onboard import OnboardError
    from qualikit.commands.remind import remind
    from qualikit.documents.email import TemplateProblem
    from qualikit.project.journal_check import open_journal

    clock = clock_from(today)
    try:
        loaded = load_or_exit(project)
    except typer.Exit:  # the errors are printed; 2: the project needs fixing, waiting will not help
        raise typer.Exit(2) from None
    p = loaded.project
    transport = transport_for(p, project, outbox, clock)
    digest_to = p.organisation.email or (p.organisation.sender.email if p.organisation.sender else None)
    try:
        result = remind(p, project, open_journal(project, clock), transport, clock.now(), dry_run=dry_run,
                        digest_to=digest_to)
    except (OnboardError, TemplateProblem) as exc:  # project data: nothing was sent
        err.print(f"[red]Erreur :[/] {exc}")
        raise typer.Exit(2) from None
    finally:
        transport.close()
    now = clock.now()
    stamp = f"{now:%d/%m/%Y} à {clock_time(now)}"
    if result.due:
        from rich.table import Table

        table = Table(title=f"Étapes dues au {stamp}", title_justify="left")
        for col in ("Étape", "Session", "Destinataire", "Prévue le"):
            table.add_column(col)
        for item in result.due:
            who = item.learner.full_name if item.learner else f"contact client ({item.to})"
            table.add_row(item.step.label, item.session.id, who, short_date(item.due.date()))
        console.print(table)
    else:
        typer.echo(f"Le {stamp} : aucune relance due.")  # plain text: a quiet day does not load rich
    if result.too_late and dry_run:
        s = "s" if len(result.too_late) > 1 else ""
        console.print(f"{len(result.too_late)} étape{s} trop ancienne{s} pour être rattrapée{s} "
                      f"(au-delà de {p.settings.catch_up_days} jours) : non envoyée{s}.")
    ok = True
    said: set[str] = set()  # a cause (the server is down) is said once for the whole run
    onboarding = result.onboarding.delivery if result.onboarding else None
    if onboarding and (onboarding.sent or onboarding.failed or onboarding.waiting):
        console.print("[bold]Convocations[/]")
        ok &= print_delivery(onboarding, transport, project, said)
    if result.due:
        ok &= print_delivery(result.delivery, transport, project, said)
    payments = result.payments
    if payments is not None and (payments.sent or payments.failed or payments.waiting):
        console.print("[bold]Relances de paiement[/]")
        for item in payments.sent:
            console.print(f"  facture n° {item.data['invoice']} : relance {item.data['reminder']} "
                          f"{'à envoyer' if dry_run else 'envoyée'} à {item.message['To']}")
        ok &= print_delivery(payments, transport, project, said)
    for alert in result.alerts:
        console.print(f"[yellow]alerte[/] {alert.text}")
    if result.digest is not None and not dry_run:
        if result.digest.sent:
            console.print(f"Résumé des alertes envoyé à {digest_to}.")
        elif not result.digest.ok:
            console.print("[bold]Résumé des alertes[/]")
            ok &= print_delivery(result.digest, transport, project, said)
    if not ok or not result.ok:
        raise typer.Exit(1)


def _install(project: Path) -> None:
    import subprocess

    from qualikit.delivery.cron import cron_line, install

    try:
        line = install(project)
    except (OSError, subprocess.CalledProcessError) as exc:  # crontab refused: explain how to do it by hand
        err.print(f"[yellow]Installation automatique impossible[/] ({exc}). Ajoutez cette ligne avec « crontab -e » :")
        console.print(cron_line(project))
        console.print("Windows, systemd : voir la section « Relances automatiques » du README.")
        raise typer.Exit(1) from None
    console.print(f"[green]✓ Relances programmées[/] chaque jour à 8 h :\n{line}")
