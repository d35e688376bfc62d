"""What several indicators' proofs share: command hints, the grid's asks, programme and answer extracts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from qualikit.audit.context import LEARNERS, SESSIONS, Context, _interest, survey_answers
from qualikit.audit.results import PackFile
from qualikit.audit.sheets import Sheet, workbook
from qualikit.project.model import Session

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


def grid_asks(ctx: Context, number: int, proof: str) -> bool:
    try:
        return proof in ctx.grid.indicator(number).qualikit_proofs
    except KeyError:
        return False


def cmd(ctx: Context, text: str) -> str:
    return f"« qualikit {text} -p {ctx.root} »"


def programmes_workbook(ctx: Context) -> PackFile:
    if "programmes_xlsx" not in ctx.cache:
        from qualikit.base.frdates import time_range

        objectives, outline, resources, sessions = [], [], [], []
        for p in ctx.programmes:
            objectives += [[p.id, p.title, n, text] for n, text in enumerate(p.objectives, start=1)]
            outline += [[p.id, p.title, n, text] for n, text in enumerate(p.outline, start=1)]
            resources += [[p.id, p.title, text] for text in p.resources]
        for s in ctx.sessions:
            for d in sorted(s.days, key=lambda d: d.date):
                sessions.append([s.id, s.programme_id, d.date, " et ".join(time_range(r) for _, r in d.halves()),
                                 d.hours, s.place or s.distance_link or ""])
        data = workbook(ctx.about, [
            Sheet("Objectifs", ("Programme", "Intitulé", "N°", "Objectif opérationnel"), objectives, (16, 30, 4, 80)),
            Sheet("Déroulé", ("Programme", "Intitulé", "N°", "Séquence"), outline, (16, 30, 4, 80)),
            Sheet("Ressources", ("Programme", "Intitulé", "Ressource"), resources, (16, 30, 80)),
            Sheet("Calendrier des sessions", ("Session", "Programme", "Date", "Horaires", "Durée (h)", "Lieu"),
                  sessions, (22, 16, 11, 36, 10, 50)),
        ], ctx.stamp)
        ctx.cache["programmes_xlsx"] = PackFile("programmes.xlsx", "Programmes : objectifs, déroulé, ressources, "
                                                "calendrier des sessions", data=data)
    return ctx.cache["programmes_xlsx"]


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
