"""What `check` reports about the journey: situations an auditor would see, each located in
the file that holds the learner or the session, so the trainer knows where to act."""

from __future__ import annotations

from datetime import datetime

from qualikit.base.diagnostics import Diagnostic, Level
from qualikit.base.frdates import long_date
from qualikit.base.typography import agree
from qualikit.journey.facts import Journey


def findings(journey: Journey, now: datetime) -> list[Diagnostic]:
    out = []

    def warn(loc, message: str, indicator: int) -> None:
        out.append(Diagnostic(loc, message, None, Level.WARNING, indicator))

    today = now.date()
    for sj in journey:
        session = sj.session
        for lj in sj.learners:
            name = f"{lj.learner.full_name} (session {session.id})"
            if lj.present_unadmitted:
                days = ", ".join(sorted({f"{h.day:%d/%m/%Y}" for h in lj.present_unadmitted}))
                why = "sans contrat de formation signé" if lj.signed_on is None else "pendant le délai de rétractation"
                warn(lj.enrolment.loc, agree(f"{name} : compté·e présent·e {why} ({days}) ; ces heures ne sont ni "
                                             "attestées ni certifiées (L6353-5 et 6)", lj.learner.civility), None)
            if (lj.individual and lj.signed_on is None and not lj.withdrew_before_start and not lj.dropped
                    and today < session.start):  # signed on the page or in date_signature: the journey knows
                warn(lj.enrolment.loc, f"contrat de formation de {name} non signé (ni date_signature, ni signature "
                     "sur la page d'émargement) : la convocation attend la fin du délai de rétractation", 9)
            if (not lj.withdrew_before_start and lj.convoked is None and today >= session.start
                    and journey.watched(session)):
                warn(lj.enrolment.loc, agree(f"{name} : jamais convoqué·e, alors que la session a commencé le "
                                             f"{long_date(session.start)}", lj.learner.civility), 9)
        if (sj.closed is None and now >= sj.ends_at and journey.watched(session)
                and any(not lj.dropped for lj in sj.learners)):
            warn(session.loc, f"session {session.id} terminée le {long_date(session.end)} et pas clôturée : "
                 "ni attestation, ni certificat, ni enquête à chaud (qualikit close-session)", 11)
    return out
