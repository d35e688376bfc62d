"""Where a session and each of its learners stand on a date, and what comes next, in French.

Read from the dated journey only, so `status`, `check` and the digest say the same thing;
the next step is the one `remind` or `onboard` will take, on the day they will take it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from qualikit.base.frdates import hours as _hours
from qualikit.base.frdates import long_date
from qualikit.base.typography import agree, plural
from qualikit.journey.facts import Journey, LearnerJourney, SessionJourney
from qualikit.journey.plan import ALL, NO_COLD, NO_HOT, Step, due_at, on_working_day, steps_for
from qualikit.project.model import Settings


@dataclass(frozen=True)
class State:
    text: str  # where it stands
    next: str  # what comes next, and when
    attention: bool = False  # something the trainer must do or look at


def _day(d: date) -> str:
    return long_date(d)


def _lead(label: str) -> str:
    """A step's label inside a sentence: « Enquête à froid (J+90) » → « enquête à froid (J+90) »."""
    return label[:1].lower() + label[1:]


def convocation_day(sj: SessionJourney, settings: Settings) -> date:
    """The working day the convocations go out (`onboard`, lead time before the start)."""
    return settings.work_calendar.on_or_before(sj.session.start - timedelta(days=settings.lead_time_days))


def session_state(sj: SessionJourney, now: datetime, settings: Settings, steps: list[Step],
                  watched: bool = True) -> State:
    session, today = sj.session, now.date()
    active = [lj for lj in sj.learners if not lj.dropped]
    convoked = sum(1 for lj in active if lj.convoked)
    if today < session.start:
        if not convoked:
            return State("à venir", f"convocations le {_day(max(convocation_day(sj, settings), today))}")
        return State(f"convocations envoyées ({convoked} sur {len(active)})", f"début le {_day(session.start)}")
    if now < sj.ends_at:
        done = sum(1 for d in session.days if d.date < today)
        return State(f"en cours (jour {done + 1} sur {len(session.days)})", f"fin le {_day(session.end)}")
    if sj.closed is None and not watched:
        return State("terminée", "aucune (session antérieure au journal de qualikit)")
    if sj.closed is None:
        return State("terminée, pas encore clôturée", "clôturer : qualikit close-session", attention=True)
    upcoming = [(due, step) for lj in active for due, step in _ahead(lj, sj, now, settings, steps)]
    upcoming += [(due, step) for due, step in _company_ahead(sj, now, settings, steps)]
    if not upcoming:
        return State(f"clôturée le {_day(sj.closed.date())}", "parcours terminé")
    due, step = min(upcoming, key=lambda x: x[0])
    return State(f"clôturée le {_day(sj.closed.date())}", f"{_lead(step.label)} le {_day(due.date())}")


def learner_state(lj: LearnerJourney, sj: SessionJourney, now: datetime, settings: Settings,
                  steps: list[Step], watched: bool = True) -> State:
    """Where the learner stands, the words agreed with their civility (« inscrite », « convoqué »)."""
    state = _learner_state(lj, sj, now, settings, steps, watched)
    civility = lj.learner.civility
    return State(agree(state.text, civility), agree(state.next, civility), state.attention)


