"""What qualikit can show an auditor, proof by proof (the `preuves_qualikit` ids of the grids).

Proof is SAMPLED as an auditor samples: per indicator, up to SESSIONS sessions of the period (the
most recent first) and up to LEARNERS learners per session (in enrolment order). Logs and registers
(reminder log, retention dashboard, registers) are given whole for the period: they are listings.

Every collector is read-only: it reads the project, the journal, sortie/ and outbox/, and returns
bytes or source paths to copy; the pack writes them. Nothing here writes to the project.

The violence-report register (indicator 12, 2026) is only ever read through `reports.summary()`:
counts, never names or facts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from qualikit.audit.context import (
    LEARNERS,
    SESSIONS,
    Context,
    _interest,
    emails_of,
    journal_files,
    kpis,
    latest,
    sample,
    sample_note,
    survey_answers,
)
from qualikit.audit.results import PackFile, Proof
from qualikit.audit.sheets import Sheet, workbook
from qualikit.journal import Entry
from qualikit.model import Session

# Indicators about the provider itself: qualikit keeps no proof of them (means, skills, watch).
OUTSIDE = frozenset({17, 18, 21, 22, 23, 24, 25})

# Folder names, the same in both grids (« 01-information-publique »).
SLUGS = {
    1: "information-publique", 2: "indicateurs-resultats", 3: "taux-certification", 4: "analyse-besoin",
    5: "objectifs", 6: "contenus-modalites", 7: "contenus-certification", 8: "positionnement",
    9: "conditions-deroulement", 10: "adaptation-suivi", 11: "evaluation-acquis", 12: "engagement-ruptures",
    13: "alternance", 14: "accompagnement-apprentis", 15: "droits-apprentis", 16: "presentation-certification",
    17: "moyens", 18: "coordination-intervenants", 19: "ressources-pedagogiques", 20: "mobilite-referents",
    21: "competences-intervenants", 22: "developpement-competences", 23: "veille-legale", 24: "veille-metiers",
    25: "veille-pedagogique", 26: "handicap", 27: "sous-traitance", 28: "situation-de-travail",
    29: "insertion-poursuite-etudes", 30: "appreciations", 31: "reclamations-aleas", 32: "amelioration-continue",
    33: "evaluation-apprentis",
}

SURVEY_LABELS = {"besoins": "analyse des besoins", "positionnement": "positionnement", "chaud": "à chaud",
                 "froid": "à froid", "entreprise": "entreprise", "financeur": "financeur",
                 "formateur": "bilan du formateur"}
ANSWER_LABELS = {"accueil": "Accueil (1-5)", "contenu": "Contenu (1-5)", "equipe": "Équipe pédagogique (1-5)",
                 "moyens": "Moyens (1-5)", "accompagnement": "Accompagnement (1-5)",
                 "nps": "Recommandation (0-10)", "accompagne": "S'est senti accompagné", "commentaire": "Commentaire",
                 "utilisation": "Utilise les acquis", "resultats": "Résultats obtenus", "obstacles": "Obstacles",
                 "soutien_manager": "Soutien du manager", "besoins_suivants": "Besoins suivants",
                 "satisfaction": "Satisfaction (1-5)", "reussites": "Réussites", "ameliorations": "À améliorer",
                 "difficultes": "Difficultés"}
APPRECIATIONS = ("chaud", "froid", "entreprise", "financeur", "formateur")
FOLLOW_UP_STEPS = ("relance-absence", "recapitulatif", "suivi-j30")


# --- procedures (templates the trainer can edit) ---------------------------------------------------

PROCEDURES: dict[str, tuple[str, str]] = {
    # proof id: (template name in templates/procedures/, French label)
    "procedure_abandons": ("abandons-relances", "Procédure de gestion des abandons et des relances"),
    "procedure_violences": ("violences-harcelement-discriminations",
                            "Procédure de prévention et de traitement des violences, du harcèlement et des "
                            "discriminations"),
    "procedure_reclamations": ("reclamations-difficultes-aleas",
                               "Procédure de traitement des réclamations, difficultés et aléas"),
    "procedure_amelioration": ("amelioration-continue", "Procédure d'amélioration continue"),
    "procedure_handicap": ("accueil-handicap", "Procédure d'accueil des personnes en situation de handicap"),
}
PROCEDURE_INDICATORS = {"procedure_abandons": 12, "procedure_violences": 12, "procedure_reclamations": 31,
                        "procedure_amelioration": 32, "procedure_handicap": 26}


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('1'))}\u00a0%"


def _when(step) -> str:
    n = step.offset
    if step.anchor == "debut":
        if n < 0:
            return f"{-n} jour{'s' if n < -1 else ''} avant le premier jour"
        return "le premier jour" if n == 0 else f"{n} jour{'s' if n > 1 else ''} après le premier jour"
    if step.anchor == "absence":
        return f"{n} jour{'s' if n > 1 else ''} après une demi-journée d'absence" if n else "le jour de l'absence"
    return "le dernier jour" if n == 0 else f"{n} jour{'s' if n > 1 else ''} après le dernier jour"


def grid_asks(ctx: Context, number: int, proof: str) -> bool:
    try:
        return proof in ctx.grid.indicator(number).qualikit_proofs
    except KeyError:
        return False


def procedure_context(ctx: Context) -> dict[str, Any]:
    from qualikit.journey.plan import plan

    org, settings = ctx.project.organisation, ctx.project.settings
    rep = org.legal_rep
    referent = org.disability_referent
    steps = [{"libelle": s.label, "quand": _when(s)} for s in plan(ctx.project.journey) if s.enabled]
    return {
        "organisme": org.name,
        "responsable": rep.name if rep else org.name,
        "qualite_responsable": (rep.title or "") if rep else "",
        "email": org.email or "",
        "telephone": org.phone or "",
        "site_web": org.website or "",
        "referent_handicap": ({"nom": referent.name, "email": referent.email or "", "telephone": referent.phone or ""}
                              if referent else None),
        "reseau_handicap": list(org.disability_network),
        "seuil_abandon": _percent(settings.dropout_alert_rate),
        "taux_reponse_cible": _percent(settings.response_target_rate),
        "delai_reclamation_heures": settings.complaint_answer_hours,
        "delai_convocation_jours": settings.lead_time_days,
        "etapes_relance": steps,
        "grille": ctx.grid.name,
        "violences": grid_asks(ctx, 12, "procedure_violences"),
        "analyse_risques": grid_asks(ctx, 32, "registre_risques"),
    }


def procedure_template(root: Path, name: str) -> tuple[str, bool]:
    """The procedure's markdown text source name and whether the project overrides it."""
    return f"procedures/{name}.md.j2", (root / "templates" / "procedures" / f"{name}.md.j2").is_file()


