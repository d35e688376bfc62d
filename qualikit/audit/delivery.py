"""Proofs of delivery and attendance (indicators 9–16): convocations, follow-up, closings, retention."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from qualikit.audit import coverage
from qualikit.audit.context import (
    SESSIONS,
    Context,
    emails_of,
    journal_files,
    latest,
    sample,
    sample_note,
    survey_answers,
)
from qualikit.audit.results import PackFile, Proof
from qualikit.audit.shared import cmd, grid_asks
from qualikit.audit.sheets import Sheet, workbook
from qualikit.project.journal import Entry
from qualikit.project.model import HalfDay

FOLLOW_UP_STEPS = ("relance-absence", "recapitulatif", "suivi-j30")


def _kit_proof(ctx: Context, proof_id: str, label: str) -> Proof:
    kits = journal_files(ctx, "onboard.kit")
    picked = sample(ctx, lambda s, lid: (s.id, lid) in kits)
    files = [PackFile(f"{s.id}/{lid}-convocation-livret-accueil.pdf",
                      f"Convocation et livret d'accueil — {ctx.learner_name(lid)} ({s.id})", source=kits[(s.id, lid)])
             for s, lids in picked for lid in lids]
    todo = [f"lancez {cmd(ctx, f'onboard {s.id}')}" for s in ctx.sessions
            if not any(k[0] == s.id for k in kits)]
    if not files:
        return Proof(proof_id, label, False, todo=todo or ["aucune session commencée dans la période"])
    missing = coverage.convocations(ctx)
    return Proof(proof_id, label, True, files, [sample_note(picked, ctx, "sortie/<session>/convocations/")],
                 todo + ([f"convoquez-les ({cmd(ctx, 'onboard')}) ou joignez la convocation envoyée autrement"]
                         if missing else []), missing)


def convocations(ctx: Context) -> Proof:
    return _kit_proof(ctx, "convocations", "Convocations")


def livret_accueil(ctx: Context) -> Proof:
    label = "Livret d'accueil (conditions de déroulement, contacts, accessibilité"
    label += ", signalement des violences)" if grid_asks(ctx, 12, "livret_accueil") else ")"
    return _kit_proof(ctx, "livret_accueil", label)


def emails_envoyes(ctx: Context) -> Proof:
    label = "E-mails envoyés (convocation, rappel)"
    sent = latest(ctx.entries, "onboard.email")
    sessions_sent = {e.data.get("session") for e in sent.values()} & ctx.session_ids
    copies = emails_of(ctx, ("convocation", "rappel-veille"))
    picked = sample(ctx, lambda s, lid: (s.id, lid) in copies)
    files = []
    for s, lids in picked:
        for lid in lids:
            for n, path in enumerate(copies[(s.id, lid)], start=1):
                files.append(PackFile(f"{s.id}/{lid}-email-{n}.eml", f"E-mail envoyé — {ctx.learner_name(lid)} "
                                      f"({s.id})", source=path))
    notes = [sample_note(picked, ctx, "outbox/")] if picked else []
    if sessions_sent and not files:
        notes.append("Envoyés par SMTP : la trace est le journal des relances (indicateur 12) ; gardez aussi la "
                     "copie dans votre messagerie.")
    if not sessions_sent and not files:
        return Proof("emails_envoyes", label, False, todo=[
            f"lancez {cmd(ctx, 'onboard')} pour les sessions qui commencent (convocation par e-mail)"])
    return Proof("emails_envoyes", label, True, files, notes)


def reminder_rows(ctx: Context, sessions: set[str] | None = None) -> list[dict]:
    from qualikit.documents.journal_export import reminder_log

    entries = ctx.period_entries()
    if sessions is not None:
        entries = [e for e in entries if e.data.get("session") in sessions]
    return reminder_log(ctx.project, entries)


def log_workbook(ctx: Context, rows: list[dict], name: str, label: str) -> PackFile:
    from qualikit.documents.journal_export import log_sheet

    return PackFile(name, label, data=workbook(ctx.about, [log_sheet(rows)], ctx.stamp))


def _contacts(ctx: Context, follow_up_only: bool) -> list[Entry]:
    out = []
    for e in ctx.period_entries():
        if e.kind.startswith("followup."):
            out.append(e)
        elif e.kind.startswith("remind.") and e.kind != "remind.digest":
            if not follow_up_only or e.kind.removeprefix("remind.") in FOLLOW_UP_STEPS:
                out.append(e)
    return out


def journal_relances(ctx: Context) -> Proof:
    label = "Journal des relances et des suivis (horodaté)"
    if not _contacts(ctx, follow_up_only=False):
        return Proof("journal_relances", label, False, todo=[
            f"lancez {cmd(ctx, 'remind')} chaque jour (tâche planifiée) et consignez vos appels : "
            f"{cmd(ctx, 'log call <apprenant> …')}"])
    rows = reminder_rows(ctx)
    return Proof("journal_relances", label, True, [log_workbook(ctx, rows, "journal-relances.xlsx", label)],
                 [f"{len(rows)} ligne(s) : toute la période, tirées du journal chaîné (journal.jsonl)."])


def suivi_apprenants(ctx: Context) -> Proof:
    label = "Suivi des apprenants (appels, entretiens, relances d'absence, points d'étape)"
    contacts = _contacts(ctx, follow_up_only=True)
    ids = [s.id for s, _ in sample(ctx, lambda s, lid: any(e.data.get("session") == s.id
                                                           and e.data.get("learner") == lid for e in contacts))]
    if not contacts:
        return Proof("suivi_apprenants", label, False, todo=[
            f"consignez vos échanges avec les apprenants : {cmd(ctx, 'log call|interview|note <apprenant> …')}"])
    rows = reminder_rows(ctx, set(ids))
    return Proof("suivi_apprenants", label, True,
                 [log_workbook(ctx, rows, "suivi-apprenants.xlsx", label)],
                 [f"Sessions de l'échantillon : {', '.join(ids)}."])


def adaptations(ctx: Context) -> Proof:
    label = "Adaptations demandées et mises en place"
    rows = []
    for s in ctx.sessions:
        for e in s.enrolments:
            learner = ctx.project.learner(e.learner_id)
            if learner is not None and learner.adaptation:
                rows.append([s.id, learner.full_name, learner.adaptation])
    asked = any(sv == "besoins" for (sv, _, _) in survey_answers(ctx))
    files = []
    if rows:
        files.append(PackFile("adaptations.xlsx", label, data=workbook(
            ctx.about, [Sheet("Adaptations", ("Session", "Apprenant", "Adaptation"), rows, (22, 24, 80))],
            ctx.stamp)))
    if not rows and not asked:
        return Proof("adaptations", label, False, todo=[
            "notez les adaptations (adaptation) dans apprenants.yaml, et recueillez les besoins d'adaptation dans "
            f"l'analyse des besoins ({cmd(ctx, 'survey import <export> --enquete besoins')})"])
    notes = [] if rows else ["Aucune adaptation demandée sur la période ; la question est posée dans l'analyse des "
                             "besoins (voir l'indicateur 4)."]
    return Proof("adaptations", label, True, files, notes)


def evaluations_finales(ctx: Context) -> Proof:
    label = "Résultats des évaluations finales, par objectif"
    have = {(ev.session_id, ev.learner_id) for ev in ctx.project.evaluations}
    picked = sample(ctx, lambda s, lid: (s.id, lid) in have)
    files = []
    for s, lids in picked:
        programme = ctx.project.programme(s.programme_id)
        objectives = programme.objectives if programme else ()
        rows = []
        for ev in ctx.project.evaluations:
            if ev.session_id == s.id and ev.learner_id in lids:
                text = objectives[ev.objective - 1] if 0 < ev.objective <= len(objectives) else ""
                rows.append([ctx.learner_name(ev.learner_id), ev.objective, text,
                             ev.result.value if ev.result else "", ev.score, ev.scale])
        files.append(PackFile(f"evaluations-{s.id}.xlsx", f"Évaluations finales — {s.id}", data=workbook(
            ctx.about, [Sheet("Évaluations", ("Apprenant", "N°", "Objectif", "Résultat", "Note", "Barème"), rows,
                              (24, 4, 60, 22, 8, 8))], ctx.stamp)))
    todo = [f"saisissez les résultats dans evaluations.yaml puis lancez {cmd(ctx, f'close-session {s.id}')}"
            for s in ctx.ended if not any(k[0] == s.id for k in have)]
    if not files:
        return Proof("evaluations_finales", label, False, todo=todo or ["aucune session terminée dans la période"])
    missing = coverage.evaluations(ctx)
    return Proof("evaluations_finales", label, True, files, [sample_note(picked, ctx, "evaluations.yaml")],
                 todo + (["saisissez leurs résultats dans evaluations.yaml"] if missing else []), missing)


def _closing_proof(ctx: Context, proof_id: str, kind: str, label: str, filename: str, what: str,
                   dropouts: bool) -> Proof:
    found = journal_files(ctx, f"close.{kind}")
    picked = sample(ctx, lambda s, lid: (s.id, lid) in found)
    files = [PackFile(f"{s.id}/{lid}-{filename}", f"{label} — {ctx.learner_name(lid)} ({s.id})",
                      source=found[(s.id, lid)]) for s, lids in picked for lid in lids]
    todo = [f"lancez {cmd(ctx, f'close-session {s.id}')}" for s in ctx.ended
            if not any(k[0] == s.id for k in found)]
    if not files:
        return Proof(proof_id, label, False, todo=todo or ["aucune session terminée dans la période"])
    return Proof(proof_id, label, True, files, [sample_note(picked, ctx, "sortie/<session>/fin/")], todo,
                 coverage.closing_document(ctx, kind, what, dropouts))


def attestations(ctx: Context) -> Proof:
    return _closing_proof(ctx, "attestations", "attestation", "Attestation de fin de formation",
                          "attestation-fin-formation.pdf", "sans attestation de fin de formation", dropouts=False)


def certificats_realisation(ctx: Context) -> Proof:
    return _closing_proof(ctx, "certificats_realisation", "certificat", "Certificat de réalisation",
                          "certificat-realisation.pdf", "sans certificat de réalisation", dropouts=True)


SIGNED_FOLDER = "emargements-signes"  # sortie/<session>/emargements-signes/2026-11-04-matin.pdf
SCANS = (".pdf", ".jpg", ".jpeg", ".png")
HALVES = {h.value for h in HalfDay}


def signed_sheets(ctx: Context) -> dict[tuple[str, date, str], Path]:
    """(session, day, half) → the signed sheet of that half-day (a scan named after it), held by the
    pack's day; « apres-midi » in the name stands for « après-midi »."""
    out: dict[tuple[str, date, str], Path] = {}
    for s in ctx.sessions:
        folder = ctx.root / "sortie" / s.id / SIGNED_FOLDER
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            try:
                day = date.fromisoformat(path.stem[:10])
            except ValueError:
                continue
            half = path.stem[11:].replace("apres", "après")
            if path.suffix.lower() in SCANS and path.is_file() and day <= ctx.today and half in HALVES:
                out[(s.id, day, half)] = path
    return out


