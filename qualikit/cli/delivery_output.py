"""Choosing the transport and telling the trainer what left, what did not, and what to do."""

from __future__ import annotations

from pathlib import Path

from qualikit.cli.common import console


def transport_for(project, root: Path, force_outbox: bool, clock):
    from qualikit.delivery.send import OutboxTransport

    smtp = project.settings.smtp
    if smtp is None or force_outbox:
        return OutboxTransport(root / "outbox", clock.now)
    from qualikit.delivery.smtp import SmtpTransport

    return SmtpTransport(smtp, root=root)


def print_delivery(report, transport, root: Path, said: set[str] | None = None) -> bool:
    """Print the delivery summary and one line per message not sent, with its cause and what
    happens next; False when something waits or failed (the caller exits 1). `said`: the
    causes already printed by an earlier batch of the same run, not repeated in full."""
    from rich.markup import escape
    from rich.table import Table

    if report.dry_run:
        table = Table(title="Simulation : rien n'a été envoyé", title_justify="left")
        table.add_column("Destinataire")
        table.add_column("Objet")
        for o in report.sent:
            table.add_row(escape(str(o.message["To"])), escape(str(o.message["Subject"])))
        console.print(table if report.sent else "Simulation : aucun message à envoyer.")
        return True
    outbox = transport.name == "outbox"
    summary = Table(title="Envoi des e-mails", title_justify="left")
    summary.add_column("Résultat")
    summary.add_column("Nombre", justify="right")
    summary.add_row("déposés dans outbox/" if outbox else "envoyés", str(len(report.sent)))
    summary.add_row("déjà envoyés (rien de renvoyé)", str(len(report.already)))
    if report.waiting:
        summary.add_row("[yellow]en attente (repartiront à la prochaine exécution)[/]", str(len(report.waiting)))
    summary.add_row("[red]refusés[/]" if report.failed else "refusés", str(len(report.failed)))
    console.print(summary)
    if report.sent and outbox:
        console.print(f"Les e-mails sont dans {root / 'outbox'} (fichiers .eml) : rien n'a quitté votre ordinateur.")
    for o, reason in report.failed:
        console.print(f"[red]refusé[/] {escape(str(o.message['To']))} : {escape(reason)} — corrigez l'adresse "
                      "dans le projet : il repartira à la prochaine exécution.")
    reasons: dict[str, int] = {}
    for _, reason in report.waiting:  # a server down is one line, not one per message
        reasons[reason.removeprefix("non tenté\u00a0: ")] = reasons.get(reason.removeprefix("non tenté\u00a0: "), 0) + 1
    said = set() if said is None else said
    for reason, count in reasons.items():
        if reason in said:
            console.print(f"[yellow]en attente[/] {count} message(s) : même cause que ci-dessus.")
            continue
        said.add(reason)
        console.print(f"[yellow]en attente[/] {count} message(s) : {escape(reason)} — ils repartiront "
                      "à la prochaine exécution, sous le même identifiant (rien d'autre à faire).")
    for o, text in report.warnings:
        console.print(f"[yellow]attention[/] {escape(str(o.message['To']))} : {escape(text)}")
    return report.ok
