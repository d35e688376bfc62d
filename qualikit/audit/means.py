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
    """The référent and the network declared in the organisation file, with the référent's own training
    when the registers hold any (the competences of a référent who is a trainer, the network's
    « formation du référent » entries)."""
    from qualikit.audit.shared import cmd

    org = ctx.project.organisation
    label = "Référent handicap et réseau de partenaires"
    referent = org.disability_referent
    if referent is None or not referent.name:
        return Proof("referent_handicap", label, False, todo=[
            "désignez votre référent handicap (referent_handicap) et votre réseau (reseau_handicap) dans "
            "organisation.yaml"])
    rows = [["Référent handicap", referent.name], ["E-mail", referent.email or ""],
            ["Téléphone", referent.phone or ""]]
    rows += [["Réseau", partner] for partner in org.disability_network]
    trainings = referent_trainings(ctx, referent.name)
    rows += [["Formation du référent", text] for text in trainings]
    missing, todo, notes = [], [], []
    if not org.disability_network:
        missing.append("aucun partenaire du réseau handicap déclaré")
        todo.append("déclarez votre réseau (Agefiph, Cap emploi, MDPH, Ressource Handicap Formation) : "
                    "reseau_handicap dans organisation.yaml")
    if trainings:
        notes.append(f"Compétences du référent : {len(trainings)} formation(s) ou information(s) notée(s).")
    else:
        notes.append("Aucune formation du référent notée : "
                     f"{cmd(ctx, 'handicap add --type formation --partenaire … --compte-rendu …')}.")
    data = workbook(ctx.about, [Sheet("Référent et réseau", ("Élément", "Valeur"), rows, (22, 90))], ctx.stamp)
    return Proof("referent_handicap", label, True, [PackFile("referent-et-reseau-handicap.xlsx", label, data=data)],
                 notes, todo, missing)


def referent_trainings(ctx: Context, name: str) -> list[str]:
    """« intitulé (date, organisme) » of the référent's trainings known by the as-of day: their own
    training as a trainer of the project (competences) and the network register's."""
    from qualikit.base.frdates import short_date
    from qualikit.quality.registers import competences, network
    from qualikit.quality.registers.model import CompetenceKind, NetworkKind

    ids = {t.id for t in ctx.project.trainers if t.name.casefold() == name.casefold()}
    out = []
    document = ctx.register(competences)
    if document.ok:
        out += [f"{e.title} ({short_date(e.date)}{', ' + e.provider if e.provider else ''})"
                for e in document.register.entries if e.kind is CompetenceKind.FORMATION and e.trainer in ids
                and any(w in e.title.casefold() for w in ("handicap", "accessib", "psh", "inclusi"))]
    document = ctx.register(network)
    if document.ok:
        out += [f"{e.report} ({short_date(e.date)}, {e.partner})" for e in document.register.entries
                if e.kind is NetworkKind.FORMATION]
    return out


def reseau_handicap(ctx: Context) -> Proof:
    """The network used over the period: the dated actions of registre-handicap.yaml, with their files."""
    from qualikit.audit.shared import cmd
    from qualikit.quality.registers import network

    label = "Actions avec le réseau handicap sur la période"
    add = cmd(ctx, "handicap add --partenaire … --type réunion --compte-rendu …")
    document = ctx.register(network)
    if not document.ok:
        return Proof("reseau_handicap", label, False, todo=[f"corrigez {network.FILENAME} ({cmd(ctx, 'check')})"])
    entries = sorted((e for e in document.register.entries if ctx.period.contains(e.date)),
                     key=lambda e: (e.date, e.id))
    if not entries:
        return Proof("reseau_handicap", label, False,
                     todo=[f"notez vos contacts, réunions et orientations avec vos partenaires : {add}"])
    files, rows = [], []
    for e in entries:
        copy = ""
        if (path := ctx.project_file(e.file)) is not None:
            copy = f"reseau/{e.id}{path.suffix.lower()}"
            files.append(PackFile(copy, f"{e.kind.value.capitalize()} : {e.partner} ({e.id})", source=path))
        rows.append([e.id, e.date, e.partner, e.kind.value, e.report, copy])
    sheet = Sheet("Réseau handicap", ("N°", "Date", "Partenaire", "Type", "Compte rendu", "Pièce"), rows,
                  (12, 11, 32, 20, 70, 22))
    partners = sorted({e.partner for e in entries})
    return Proof("reseau_handicap", label, True,
                 [PackFile("registre-reseau-handicap.xlsx", label, data=workbook(ctx.about, [sheet], ctx.stamp)),
                  *files],
                 [f"{len(entries)} action(s) avec {len(partners)} partenaire(s) sur la période, tirée(s) de "
                  f"{network.FILENAME}."])


def formateurs(ctx: Context) -> Proof:
    label = "Formateurs et qualifications déclarées (organisation.yaml)"
    rows = [[t.name, q] for t in ctx.project.trainers for q in (t.qualifications or ("",))]
    if not rows:
        return Proof("formateurs", label, False)
    data = workbook(ctx.about, [Sheet("Formateurs", ("Formateur", "Qualification"), rows, (24, 90))],
                    ctx.stamp)
    return Proof("formateurs", label, True, [PackFile("formateurs-qualifications.xlsx", label, data=data)])


