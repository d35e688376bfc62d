"""The retention dashboard (indicator 12): per session and per month, learners, completion, drop-outs
and their causes, reminders sent, the alerts raised and what was done after them.

Alerts are read from the journal (`remind.digest` entries: what the trainer was told, and when);
their handling is what the journal and the improvement register hold afterwards for that session
(calls, interviews, notes, improvement actions). Pure read: the workbook comes back as bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from qualikit.audit.context import Context, dropouts, started
from qualikit.audit.sheets import Sheet, workbook
from qualikit.base.clock import PARIS
from qualikit.base.xlsx import Percent
from qualikit.project.model import Status
from qualikit.quality.figures import SMALL_N

# What an alert's text says, older wordings (« 1 abandon(s) sur 6 ») included.
ALERT_KINDS = ((r"abandon(?:s|\(s\))? sur", "abandon"), ("absent", "absences"), (r"réponses?(?:\(s\))? à", "réponses"),
               ("réclamation", "réclamation"))
FOLLOWUPS = {"followup.appel": "appel", "followup.entretien": "entretien", "followup.note": "note"}
# Reminders sent after an alert that answer it, and the improvement sources that relate to it.
AUTOMATIC = {"réponses": ("relance-chaud", "relance-froid"), "absences": ("relance-absence",)}
IMPROVEMENT_SOURCES = {"abandon": ("abandon",), "réponses": ("enquête",), "absences": ("abandon",),
                       "réclamation": ("réclamation",)}
SLACK = timedelta(days=7)  # an action recorded at closing, a few days before the digest, still answers it
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


@dataclass
class RaisedAlert:
    session: str
    kind: str
    text: str  # the last wording seen
    raised: datetime
    handling: list[str] = field(default_factory=list)


def _rate(n: int, d: int) -> str | Percent:
    """A share Excel can sort (shown « 17 % »); in counts below 5 people, as everywhere."""
    if not d:
        return "—"
    if d < SMALL_N:
        return f"{n} sur {d}"
    return Percent(n / d)


def _kind(text: str) -> str:
    return next((kind for marker, kind in ALERT_KINDS if re.search(marker, text)), "autre")


def _session_of(text: str, ids: list[str]) -> str | None:
    for sid in sorted(ids, key=len, reverse=True):
        if re.search(rf"(?<![\w-]){re.escape(sid)}(?![\w-])", text):
            return sid
    return None


def raised_alerts(ctx: Context) -> list[RaisedAlert]:
    """Each alert once, dated by the first digest that carried it; then what followed for its session."""
    ids = [s.id for s in ctx.sessions]
    found: dict[tuple[str, str, str], RaisedAlert] = {}
    for e in ctx.entries:
        if e.kind != "remind.digest" or not isinstance(e.data.get("alerts"), list):
            continue
        for text in e.data["alerts"]:
            if not isinstance(text, str):
                continue
            sid = _session_of(text, ids)
            if sid is None:
                continue
            kind = _kind(text)
            who = text.split(" :", 1)[0] if kind == "absences" else ""
            key = (sid, kind, who)
            if key in found:
                found[key].text = text
            else:
                found[key] = RaisedAlert(sid, kind, text, e.ts)
    alerts = sorted(found.values(), key=lambda a: (a.raised, a.session, a.kind))
    improvements = _improvements(ctx)
    for alert in alerts:
        alert.handling = _handling(ctx, alert, improvements)
    return alerts


def _handling(ctx: Context, alert: RaisedAlert, improvements: list) -> list[str]:
    """What the journal and the improvement register show was done for the alert's session afterwards."""
    out = []
    resent: dict[str, int] = {}
    for e in ctx.entries:
        if e.ts < alert.raised or e.data.get("session") != alert.session:
            continue
        if e.kind.startswith("followup."):
            what = FOLLOWUPS.get(e.kind, e.kind.removeprefix("followup."))
            name = ctx.learner_name(str(e.data.get("learner") or ""))
            out.append(f"{e.ts.astimezone(PARIS):%d/%m/%Y} {what} ({name})"
                       + (f" : {e.data['text']}" if e.data.get("text") else ""))
        elif e.kind.removeprefix("remind.") in AUTOMATIC.get(alert.kind, ()):
            label = str(e.data.get("label") or e.kind.removeprefix("remind."))
            resent[label] = resent.get(label, 0) + 1
    out += [f"{label} : {n} envoi(s) automatique(s)" for label, n in resent.items()]
    since = alert.raised.astimezone(PARIS).date() - SLACK
    for a in improvements:
        related = IMPROVEMENT_SOURCES.get(alert.kind)
        if ((a.reference or "").split(":", 1)[0] == alert.session and (a.created or date.max) >= since
                and (related is None or a.source.value in related)):
            out.append(f"action d'amélioration {a.id} ({a.status.value}) : {a.action}")
    return out


def _improvements(ctx: Context) -> list:
    from qualikit.quality.registers import improvements

    if not (ctx.root / improvements.FILENAME).is_file():
        return []
    document = ctx.register(improvements)
    return list(document.register.entries) if document.ok else []


def _contacts(ctx: Context) -> list:
    return [e for e in ctx.period_entries()
            if (e.kind.startswith("remind.") and e.kind != "remind.digest") or e.kind.startswith("followup.")]