def _learner_state(lj: LearnerJourney, sj: SessionJourney, now: datetime, settings: Settings,
                   steps: list[Step], watched: bool) -> State:
    session, today = sj.session, now.date()
    if lj.dropped:
        when = f" le {_day(lj.dropped_on)}" if lj.dropped_on else ""
        why = f" ({lj.enrolment.dropout_reason})" if lj.enrolment.dropout_reason else ""
        issued = " ; certificat des heures suivies remis" if lj.documents else ""
        return State(f"abandon{when}{why}{issued}", "plus aucun envoi")
    wait = lj.contract_wait(today)
    if lj.convoked is None and not watched:
        pass  # convoked before qualikit was in use: nothing to say
    elif lj.convoked is None:
        if today >= session.start:
            counted = ", compté·e présent·e à l'appel sans que ces heures comptent" if lj.present_unadmitted else ""
            return State("jamais convoqué·e" + (f" ({wait})" if wait else "") + counted,
                         "régulariser : contrat signé puis convocation (qualikit onboard --force)", attention=True)
        if wait and lj.signed_on is None:
            return State("inscrit·e, contrat de formation non signé", "faire signer le contrat : la convocation "
                         "part ensuite, après le délai de rétractation", attention=True)
        if wait:
            first = settings.work_calendar.on_or_after(lj.withdrawal_end + timedelta(days=1))
            return State(f"inscrit·e, {wait}", f"convocation le {_day(first)}")
        return State("inscrit·e", f"convocation le {_day(max(convocation_day(sj, settings), today))}")
    if today < session.start and lj.convoked:
        j1 = next((s for s in steps_for(steps, session) if s.id == "rappel-veille"), None)
        if j1 and j1.id not in lj.steps:
            due = on_working_day(due_at(j1, session), j1, settings.work_calendar)
            return State(f"convoqué·e le {_day(lj.convoked.date())}", f"rappel la veille le {_day(due.date())}")
        return State(f"convoqué·e le {_day(lj.convoked.date())}", f"début le {_day(session.start)}")
    if today < session.start:
        return State("inscrit·e", f"début le {_day(session.start)}")
    hours = f"{_hours(lj.hours_done)} sur {_hours(session.planned_hours)}"
    absences = f", {plural(len(lj.absences), 'demi-journée')} d'absence" if lj.absences else ""
    if lj.present_unadmitted:
        why = "sans contrat de formation signé" if lj.signed_on is None else "pendant le délai de rétractation"
        return State(f"présent·e {why} : {hours} comptées", "régulariser le contrat : ces demi-journées ne "
                     "peuvent être ni attestées ni certifiées", attention=True)
    if now < sj.ends_at:
        return State(f"en formation : {hours}{absences}", f"fin le {_day(session.end)}")
    if sj.closed is None:
        return State(f"formation suivie : {hours}{absences}", "attend la clôture de la session", attention=True)
    docs = "documents remis" if lj.documents else "aucun document (aucune heure comptée)"
    hot = lj.survey("chaud")
    survey = (", enquête à chaud répondue" if hot.answered else ", enquête à chaud sans réponse" if hot.asked else "")
    ahead = _ahead(lj, sj, now, settings, steps)
    following = f"{_lead(ahead[0][1].label)} le {_day(ahead[0][0].date())}" if ahead else "parcours terminé"
    return State(f"{docs} ({hours}){survey}{_exam(lj)}", following)


def _exam(lj: LearnerJourney) -> str:
    """Where a learner of a certifying session stands with the exam, as the journey knows it."""
    from qualikit.journey.facts import FAILED, OBTAINED, PARTIAL

    path = lj.exam
    if path is None:
        return ""
    if path.result == OBTAINED:
        return ", certification obtenue"
    if path.result == PARTIAL:
        blocks = f" ({', '.join(path.blocks)})" if path.blocks else ""
        return f", certification obtenue en partie{blocks}"
    if path.result == FAILED:
        return ", certification non obtenue"
    if path.presented is False:
        return ", non présenté·e à l'examen" + (f" ({path.absence_reason})" if path.absence_reason else "")
    if path.registered_on is not None:
        return f", inscrit·e à l'examen le {_day(path.registered_on)}, résultat attendu"
    return ", pas encore inscrit·e à l'examen"


def _ahead(lj: LearnerJourney, sj: SessionJourney, now: datetime, settings: Settings,
           steps: list[Step]) -> list[tuple[datetime, Step]]:
    """The post-session steps still to come for this learner, soonest first (as `remind` will send them)."""
    def wanted(step: Step) -> bool:
        if step.id in lj.steps or step.audience not in (ALL, NO_HOT, NO_COLD):
            return False
        if step.audience in (NO_HOT, NO_COLD):
            survey = lj.survey("chaud" if step.audience == NO_HOT else "froid")
            return not (survey.answered or (survey.asked is None and step.audience == NO_HOT))
        return not (step.survey and lj.survey(step.survey).asked)

    return _after_closing(sj, now, settings, steps, wanted)


def _company_ahead(sj: SessionJourney, now: datetime, settings: Settings, steps: list[Step]):
    if not sj.session.client_email or sj.company.asked:
        return []
    return _after_closing(sj, now, settings, steps, lambda step: step.audience == "entreprise")


def _after_closing(sj: SessionJourney, now: datetime, settings: Settings, steps: list[Step], wanted):
    """(due, step) for the post-session steps `wanted` keeps, still ahead of `now`, soonest first."""
    out = []
    for step in steps_for(steps, sj.session):
        if step.anchor == "fin" and wanted(step):
            due = on_working_day(max(due_at(step, sj.session), sj.closed), step, settings.work_calendar)
            if due > now:
                out.append((due, step))
    return sorted(out, key=lambda x: x[0])


def states(journey: Journey, now: datetime, settings: Settings, steps: list[Step]):
    """(session journey, its state, [(learner journey, state)]) for every session."""
    for sj in journey:
        yield sj, session_state(sj, now, settings, steps, journey.watched(sj.session)), [
            (lj, learner_state(lj, sj, now, settings, steps, journey.watched(sj.session))) for lj in sj.learners]
