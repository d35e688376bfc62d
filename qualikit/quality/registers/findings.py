"""What `qualikit check` says about indicators 26 and 27 beyond the files' syntax: the disability
network never used, an external intervenant without the pieces an auditor asks for. Warnings,
located where the trainer fixes them (the trainer's row, the session's row, the register).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from qualikit.base.diagnostics import Diagnostic, Level, Location


def findings(project, root: Path, entries: list, today: date) -> list[Diagnostic]:
    return [*_network(project, root, today), *_external(project, root, entries, today)]


def _warn(loc: Location, message: str, field: str | None, indicator: int) -> Diagnostic:
    return Diagnostic(loc, message, field, Level.WARNING, indicator)


def _network(project, root: Path, today: date) -> list[Diagnostic]:
    from qualikit.quality.registers import network

    org = project.organisation
    if not org.disability_referent or not org.disability_network:
        return []  # the organisation's own checks say so
    document = network.load(root)
    if not document.ok:
        return []  # its errors are reported with the registers'
    if any(e.date <= today for e in document.register.entries):
        return []  # how recent is the audit pack's question, over its period
    return [_warn(Location(network.FILENAME), "aucune action notée avec le réseau handicap (contact, réunion, "
                  "formation du référent, orientation)\u00a0: l'auditeur demande à voir le réseau mobilisé\u00a0; "
                  "notez-les avec «\u00a0qualikit handicap add\u00a0»",
                  None, 26)]


def _external(project, root: Path, entries: list, today: date) -> list[Diagnostic]:
    from qualikit.quality.registers import external

    out: list[Diagnostic] = []
    for t in project.trainers:
        if not t.external:
            continue
        who = f"intervenant extérieur {t.id}"
        if not t.company and t.status.value == "porté":
            out.append(_warn(t.loc, f"{who}\u00a0: la société de portage est à indiquer (partie au contrat)",
                             "societe", 27))
        if not t.siret:
            out.append(_warn(t.loc, f"{who}\u00a0: SIRET à indiquer (contrat, vérifications)", "siret", 27))
        if not t.address.city:
            out.append(_warn(t.loc, f"{who}\u00a0: adresse à indiquer (contrat)", "adresse", 27))
        if t.day_rate is None:
            out.append(_warn(t.loc, f"{who}\u00a0: tarif_jour absent, le prix du contrat restera en blanc",
                             "tarif_jour", 27))
    document = external.load(root)
    if not document.ok:
        return out
    contracts = external.contracted(entries)
    by_trainer: dict[str, list] = {}
    for s in project.sessions:
        trainer = project.trainer(s.trainer_id) if s.trainer_id else None
        if trainer is not None and trainer.external and s.days and s.end >= today - timedelta(days=365):
            by_trainer.setdefault(trainer.id, []).append(s)
    for tid, sessions in by_trainer.items():
        trainer = project.trainer(tid)
        for gap in external.gaps(tid, sessions, document.register.entries, contracts, today):
            session = project.session(gap.session) if gap.session else None
            loc = session.loc if session is not None else trainer.loc
            where = f"session {gap.session}, " if gap.session else ""
            what = ("aucun contrat (qualikit sous-traitant contrat, ou la copie signée dans le registre)"
                    if gap.what == "contrat" else f"manque «\u00a0{gap.what}\u00a0» dans {external.FILENAME}")
            out.append(_warn(loc, f"{where}intervenant extérieur {tid}\u00a0: {what}",
                             "formateur" if session else "statut",
                             27))
    return out
