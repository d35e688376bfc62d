"""Who lacks a proof, over every learner and session of the audit period (not the sample).

The sample shows an auditor what a proof looks like; the status says whether it exists for
everyone. A proof found for some learners only is « partiel », with the names of those without it:
an auditor who picks one of them would find nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from qualikit.audit.context import Context, journey
from qualikit.journey.facts import LearnerJourney, SessionJourney

SHOWN = 8  # names listed before « et N autres »


def sessions(ctx: Context) -> list[SessionJourney]:
    """The period's sessions, most recent first (as ctx.sessions)."""
    j = journey(ctx)
    return [sj for s in ctx.sessions if (sj := j.get(s.id)) is not None]


def learners(ctx: Context, ended_only: bool = False) -> Iterable[tuple[SessionJourney, LearnerJourney]]:
    """Learners who began a session of the period (a withdrawal before the first day is left out)."""
    for sj in sessions(ctx):
        if ended_only and sj.session.end >= ctx.today:
            continue
        for lj in sj.started:
            yield sj, lj


def names(pairs: list[tuple[SessionJourney, LearnerJourney]]) -> str:
    shown = [f"{lj.learner.full_name} ({sj.id})" for sj, lj in pairs[:SHOWN]]
    more = len(pairs) - SHOWN
    return ", ".join(shown) + (f" et {more} autre{'s' if more > 1 else ''}" if more > 0 else "")


def gap(pairs: list[tuple[SessionJourney, LearnerJourney]], what: str, what_plural: str | None = None) -> list[str]:
    """« 2 apprenants jamais convoqués : A (s1), B (s2) », or nothing."""
    if not pairs:
        return []
    n = len(pairs)
    return [f"{n} apprenant{'s' if n > 1 else ''} {what_plural or what if n > 1 else what} : {names(pairs)}"]


def lacking(ctx: Context, has: Callable[[SessionJourney, LearnerJourney], bool], *, ended_only: bool = False,
            where: Callable[[SessionJourney, LearnerJourney], bool] | None = None):
    return [(sj, lj) for sj, lj in learners(ctx, ended_only)
            if (where is None or where(sj, lj)) and not has(sj, lj)]


# --- per proof -------------------------------------------------------------------------------------

def convocations(ctx: Context) -> list[str]:
    """Every learner convoked with the welcome kit, in the sessions qualikit watched."""
    j = journey(ctx)
    return gap(lacking(ctx, lambda sj, lj: lj.convoked is not None and "kit" in lj.documents,
                       where=lambda sj, lj: j.watched(sj.session)), "jamais convoqué par qualikit",
               "jamais convoqués par qualikit")


def unclosed(ctx: Context) -> list[str]:
    """Sessions over and not closed: their learners have no attestation nor certificat yet."""
    out = [sj.id for sj in sessions(ctx) if sj.session.end < ctx.today and sj.closed is None]
    if not out:
        return []
    return [f"session{'s' if len(out) > 1 else ''} terminée{'s' if len(out) > 1 else ''} non clôturée"
            f"{'s' if len(out) > 1 else ''} : {', '.join(out)}"]


def closing_document(ctx: Context, kind: str, what: str, dropouts: bool) -> list[str]:
    """Every learner of a closed session with attended hours has this document (a drop-out gets
    the certificat de réalisation of the hours done, not the attestation de fin de formation). A
    session delivered for a donneur d'ordre whose contract leaves them to it is not asked for them."""
    from qualikit.project.model import NO_ISSUE

    return unclosed(ctx) + gap(lacking(ctx, lambda sj, lj: kind in lj.documents, ended_only=True,
                                       where=lambda sj, lj: sj.closed is not None and lj.hours_done > 0
                                       and (dropouts or not lj.dropped)
                                       and not (sj.session.contractor and sj.session.issuer == NO_ISSUE)), what)


def signed_attendance(ctx: Context, signed: set[tuple[str, date, str]]) -> list[str]:
    """Every half-day held by the pack's day has its signed sheet: a blank sheet proves no one was there."""
    out = []
    for sj in sessions(ctx):
        halves = [(d.date, half.value) for d in sj.session.days for half, _ in d.halves() if d.date <= ctx.today]
        lacking_halves = [h for h in halves if (sj.id, *h) not in signed]
        if lacking_halves:
            out.append(f"{sj.id} : {len(lacking_halves)} demi-journée{'s' if len(lacking_halves) > 1 else ''} sur "
                       f"{len(halves)} sans feuille d'émargement signée")
    return out


def survey(ctx: Context, kind: str, what: str) -> list[str]:
    """Every learner answered this entry survey (needs analysis, positioning)."""
    return gap(lacking(ctx, lambda sj, lj: lj.survey(kind).answered is not None), what)


def evaluations(ctx: Context) -> list[str]:
    """Every learner who completed an ended session has a final evaluation."""
    have = {(ev.session_id, ev.learner_id) for ev in ctx.project.evaluations}
    return gap(lacking(ctx, lambda sj, lj: (sj.id, lj.id) in have, ended_only=True,
                       where=lambda sj, lj: not lj.dropped and lj.hours_done > 0), "sans évaluation finale")


def untreated_alerts(ctx: Context) -> list[str]:
    """Alerts raised a week or more before the pack's day with nothing recorded after them."""
    from qualikit.audit.retention import SLACK, raised_alerts

    late = [a for a in raised_alerts(ctx) if not a.handling and a.raised.date() + SLACK <= ctx.today]
    if not late:
        return []
    listed = ", ".join(f"{a.session} ({a.kind}, {a.raised:%d/%m/%Y})" for a in late[:SHOWN])
    return [f"{len(late)} alerte{'s' if len(late) > 1 else ''} sans traitement consigné : {listed}"]


def improvement_gaps(register) -> list[str]:
    """An action an auditor can follow has an owner and a deadline, and once done, its observed effect."""
    from qualikit.quality.registers.model import ImprovementStatus

    out = []
    vague = [a.id for a in register.entries if a.status is not ImprovementStatus.ABANDONNEE
             and (not a.owner or a.due is None)]
    if vague:
        out.append(f"action{'s' if len(vague) > 1 else ''} sans responsable ou sans échéance : {', '.join(vague)}")
    unmeasured = [a.id for a in register.entries if a.status is ImprovementStatus.REALISEE and not a.effect]
    if unmeasured:
        out.append(f"action{'s' if len(unmeasured) > 1 else ''} réalisée{'s' if len(unmeasured) > 1 else ''} "
                   f"sans effet mesuré : {', '.join(unmeasured)}")
    return out