def render_procedure_text(ctx: Context, name: str) -> str:
    """The procedure as markdown: the project's templates/procedures/ first, sandboxed."""
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from qualikit.resources import templates_dir

    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader([FileSystemLoader(ctx.root / "templates"), FileSystemLoader(templates_dir())]),
        autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)
    template, _ = procedure_template(ctx.root, name)
    return env.get_template(template).render(**procedure_context(ctx))


def render_procedure_pdf(ctx: Context, proof_id: str) -> bytes:
    from qualikit.render.info_pack import markdown_flowables
    from qualikit.render.pdf_common import build_pdf, para, prose, styles

    name, label = PROCEDURES[proof_id]
    text = render_procedure_text(ctx, name)
    number = PROCEDURE_INDICATORS[proof_id]
    story = markdown_flowables(text)
    heading = f"Indicateur Qualiopi n° {number} — {ctx.grid.name}"
    story.insert(1 if story else 0, para(prose(heading), styles().body_small))
    title = next((line.lstrip("#").strip() for line in text.splitlines() if line.startswith("# ")), label)
    return build_pdf(story, organisation=ctx.project.organisation, root=ctx.root,
                     doc_label=f"Procédure — indicateur {number}", title=title)


def procedure_proof(ctx: Context, proof_id: str) -> Proof:
    from jinja2 import TemplateError

    name, label = PROCEDURES[proof_id]
    if proof_id == "procedure_amelioration" and grid_asks(ctx, 32, "registre_risques"):
        label = "Procédure d'amélioration continue et d'analyse des risques"
    template, own = procedure_template(ctx.root, name)
    try:
        data = render_procedure_pdf(ctx, proof_id)
    except (TemplateError, OSError, ValueError) as exc:
        return Proof(proof_id, label, False, todo=[
            f"rédigez la procédure « {label} » : le modèle {template} ne peut pas être utilisé ({exc}) ; "
            f"corrigez templates/{template} dans votre projet ou supprimez-le pour reprendre celui de qualikit"])
    notes = ([f"Votre version ({'templates/' + template})."] if own else
             [f"Modèle qualikit rempli avec vos données : relisez-le et adaptez-le à votre pratique (copiez le "
              f"modèle {template} livré avec qualikit dans le dossier templates/procedures/ de votre projet, "
              "puis modifiez-le)."])
    return Proof(proof_id, label, True, [PackFile(f"procedure-{name}.pdf", label, data=data)], notes)


