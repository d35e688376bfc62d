"""Choosing the transport and telling the trainer what left, what did not, and what to do."""

from __future__ import annotations

from pathlib import Path

from qualikit.cli.common import console


def transport_for(project, root: Path, force_outbox: bool, clock):
    from qualikit.delivery.send import OutboxTransport, SmtpTransport

    smtp = project.settings.smtp
    if smtp is None or force_outbox:
        return OutboxTransport(root / "outbox", clock.now)
    return SmtpTransport(smtp)


def print_delivery(report, transport, root: Path) -> bool:
    """Print the delivery summary; False when something was not sent (the caller exits 1)."""
    from rich.table import Table

    if report.dry_run:
        table = Table(title="Simulation : rien n'a été envoyé", title_justify="left")
        table.add_column("Destinataire")
        table.add_column("Objet")
        for o in report.sent:
            table.add_row(str(o.message["To"]), str(o.message["Subject"]))
        console.print(table if report.sent else "Simulation : aucun message à envoyer.")
        return True
    summary = Table(title="Envoi des e-mails", title_justify="left")
    summary.add_column("Résultat")
    summary.add_column("Nombre", justify="right")
    summary.add_row("envoyés", str(len(report.sent)))
    summary.add_row("déjà envoyés (rien de renvoyé)", str(len(report.already)))
    summary.add_row("[red]non envoyés[/]" if report.failed else "non envoyés", str(len(report.failed)))
    if report.uncertain:
        summary.add_row("[yellow]envoi incertain[/]", str(len(report.uncertain)))
    console.print(summary)
    if report.sent and transport.name == "outbox":
        console.print(f"Les e-mails sont dans {root / 'outbox'} (fichiers .eml) : rien n'a quitté votre ordinateur.")
    for o, reason in report.failed:
        console.print(f"[red]non envoyé[/] à {o.message['To']} : {reason}")
    for o in report.uncertain:
        console.print(f"[yellow]incertain[/] {o.message['To']} : envoi interrompu ; vérifiez s'il est parti, "
                      f"puis relancez avec --force {o.data.get('learner', '')}")
    for o, text in getattr(report, "warnings", []):
        console.print(f"[yellow]attention[/] {o.message['To']} : {text}")
    if report.failed:
        console.print("Les messages non envoyés le seront à la prochaine exécution.")
    return report.ok