def emargements(ctx: Context) -> Proof:
    """Signed sheets only: the blank sheet printed at onboarding proves nobody was there."""
    label = "Feuilles d'émargement signées, par demi-journée"
    found = journal_files(ctx, "onboard.attendance_sheet")
    signed = signed_sheets(ctx)
    picked = [s for s in ctx.sessions if any(k[0] == s.id for k in signed)][:SESSIONS]
    files = [PackFile(f"{sid}/emargement-{day.isoformat()}-{half.replace('è', 'e')}{path.suffix.lower()}",
                      f"Feuille d'émargement signée — {sid}, {day:%d/%m/%Y} {half}", source=path)
             for (sid, day, half), path in sorted(signed.items()) if sid in {s.id for s in picked}]
    missing = coverage.signed_attendance(ctx, set(signed))
    todo = [f"déposez chaque feuille signée (scan) dans sortie/<session>/{SIGNED_FOLDER}/, nommée par "
            "demi-journée : AAAA-MM-JJ-matin.pdf, AAAA-MM-JJ-apres-midi.pdf (ou .jpg, .png)"] if missing else []
    if not signed:
        return Proof("emargements", label, False, files, todo=[*todo, *(
            [f"lancez {cmd(ctx, 'onboard <session>')} pour imprimer les feuilles"] if not found else [])],
            missing=missing)
    return Proof("emargements", label, True, files, [
        f"Échantillon : {', '.join(s.id for s in picked)} ; les autres : sortie/<session>/{SIGNED_FOLDER}/."],
        todo, missing)