# --- the proofs ------------------------------------------------------------------------------------

def _cmd(ctx: Context, text: str) -> str:
    return f"« qualikit {text} -p {ctx.root} »"


def programme_sheets(ctx: Context) -> tuple[list[PackFile], str | None]:
    """The programme sheets (PDF), or why they cannot be made."""
    if "sheets" in ctx.cache:
        return ctx.cache["sheets"]
    try:
        from qualikit.render import programme_sheet
        render = programme_sheet.render_programme_sheet
    except (ImportError, AttributeError):
        result: tuple[list[PackFile], str | None] = ([], "manquant : cette version de qualikit ne produit pas "
                                                         "encore les fiches programme ; déposez vos fiches publiées "
                                                         "dans preuves/01/ de votre projet")
        ctx.cache["sheets"] = result
        return result
    from qualikit.files import safe_name

    files = []
    for p in ctx.programmes:
        if p.updated and p.updated > ctx.today:
            continue  # its sheet of the day is gone: fiche_programme says so
        issued = p.updated or ctx.stamp
        files.append(PackFile(f"fiche-programme-{safe_name(p.id)}.pdf", f"Fiche programme « {p.title} »",
                              data=render(ctx.project, p, ctx.root, issued)))
    ctx.cache["sheets"] = (files, None)
    return ctx.cache["sheets"]


def programmes_workbook(ctx: Context) -> PackFile:
    if "programmes_xlsx" not in ctx.cache:
        from qualikit.frdates import hours

        objectives, outline, resources, sessions = [], [], [], []
        for p in ctx.programmes:
            objectives += [[p.id, p.title, n, text] for n, text in enumerate(p.objectives, start=1)]
            outline += [[p.id, p.title, n, text] for n, text in enumerate(p.outline, start=1)]
            resources += [[p.id, p.title, text] for text in p.resources]
        for s in ctx.sessions:
            for d in sorted(s.days, key=lambda d: d.date):
                sessions.append([s.id, s.programme_id, d.date, ", ".join(str(r) for _, r in d.halves()),
                                 hours(d.hours), s.place or s.distance_link or ""])
        data = workbook(ctx.about, [
            Sheet("Objectifs", ("Programme", "Intitulé", "N°", "Objectif opérationnel"), objectives, (16, 30, 4, 80)),
            Sheet("Déroulé", ("Programme", "Intitulé", "N°", "Séquence"), outline, (16, 30, 4, 80)),
            Sheet("Ressources", ("Programme", "Intitulé", "Ressource"), resources, (16, 30, 80)),
            Sheet("Calendrier des sessions", ("Session", "Programme", "Date", "Horaires", "Durée", "Lieu"),
                  sessions, (22, 16, 11, 26, 8, 50)),
        ], ctx.stamp)
        ctx.cache["programmes_xlsx"] = PackFile("programmes.xlsx", "Programmes : objectifs, déroulé, ressources, "
                                                "calendrier des sessions", data=data)
    return ctx.cache["programmes_xlsx"]


