"""`qualikit emargement SESSION` (sign in the room; `--documents`: the session's contracts and conventions
only) and `qualikit emargement import SCAN` (a paper sheet)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from qualikit.cli.common import ProjectOpt, TodayOpt, clock_from, console, err, load_or_exit


def command(
    target: str = typer.Argument(..., metavar="SESSION|import", help="La session à émarger, ou « import »."),
    scan: Path = typer.Argument(None, metavar="[SCAN]", show_default=False,
                                help="Avec « import »\u00a0: la feuille scannée (PDF, JPEG ou PNG)."),
    session: str = typer.Option(None, "--session", show_default=False, help="Avec « import »\u00a0: la session."),
    day: str = typer.Option(None, "--date", show_default=False,
                            help="La journée (AAAA-MM-JJ)\u00a0; par défaut, aujourd'hui."),
    half: str = typer.Option(None, "--demi-journee", show_default=False,
                             help="matin ou apres-midi\u00a0; par défaut, celle en cours."),
    network: bool = typer.Option(False, "--reseau", help="Écouter sur le réseau local (sinon\u00a0: cet ordinateur "
                                                         "seul, en borne)."),
    port: int = typer.Option(8765, "--port", help="Port d'écoute (0\u00a0: un port libre)."),
    documents: bool = typer.Option(False, "--documents", help="Faire signer seulement les contrats et conventions "
                                                              "de la session (sans demi-journée)."),
    project: Path = ProjectOpt,
    today: str = TodayOpt,
) -> None:
    from datetime import date, datetime

    from qualikit.base.clock import PARIS
    from qualikit.commands.countersign import CountersignError, open_desk
    from qualikit.commands.emargement import EmargementError, RoomClock, current_half, import_scan, open_room
    from qualikit.project.journal_check import open_journal
    from qualikit.project.model import HalfDay

    fixed = clock_from(today).fixed
    clock = RoomClock(fixed.date() if fixed else None)
    now = clock.now

    try:
        when = date.fromisoformat(day) if day else now().date()
    except ValueError:
        err.print(f"[red]Erreur\u00a0:[/] --date «\u00a0{day}\u00a0» n'est pas une date (attendu\u00a0: AAAA-MM-JJ).")
        raise typer.Exit(2) from None
    chosen = None
    if half is not None:
        chosen = {"matin": HalfDay.MATIN, "apres-midi": HalfDay.APRES_MIDI, "après-midi": HalfDay.APRES_MIDI}.get(half)
        if chosen is None:
            err.print(f"[red]Erreur\u00a0:[/] --demi-journee «\u00a0{half}\u00a0» inconnue (attendu\u00a0: matin ou "
                      "apres-midi).")
            raise typer.Exit(2)
    loaded = load_or_exit(project)
    journal = open_journal(project, clock)
    try:
        if target == "import":
            if scan is None or session is None or chosen is None:
                err.print("[red]Erreur\u00a0:[/] usage\u00a0: qualikit emargement import SCAN --session S --date D "
                          "--demi-journee matin|apres-midi")
                raise typer.Exit(2)
            path = import_scan(loaded.project, project, journal, session, when, chosen, scan)
            console.print(f"[green]✓[/] Feuille scannée rattachée au {when:%d/%m/%Y} {chosen.value}\u00a0: {path}")
            return
        signer = _signer(loaded.project, project)
        desk = open_desk(loaded.project, project, journal, target, now, signer)
        if documents:
            _serve(None, network, port, now, desk)
            return
        sess = loaded.project.session(target)
        if chosen is None and sess is not None:
            chosen = current_half(sess, datetime.combine(when, now().time(), PARIS))
        if chosen is None:
            err.print(f"[red]Erreur\u00a0:[/] aucune demi-journée de {target} le {when:%d/%m/%Y}\u00a0: précisez "
                      "--date et --demi-journee (ou --documents pour les contrats et conventions).")
            raise typer.Exit(1)
        room = open_room(loaded.project, project, journal, target, when, chosen, now, signer)
    except (EmargementError, CountersignError) as exc:
        err.print(f"[red]Erreur\u00a0:[/] {exc}")
        raise typer.Exit(1) from None
    _serve(room, network, port, now, desk)


def _signer(project, root: Path):
    from qualikit.commands.close import CloseError, _signer

    try:
        return _signer(project, root)
    except CloseError as exc:
        err.print(f"[red]Erreur\u00a0:[/] {exc}")
        raise typer.Exit(1) from None


def _serve(room, network: bool, port: int, now, desk) -> None:
    from datetime import datetime, time

    import segno

    from qualikit.base.clock import PARIS
    from qualikit.commands.emargement_web import Keys, serve

    keys = Keys()
    stop_at = datetime.combine(datetime.now(PARIS).date(), time(23, 59), PARIS)
    try:
        serving = serve(room, keys, host="0.0.0.0" if network else "127.0.0.1", port=port, stop_at=stop_at,
                        now=lambda: datetime.now(PARIS), desk=desk)
    except OSError as exc:
        err.print(f"[red]Erreur\u00a0:[/] impossible d'écouter sur le port {port}\u00a0: {exc.strerror} "
                  "(essayez --port 0).")
        raise typer.Exit(1) from None
    local = serving.url.rsplit(":", 1)[-1]
    if room is not None:
        room_url = f"{serving.url}/{keys.room}/"
        console.print(f"[bold]Émargement[/] {room.session.id}, {room.day:%d/%m/%Y} {room.half.value}")
        console.print(f"Page des apprenants\u00a0: {room_url}")
        segno.make(room_url, error="l").terminal(out=sys.stdout, compact=True)
    else:
        waiting = sum(1 for p in desk.papers() if p.signed is None)
        console.print(f"[bold]Signature des documents[/] {desk.session.id}\u00a0: {waiting} en attente "
                      "(liens personnels sur votre page)")
    console.print(f"Votre page (à garder pour vous)\u00a0: http://127.0.0.1:{local}/{keys.trainer}/formateur")
    if not network:
        console.print("Cet ordinateur seul (borne)\u00a0; --reseau pour que les téléphones de la salle s'y connectent.")
    console.print("Arrêt automatique à 23 h 59\u00a0; Ctrl+C pour arrêter avant.")
    try:
        serving.thread.join()
    except KeyboardInterrupt:
        serving.stop()
    console.print("Serveur d'émargement arrêté.")