def contrats_conventions(ctx: Context) -> Proof:
    """The signed terms of each sampled session: its convention, or the contract of a particulier; the copy
    signed by the client or the learner on the page of `qualikit emargement` when there is one."""
    label = "Conventions et contrats de formation"
    conventions, contracts = journal_files(ctx, "contract.convention"), journal_files(ctx, "contract.contrat")
    signed = journal_files(ctx, "countersign.convention"), journal_files(ctx, "countersign.contrat")
    files = []
    for s in ctx.sessions[:SESSIONS]:
        if (s.id, "") in conventions:
            by_client = " signée par le client" if (s.id, "") in signed[0] else ""
            files.append(PackFile(f"{s.id}/convention.pdf", f"Convention de formation{by_client} — {s.id}",
                                  source=signed[0].get((s.id, ""), conventions[(s.id, "")])))
        files += [PackFile(f"{s.id}/{lid}-contrat-formation.pdf",
                           f"Contrat de formation{' signé par le stagiaire' if (sid, lid) in signed[1] else ''} — "
                           f"{ctx.learner_name(lid)}", source=signed[1].get((sid, lid), path))
                  for (sid, lid), path in sorted(contracts.items()) if sid == s.id]
    return Proof("contrats_conventions", label, bool(files), files)


def relance_emails(ctx: Context) -> Proof:
    label = "Copies d'e-mails de relance et de suivi"
    copies = emails_of(ctx, ("relance-absence", "relance-chaud", "suivi-j30", "recapitulatif"))
    picked = sample(ctx, lambda s, lid: (s.id, lid) in copies)
    files = [PackFile(f"{s.id}/{lid}-relance-{n}.eml", f"Relance — {ctx.learner_name(lid)} ({s.id})", source=path)
             for s, lids in picked for lid in lids for n, path in enumerate(copies[(s.id, lid)], start=1)]
    return Proof("relance_emails", label, bool(files), files)