def fiche_programme(ctx: Context) -> Proof:
    files, problem = programme_sheets(ctx)
    label = "Fiches programme datées"
    if problem:
        return Proof("fiche_programme", label, False, todo=[problem])
    later = [p.id for p in ctx.programmes if p.updated and p.updated > ctx.today]
    todo = [f"la fiche de {', '.join(later)} a été mise à jour après le {ctx.today:%d/%m/%Y} : celle en vigueur à "
            "cette date n'est plus dans programmes.yaml ; déposez-la dans preuves/01/ de votre projet"] if later else []
    if not files:
        return Proof("fiche_programme", label, False, todo=todo or ["ajoutez vos programmes dans programmes.yaml"])
    return Proof("fiche_programme", label, True, files, todo=todo)


def objectifs_programme(ctx: Context) -> Proof:
    label = "Objectifs opérationnels et évaluables des programmes"
    missing = [p.id for p in ctx.programmes if not p.objectives]
    files = [programmes_workbook(ctx), *programme_sheets(ctx)[0]]
    if not ctx.programmes or missing:
        return Proof("objectifs_programme", label, False, files, todo=[
            f"écrivez les objectifs (objectifs) de {', '.join(missing) or 'vos programmes'} dans programmes.yaml"])
    return Proof("objectifs_programme", label, True, files)


def deroule_programme(ctx: Context) -> Proof:
    label = "Déroulé des programmes et calendrier des sessions"
    missing = [p.id for p in ctx.programmes if not p.outline]
    files = [programmes_workbook(ctx)]
    if not ctx.programmes or missing:
        return Proof("deroule_programme", label, False, files, todo=[
            f"décrivez le déroulé (contenu) de {', '.join(missing) or 'vos programmes'} dans programmes.yaml"])
    return Proof("deroule_programme", label, True, files)


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


def indicateurs_resultats(ctx: Context) -> Proof:
    from qualikit.render.indicators_page import render_html, render_pdf

    label = "Indicateurs de résultats publiés (avec leur mode de calcul)"
    k = kpis(ctx)
    if not any(s.enrolments for s in ctx.sessions):
        return Proof("indicateurs_resultats", label, False, todo=[
            "aucune session commencée dans la période : les indicateurs se calculent dès la première "
            f"({_cmd(ctx, 'indicators')})"])
    org = ctx.project.organisation
    return Proof("indicateurs_resultats", label, True, [
        PackFile("indicateurs-resultats.html", "Page de résultats (HTML, à publier)",
                 data=render_html(org, k, ctx.stamp).encode("utf-8")),
        PackFile("indicateurs-resultats.pdf", "Page de résultats (PDF)",
                 data=render_pdf(org, k, ctx.stamp, ctx.root)),
    ], [f"Calculés sur la période {ctx.period.text}, mis à jour au {ctx.stamp:%d/%m/%Y}."])