def _session_rows(ctx: Context, alerts: list[RaisedAlert]) -> list[list[Any]]:
    from collections import Counter

    per_session = Counter(e.data.get("session") for e in _contacts(ctx))
    rows = []
    for s in sorted(ctx.sessions, key=lambda s: (s.start, s.id)):
        begun = started(s)
        dropped = dropouts(s)
        over = s.end < ctx.today
        done = [e for e in begun if e.status is not Status.ABANDON] if over else []
        causes = "; ".join(sorted({e.dropout_reason or "motif non renseigné" for e in dropped}))
        mine = [a for a in alerts if a.session == s.id]
        rows.append([s.id, s.programme_id, s.start, s.end, len(s.enrolments), len(begun),
                     len(done) if over else "en cours", len(dropped), _rate(len(done), len(begun)) if over else "—",
                     _rate(len(dropped), len(begun)), causes,
                     per_session[s.id], len(mine),
                     sum(1 for a in mine if a.handling)])
    return rows


def _month(day: date) -> str:
    return f"{day.year}-{day.month:02d} ({MONTHS[day.month - 1]} {day.year})"


def _month_rows(ctx: Context, alerts: list[RaisedAlert]) -> list[list[Any]]:
    months: dict[str, dict[str, int]] = {}

    def bucket(day: date) -> dict[str, int]:
        return months.setdefault(_month(day), {"sessions": 0, "learners": 0, "done": 0, "dropped": 0,
                                               "contacts": 0, "alerts": 0, "handled": 0})

    for s in ctx.sessions:
        if s.end >= ctx.today:
            continue  # a session counts in the month it ended
        b = bucket(s.end)
        begun = started(s)
        b["sessions"] += 1
        b["learners"] += len(begun)
        b["dropped"] += len(dropouts(s))
        b["done"] += sum(1 for e in begun if e.status is not Status.ABANDON)
    for e in _contacts(ctx):
        day = e.ts.astimezone(PARIS).date()
        if ctx.period.contains(day):
            bucket(day)["contacts"] += 1
    for a in alerts:
        b = bucket(a.raised.astimezone(PARIS).date())
        b["alerts"] += 1
        b["handled"] += bool(a.handling)
    return [[m, b["sessions"], b["learners"], b["done"], b["dropped"], _rate(b["done"], b["learners"]),
             _rate(b["dropped"], b["learners"]), b["contacts"], b["alerts"], b["handled"]]
            for m, b in sorted(months.items())]


def _dropout_rows(ctx: Context) -> list[list[Any]]:
    return [[s.id, ctx.learner_name(e.learner_id), e.dropout_date, e.dropout_reason or "motif non renseigné"]
            for s in sorted(ctx.sessions, key=lambda s: (s.start, s.id)) for e in dropouts(s)]


def retention_workbook(ctx: Context) -> bytes:
    alerts = raised_alerts(ctx)
    settings = ctx.project.settings
    threshold = f"{(settings.dropout_alert_rate * 100).quantize(Decimal('1'))}\u00a0%"
    about = [
        *ctx.about,
        ("Méthode", "Achèvement = apprenants ayant terminé ÷ apprenants ayant commencé une session terminée ; "
                    "abandon = apprenants ayant abandonné ÷ apprenants ayant commencé (un désistement avant le "
                    "premier jour n'est pas un abandon). Moins de 5 personnes : nombres, pas de pourcentage."),
        ("Alertes", f"Pratique qualikit (réglable) : alerte quand les abandons d'une session dépassent {threshold}, "
                    "après 2 demi-journées d'absence, ou quand les réponses à chaud sont sous l'objectif. Une alerte "
                    "est datée du premier récapitulatif qui l'a signalée ; son traitement = les suivis consignés "
                    "ensuite pour la session (qualikit log) et les actions d'amélioration liées."),
    ]
    return workbook(about, [
        Sheet("Par session", ("Session", "Programme", "Début", "Fin", "Inscrits", "Ont commencé", "Ont terminé",
                              "Abandons", "Taux d'achèvement", "Taux d'abandon", "Causes d'abandon",
                              "Relances et suivis", "Alertes", "Alertes traitées"),
              _session_rows(ctx, alerts), (22, 18, 11, 11, 9, 9, 9, 9, 11, 11, 50, 10, 8, 10)),
        Sheet("Par mois", ("Mois", "Sessions terminées", "Apprenants", "Ont terminé", "Abandons",
                           "Taux d'achèvement", "Taux d'abandon", "Relances et suivis envoyés", "Alertes levées",
                           "Alertes traitées"), _month_rows(ctx, alerts), (24, 10, 10, 10, 9, 11, 11, 12, 10, 10)),
        Sheet("Abandons", ("Session", "Apprenant", "Date d'abandon", "Cause"), _dropout_rows(ctx), (22, 24, 12, 80)),
        Sheet("Alertes", ("Levée le", "Session", "Type", "Alerte", "Traitement", "Traitée"),
              [[a.raised.astimezone(PARIS).replace(tzinfo=None), a.session, a.kind, a.text,
                "\n".join(a.handling) or "aucun suivi consigné après l'alerte", bool(a.handling)] for a in alerts],
              (16, 22, 11, 60, 70, 8)),
    ], ctx.stamp)


__all__ = ["RaisedAlert", "raised_alerts", "retention_workbook"]
