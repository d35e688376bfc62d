"""Proofs of means and skills (indicators 17–27): teaching resources, disability referent, trainers."""

from __future__ import annotations

from pathlib import Path

from qualikit.audit.context import Context, journal_files, sample, sample_note
from qualikit.audit.results import PackFile, Proof
from qualikit.audit.shared import programmes_workbook
from qualikit.audit.sheets import Sheet, workbook


def ressources_pedagogiques(ctx: Context) -> Proof:
    label = "Ressources pédagogiques remises"
    with_resources = [p for p in ctx.programmes if p.resources]
    files = [programmes_workbook(ctx)]
    picked = sample(ctx, lambda s, lid: (s.id, lid) in packs(ctx))
    for s, lids in picked:
        files += [PackFile(f"{s.id}/{lid}-pack-fin-de-formation.pdf",
                           f"Pack de fin de formation (ressources) — {ctx.learner_name(lid)}",
                           source=packs(ctx)[(s.id, lid)]) for lid in lids]
    notes = [sample_note(picked, ctx, "sortie/<session>/fin/")] if picked else []
    if not with_resources:
        return Proof("ressources_pedagogiques", label, False, files, notes,
                     ["listez les ressources remises (ressources) de vos programmes dans programmes.yaml"])
    return Proof("ressources_pedagogiques", label, True, files, notes)


def packs(ctx: Context) -> dict[tuple[str, str], Path]:
    return journal_files(ctx, "close.depart")


def referent_handicap(ctx: Context) -> Proof:
    org = ctx.project.organisation
    label = "Référent handicap et réseau de partenaires"
    referent = org.disability_referent
    if referent is None:
        return Proof("referent_handicap", label, False, todo=[
            "renseignez referent_handicap et reseau_handicap dans organisation.yaml"])
    rows = [["Référent handicap", referent.name], ["E-mail", referent.email or ""],
            ["Téléphone", referent.phone or ""]]
    rows += [["Réseau", partner] for partner in org.disability_network]
    todo = [] if org.disability_network else [
        "ajoutez votre réseau (Agefiph, Cap emploi, MDPH, Ressource Handicap Formation) : reseau_handicap dans "
        "organisation.yaml"]
    data = workbook(ctx.about, [Sheet("Référent et réseau", ("Élément", "Valeur"), rows, (20, 80))], ctx.stamp)
    return Proof("referent_handicap", label, True, [PackFile("referent-et-reseau-handicap.xlsx", label, data=data)],
                 todo=todo)


def formateurs(ctx: Context) -> Proof:
    label = "Formateurs et qualifications déclarées (organisation.yaml)"
    rows = [[t.name, q] for t in ctx.project.trainers for q in (t.qualifications or ("",))]
    if not rows:
        return Proof("formateurs", label, False)
    data = workbook(ctx.about, [Sheet("Formateurs", ("Formateur", "Qualification"), rows, (24, 90))],
                    ctx.stamp)
    return Proof("formateurs", label, True, [PackFile("formateurs-qualifications.xlsx", label, data=data)])