def veille(ctx: Context, kind_value: str) -> Proof:
    """The watch of one kind over the period: each entry with its source and what was done with it."""
    from qualikit.audit.shared import cmd
    from qualikit.quality.registers import watch
    from qualikit.quality.registers.model import WatchKind

    kind = WatchKind(kind_value)
    proof_id = f"veille_{kind.name.lower()}"
    label = {WatchKind.LEGALE: "Registre de veille légale et réglementaire",
             WatchKind.METIERS: "Registre de veille sur les compétences, les métiers et les emplois",
             WatchKind.PEDAGOGIQUE: "Registre de veille pédagogique et technologique"}[kind]
    add = cmd(ctx, f"veille add --type {kind.value} --source … --constat … --action …")
    document = ctx.register(watch)
    if not document.ok:
        return Proof(proof_id, label, False, todo=[f"corrigez {watch.FILENAME} ({cmd(ctx, 'check')})"])
    entries = [e for e in document.register.entries if e.kind is kind and ctx.period.contains(e.date)]
    if not entries:
        return Proof(proof_id, label, False, todo=[f"notez votre veille {kind.value} : {add}"])
    files, rows = [], []
    for e in sorted(entries, key=lambda e: (e.date, e.id)):
        copy = ""
        if (path := ctx.project_file(e.file)) is not None:
            copy = f"sources/{e.id}{path.suffix.lower()}"
            files.append(PackFile(copy, f"Source de {e.id} : {e.source}", source=path))
        rows.append([e.id, e.date, e.source, e.finding, e.action or "", copy])
    sheet = Sheet("Veille", ("N°", "Date", "Source", "Constat", "Action", "Copie de la source"), rows,
                  (12, 11, 30, 60, 60, 24))
    name = f"registre-veille-{kind.name.lower()}.xlsx"
    without = [e.id for e in entries if not e.action]
    missing = [f"veille sans suite notée (action) : {', '.join(without)}"] if without else []
    return Proof(proof_id, label, True, [PackFile(name, label, data=workbook(ctx.about, [sheet], ctx.stamp)), *files],
                 [f"{len(entries)} information(s) de veille sur la période, tirée(s) de {watch.FILENAME}."],
                 [f"notez ce que vous en avez fait (action) dans {watch.FILENAME}"] if missing else [], missing)


def competences(ctx: Context, own_training: bool) -> Proof:
    """Each trainer of the period's sessions: diplomas, certifications or experience (21), or a training
    followed in the last twelve months (22) — each with the file that proves it."""
    from datetime import timedelta

    from qualikit.audit.shared import cmd
    from qualikit.quality.registers import competences as register
    from qualikit.quality.registers.model import CompetenceKind

    proof_id = "developpement_competences" if own_training else "competences_intervenants"
    label = ("Formations suivies par les intervenants (développement des compétences)" if own_training else
             "Compétences des intervenants : diplômes, certifications, expérience")
    kind = "formation" if own_training else "diplôme"
    add = cmd(ctx, f"competence add --formateur … --type {kind} --intitule … --date … --fichier …")
    document = ctx.register(register)
    if not document.ok:
        return Proof(proof_id, label, False, todo=[f"corrigez {register.FILENAME} ({cmd(ctx, 'check')})"])
    wanted = (lambda e: e.kind is CompetenceKind.FORMATION and e.date > ctx.today - timedelta(days=366)) \
        if own_training else (lambda e: e.kind is not CompetenceKind.FORMATION)
    entries = sorted((e for e in document.register.entries if wanted(e)), key=lambda e: (e.trainer, e.date, e.id))
    if not entries:
        return Proof(proof_id, label, False, todo=[f"notez-les avec leur pièce : {add}"])
    trainers = sorted({s.trainer_id for s in ctx.sessions if s.trainer_id} or {t.id for t in ctx.project.trainers})
    files, rows, unproved = [], [], []
    for e in entries:
        copy = ""
        if (path := ctx.project_file(e.file)) is not None:
            copy = f"pieces/{e.id}{path.suffix.lower()}"
            files.append(PackFile(copy, f"{e.kind.value.capitalize()} : {e.title} ({ctx.learner_name(e.trainer)})",
                                  source=path))
        else:
            unproved.append(e.id)
        rows.append([ctx.learner_name(e.trainer), e.kind.value, e.title, e.date, e.provider or "", e.hours, copy])
    sheet = Sheet("Compétences", ("Intervenant", "Type", "Intitulé", "Date", "Organisme", "Heures", "Pièce"), rows,
                  (24, 16, 50, 11, 30, 8, 24))
    name = "formations-suivies.xlsx" if own_training else "competences-intervenants.xlsx"
    missing = []
    lacking = [ctx.learner_name(t) for t in trainers if not any(e.trainer == t for e in entries)]
    if lacking:
        what = "sans formation suivie depuis un an" if own_training else "sans compétence attestée"
        missing.append(f"intervenant{'s' if len(lacking) > 1 else ''} {what} : {', '.join(lacking)}")
    if unproved:
        missing.append(f"sans pièce jointe : {', '.join(unproved)}")
    return Proof(proof_id, label, True, [PackFile(name, label, data=workbook(ctx.about, [sheet], ctx.stamp)), *files],
                 [f"{len(entries)} entrée(s) de {register.FILENAME}."], [f"complétez : {add}"] if missing else [],
                 missing)