def answers_workbook(ctx: Context, surveys: tuple[str, ...], name: str,
                     label: str) -> tuple[PackFile | None, list[tuple[Session, list[str]]]]:
    """An extract of the answers to these surveys, sampled; None when there is none.

    Per sampled session: up to LEARNERS learners, plus the other respondents (client company,
    trainer's own review)."""
    answers = survey_answers(ctx)
    have = {(sid, lid) for (sv, sid, lid) in answers if sv in surveys}
    picked = []
    for s in ctx.sessions:
        enrolled = {e.learner_id for e in s.enrolments}
        learners = [e.learner_id for e in sorted(s.enrolments, key=lambda e: _interest(ctx, e))
                    if (s.id, e.learner_id) in have][:LEARNERS]
        others = sorted(lid for (sid, lid) in have if sid == s.id and lid not in enrolled)
        if learners or others:
            picked.append((s, learners + others))
        if len(picked) == SESSIONS:
            break
    chosen, keys = [], []
    for s, lids in picked:
        for lid in lids:
            for sv in surveys:
                entry = answers.get((sv, s.id, lid))
                if entry is None:
                    continue
                values = entry.data.get("values") or {}
                keys += [k for k in values if k not in keys]
                chosen.append((s.id, lid, sv, entry, values))
    rows: list[list[Any]] = []
    for sid, lid, sv, entry, values in chosen:
        stamp = entry.data.get("submitted_at")
        try:
            moment = datetime.fromisoformat(stamp) if isinstance(stamp, str) else entry.ts
        except ValueError:
            moment = entry.ts
        rows.append([sid, ctx.learner_name(lid), SURVEY_LABELS.get(sv, sv), moment,
                     *[_cell(values.get(k)) for k in keys]])
    if not rows:
        return None, picked
    about = [*ctx.about, ("Contenu", "Les questions reconnues par qualikit ; le détail complet des réponses reste "
                                     "dans l'export de votre outil de formulaire.")]
    headers = ("Session", "Répondant", "Questionnaire", "Reçue le", *(ANSWER_LABELS.get(k, k) for k in keys))
    data = workbook(about, [Sheet("Réponses", headers, rows)],
                    ctx.stamp)
    return PackFile(name, label, data=data), picked


def _cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} : {v}" for k, v in value.items())
    return value


def _survey_proof(ctx: Context, proof_id: str, survey: str, label: str) -> Proof:
    file, picked = answers_workbook(ctx, (survey,), f"reponses-{survey}.xlsx",
                                    f"Réponses au questionnaire {SURVEY_LABELS[survey]} (extrait)")
    if file is None:
        return Proof(proof_id, label, False, todo=[
            f"importez les réponses au questionnaire {SURVEY_LABELS[survey]} : "
            f"{_cmd(ctx, f'survey import <export> --enquete {survey}')}"])
    return Proof(proof_id, label, True, [file], [sample_note(picked, ctx, "journal.jsonl, réponses importées")])


def analyse_besoins(ctx: Context) -> Proof:
    return _survey_proof(ctx, "analyse_besoins", "besoins", "Analyse des besoins (réponses par apprenant)")


def positionnement(ctx: Context) -> Proof:
    return _survey_proof(ctx, "positionnement", "positionnement", "Positionnement à l'entrée (réponses)")


def _kit_proof(ctx: Context, proof_id: str, label: str) -> Proof:
    kits = journal_files(ctx, "onboard.kit")
    picked = sample(ctx, lambda s, lid: (s.id, lid) in kits)
    files = [PackFile(f"{s.id}/{lid}-convocation-livret-accueil.pdf",
                      f"Convocation et livret d'accueil — {ctx.learner_name(lid)} ({s.id})", source=kits[(s.id, lid)])
             for s, lids in picked for lid in lids]
    todo = [f"lancez {_cmd(ctx, f'onboard {s.id}')}" for s in ctx.sessions
            if not any(k[0] == s.id for k in kits)]
    if not files:
        return Proof(proof_id, label, False, todo=todo or ["aucune session commencée dans la période"])
    return Proof(proof_id, label, True, files, [sample_note(picked, ctx, "sortie/<session>/convocations/")], todo)


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
            f"lancez {_cmd(ctx, 'onboard')} pour les sessions qui commencent (convocation par e-mail)"])
    return Proof("emails_envoyes", label, True, files, notes)


def reminder_rows(ctx: Context, sessions: set[str] | None = None) -> list[dict]:
    from qualikit.journal_export import reminder_log

    entries = ctx.period_entries()
    if sessions is not None:
        entries = [e for e in entries if e.data.get("session") in sessions]
    return reminder_log(ctx.project, entries)