def tableau_retention(ctx: Context) -> Proof:
    from qualikit.audit.retention import retention_workbook

    label = "Tableau de suivi de l'assiduité, de l'achèvement et des abandons"
    if not any(s.enrolments for s in ctx.sessions):
        return Proof("tableau_retention", label, False, todo=["aucune session commencée dans la période"])
    return Proof("tableau_retention", label, True, [PackFile("tableau-retention.xlsx", label,
                                                             data=retention_workbook(ctx))],
                 ["Par session et par mois : apprenants, achèvement, abandons et causes, relances, alertes et "
                  "leur traitement."], missing=coverage.untreated_alerts(ctx),
                 todo=[f"consignez ce qui a été fait après chaque alerte : {cmd(ctx, 'log call|note <apprenant> …')} "
                       f"ou {cmd(ctx, 'improvement add')}"] if coverage.untreated_alerts(ctx) else [])


def registre_signalements(ctx: Context) -> Proof:
    """Counts only, from reports.summary(): never a name, never a fact."""
    from qualikit.quality.registers import reports

    label = "Registre des signalements (violences, harcèlement, discriminations) : synthèse chiffrée"
    document = ctx.register(reports)
    if not document.ok:
        return Proof("registre_signalements", label, False, todo=[
            f"corrigez le registre des signalements ({cmd(ctx, 'check')})"])
    summary = reports.summary(document.register)
    rows: list[list[Any]] = [["Signalements enregistrés", summary["total"]]]
    rows += [[f"Statut : {status}", n] for status, n in summary["by_status"].items()]
    rows += [[f"Année {year}", n] for year, n in summary["by_year"].items()]
    rows += [["Mesures prises (nombre)", summary["measures"]],
             ["Signalements avec une orientation (Défenseur des droits, 3919…)", summary["oriented"]]]
    data = workbook([*ctx.about, ("Accès", "Synthèse chiffrée seulement : le registre nominatif reste chez "
                                            "l'organisme, consultable sur place par l'auditeur.")],
                    [Sheet("Synthèse", ("Élément", "Nombre"), rows, (60, 10))], ctx.stamp)
    exists = (ctx.root / reports.FILENAME).is_file()
    notes = ["Synthèse chiffrée : le registre, à accès restreint, se consulte sur place."]
    if not exists:
        notes.append("Aucun signalement enregistré (registre vide).")
    return Proof("registre_signalements", label, True,
                 [PackFile("registre-signalements-synthese.xlsx", label, data=data)], notes)