def log_workbook(ctx: Context, rows: list[dict], name: str, label: str) -> PackFile:
    from qualikit.journal_export import COLUMNS

    sheet = Sheet("Relances et suivis", COLUMNS, [[row.get(c) for c in COLUMNS] for row in rows],
                  (17, 22, 22, 11, 50, 30, 11))
    return PackFile(name, label, data=workbook(ctx.about, [sheet], ctx.stamp))


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
            f"lancez {_cmd(ctx, 'remind')} chaque jour (tâche planifiée) et consignez vos appels : "
            f"{_cmd(ctx, 'log call <apprenant> …')}"])
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
            f"consignez vos échanges avec les apprenants : {_cmd(ctx, 'log call|interview|note <apprenant> …')}"])
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
            f"l'analyse des besoins ({_cmd(ctx, 'survey import <export> --enquete besoins')})"])
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
    todo = [f"saisissez les résultats dans evaluations.yaml puis lancez {_cmd(ctx, f'close-session {s.id}')}"
            for s in ctx.ended if not any(k[0] == s.id for k in have)]
    if not files:
        return Proof("evaluations_finales", label, False, todo=todo or ["aucune session terminée dans la période"])
    return Proof("evaluations_finales", label, True, files, [sample_note(picked, ctx, "evaluations.yaml")], todo)


def _closing_proof(ctx: Context, proof_id: str, kind: str, label: str, filename: str) -> Proof:
    found = journal_files(ctx, kind)
    picked = sample(ctx, lambda s, lid: (s.id, lid) in found)
    files = [PackFile(f"{s.id}/{lid}-{filename}", f"{label} — {ctx.learner_name(lid)} ({s.id})",
                      source=found[(s.id, lid)]) for s, lids in picked for lid in lids]
    todo = [f"lancez {_cmd(ctx, f'close-session {s.id}')}" for s in ctx.ended
            if not any(k[0] == s.id for k in found)]
    if not files:
        return Proof(proof_id, label, False, todo=todo or ["aucune session terminée dans la période"])
    return Proof(proof_id, label, True, files, [sample_note(picked, ctx, "sortie/<session>/fin/")], todo)


def attestations(ctx: Context) -> Proof:
    return _closing_proof(ctx, "attestations", "close.attestation", "Attestation de fin de formation",
                          "attestation-fin-formation.pdf")


def certificats_realisation(ctx: Context) -> Proof:
    return _closing_proof(ctx, "certificats_realisation", "close.certificat", "Certificat de réalisation",
                          "certificat-realisation.pdf")


def emargements(ctx: Context) -> Proof:
    label = "Feuilles d'émargement"
    found = journal_files(ctx, "onboard.attendance_sheet")
    picked = [s for s in ctx.sessions if (s.id, "") in found][:SESSIONS]
    files = [PackFile(f"{s.id}/emargement.pdf", f"Feuille d'émargement — {s.id}", source=found[(s.id, "")])
             for s in picked]
    if not files:
        return Proof("emargements", label, False, todo=[f"lancez {_cmd(ctx, 'onboard <session>')}"])
    return Proof("emargements", label, True, files, [
        f"Échantillon : {', '.join(s.id for s in picked)} ; les autres : sortie/<session>/emargement.pdf."])


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
                  "leur traitement."])


def registre_signalements(ctx: Context) -> Proof:
    """Counts only, from reports.summary(): never a name, never a fact."""
    from qualikit.registers import reports

    label = "Registre des signalements (violences, harcèlement, discriminations) : synthèse chiffrée"
    document = ctx.register(reports)
    if not document.ok:
        return Proof("registre_signalements", label, False, todo=[
            f"corrigez le registre des signalements ({_cmd(ctx, 'check')})"])
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


def _register(ctx: Context, proof_id: str, module: Any, label: str, to_rows: Callable[[Any], list[Sheet]],
              todo: str) -> Proof:
    path = ctx.root / module.FILENAME
    if not path.is_file():
        return Proof(proof_id, label, False, todo=[todo])
    document = ctx.register(module)
    if not document.ok:
        return Proof(proof_id, label, False, todo=[f"corrigez {module.FILENAME} ({_cmd(ctx, 'check')})"])
    sheets = to_rows(document.register)
    name = module.FILENAME.rsplit("/", 1)[-1].removesuffix(".yaml") + ".xlsx"
    n = len(document.register)
    return Proof(proof_id, label, True, [PackFile(name, label, data=workbook(ctx.about, sheets, ctx.stamp))],
                 [f"{n} entrée(s) au registre." if n else "Registre tenu, sans entrée pour l'instant."])


def registre_reclamations(ctx: Context) -> Proof:
    from qualikit.registers import incidents

    def rows(register) -> list[Sheet]:
        out = []
        for i in register.entries:
            who = ctx.learner_name(i.who) if ctx.project.learner(i.who) else i.who
            out.append([i.id, i.kind.value, i.received, who, i.subject, i.session, i.channel.value if i.channel else "",
                        i.acknowledged, i.analysis, i.answer, i.answered, i.corrective_action, i.status.value,
                        i.improvement])
        return [Sheet("Réclamations et aléas", ("N°", "Type", "Reçue le", "De", "Objet", "Session", "Canal",
                                                "Accusé de réception", "Analyse", "Réponse", "Répondu le",
                                                "Action corrective", "Statut", "Amélioration"), out)]

    return _register(ctx, "registre_reclamations", incidents, "Registre des réclamations, difficultés et aléas",
                     rows, "enregistrez les réclamations, difficultés et aléas : "
                           f"{_cmd(ctx, 'incident add')} ; sans aucun, créez un registre-reclamations.yaml "
                           "contenant « [] » pour montrer que le registre est tenu")


def registre_ameliorations(ctx: Context) -> Proof:
    from qualikit.registers import improvements

    def rows(register) -> list[Sheet]:
        out = [[a.id, a.created, a.source.value, a.reference, a.finding, a.action, a.owner, a.due, a.status.value,
                a.done, a.effect] for a in register.entries]
        return [Sheet("Actions d'amélioration", ("N°", "Date", "Source", "Référence", "Constat", "Action",
                                                 "Responsable", "Échéance", "Statut", "Réalisée le", "Effet observé"),
                      out)]

    return _register(ctx, "registre_ameliorations", improvements, "Registre des actions d'amélioration", rows,
                     f"notez vos actions d'amélioration : {_cmd(ctx, 'improvement add')}")


def registre_risques(ctx: Context) -> Proof:
    from qualikit.registers import risks

    def rows(register) -> list[Sheet]:
        out = [[r.id, r.risk, r.likelihood, r.impact, r.criticality, risks.level(r.criticality),
                " ; ".join(r.measures), r.owner, r.reviewed, r.next_review, r.status.value]
               for r in risks.by_criticality(register)]
        return [Sheet("Analyse des risques", ("N°", "Risque", "Probabilité", "Impact", "Criticité", "Niveau",
                                              "Mesures", "Responsable", "Dernière revue", "Prochaine revue",
                                              "Statut"), out)]

    return _register(ctx, "registre_risques", risks, "Analyse des risques sur la qualité des formations", rows,
                     f"faites l'analyse des risques : {_cmd(ctx, 'risk init')} puis revoyez chaque risque")


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


def enquetes(ctx: Context) -> Proof:
    label = "Appréciations recueillies (apprenants, entreprises, financeurs, bilan du formateur)"
    answers = survey_answers(ctx)
    got = {sv for (sv, _, _) in answers}
    keys = {e.key for e in ctx.entries if e.key}
    todo = []
    if "chaud" not in got:
        todo.append(f"importez les réponses à chaud : {_cmd(ctx, 'survey import <export> --enquete chaud')}")
    if "froid" not in got and any(k.startswith("remind:enquete-froid:") for k in keys):
        todo.append(f"importez les réponses à froid : {_cmd(ctx, 'survey import <export> --enquete froid')}")
    reviewed = {sid for (sv, sid, _) in answers if sv == "formateur"}
    for s in ctx.ended:
        if s.id not in reviewed:
            todo.append(f"faites votre bilan de formateur : {_cmd(ctx, f'survey review {s.id}')}")
    if any(s.funder for s in ctx.sessions) and "financeur" not in got:
        todo.append("recueillez l'appréciation des financeurs au moins une fois par an "
                    f"({_cmd(ctx, 'survey import <export> --enquete financeur')})")
    file, picked = answers_workbook(ctx, APPRECIATIONS, "reponses-enquetes.xlsx",
                                    "Réponses aux enquêtes (extrait)")
    if not (got & set(APPRECIATIONS)):
        return Proof("enquetes", label, False, todo=todo)
    notes = [sample_note(picked, ctx, "journal.jsonl, réponses importées")] if picked else []
    return Proof("enquetes", label, True, [file] if file else [], notes, todo)


def rapport_enquetes(ctx: Context) -> Proof:
    from qualikit.audit.survey_report import render_survey_report

    label = "Rapport d'analyse des enquêtes"
    answers = survey_answers(ctx)
    if not any(sv in APPRECIATIONS for (sv, _, _) in answers):
        return Proof("rapport_enquetes", label, False, todo=[
            f"importez les réponses aux enquêtes : {_cmd(ctx, 'survey import <export>')}"])
    return Proof("rapport_enquetes", label, True, [PackFile("rapport-enquetes.pdf", label,
                                                            data=render_survey_report(ctx))])


def formateurs(ctx: Context) -> Proof:
    label = "Formateurs et qualifications déclarées (organisation.yaml)"
    rows = [[t.name, q] for t in ctx.project.trainers for q in (t.qualifications or ("",))]
    if not rows:
        return Proof("formateurs", label, False)
    data = workbook(ctx.about, [Sheet("Formateurs", ("Formateur", "Qualification"), rows, (24, 90))],
                    ctx.stamp)
    return Proof("formateurs", label, True, [PackFile("formateurs-qualifications.xlsx", label, data=data)])


COLLECTORS: dict[str, Callable[[Context], Proof]] = {
    "fiche_programme": fiche_programme,
    "indicateurs_resultats": indicateurs_resultats,
    "analyse_besoins": analyse_besoins,
    "objectifs_programme": objectifs_programme,
    "deroule_programme": deroule_programme,
    "positionnement": positionnement,
    "convocations": convocations,
    "livret_accueil": livret_accueil,
    "emails_envoyes": emails_envoyes,
    "suivi_apprenants": suivi_apprenants,
    "adaptations": adaptations,
    "evaluations_finales": evaluations_finales,
    "attestations": attestations,
    "certificats_realisation": certificats_realisation,
    "emargements": emargements,
    "journal_relances": journal_relances,
    "tableau_retention": tableau_retention,
    "registre_signalements": registre_signalements,
    "ressources_pedagogiques": ressources_pedagogiques,
    "referent_handicap": referent_handicap,
    "enquetes": enquetes,
    "rapport_enquetes": rapport_enquetes,
    "registre_reclamations": registre_reclamations,
    "registre_ameliorations": registre_ameliorations,
    "registre_risques": registre_risques,
    **{pid: (lambda ctx, pid=pid: procedure_proof(ctx, pid)) for pid in PROCEDURES},
}

# Files shown with an indicator without counting in its status (the auditor often asks for them).
EXTRAS: dict[int, tuple[str, ...]] = {
    11: ("certificats_realisation",),
    12: ("emargements", "relance_emails"),
    21: ("formateurs",),
    22: ("formateurs",),
}
EXTRA_COLLECTORS: dict[str, Callable[[Context], Proof]] = {
    "certificats_realisation": certificats_realisation, "emargements": emargements,
    "relance_emails": relance_emails, "formateurs": formateurs,
}


def collect(ctx: Context, proof_id: str) -> Proof:
    """The proof, computed once per pack (several indicators share some)."""
    key = f"proof:{proof_id}"
    if key not in ctx.cache:
        collector = COLLECTORS.get(proof_id) or EXTRA_COLLECTORS.get(proof_id)
        ctx.cache[key] = collector(ctx) if collector else Proof(proof_id, proof_id, False)
    return ctx.cache[key]
