"""Manual follow-ups with a learner: calls, interviews, notes (indicator 12).

Indicator 12 asks for proof that drop-outs are prevented: not only the e-mails
qualikit sends, but the calls and interviews the trainer has with a learner at
risk. Each one becomes a journal entry, so it is timestamped and tamper-evident
like everything else, and shows up in the reminder log (journal_export).
"""

from __future__ import annotations

import difflib
from datetime import datetime

from qualikit.base.typography import agree
from qualikit.project.journal import Entry, Journal
from qualikit.project.model import Learner, Project, Session

# kind → channel shown in the reminder log
CHANNELS = {"appel": "téléphone", "entretien": "entretien", "note": "note", "consentement": "consentement"}
PREFIX = "followup."


class FollowupError(Exception):
    """A follow-up that cannot be recorded as asked; French message for the trainer."""


def record_followup(project: Project, journal: Journal, *, kind: str, learner_id: str, session_id: str | None,
                    text: str, outcome: str | None, at: datetime) -> Entry:
    """Journal one call, interview or note with a learner, after checking who and which session.

    `at` is when the contact took place (time zone required); the entry's own
    timestamp is when it was recorded.
    """
    if kind not in CHANNELS:
        raise FollowupError(f"type de suivi « {kind} » inconnu (attendu\u00a0: {', '.join(CHANNELS)})")
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("at must be an aware datetime")
    learner = _learner(project, learner_id)
    session = _session(project, learner, session_id)
    body = (text or "").strip()
    if not body:
        raise FollowupError("le texte est vide\u00a0: notez en une phrase ce qui a été dit ou fait (--texte)")
    result = (outcome or "").strip() or None
    data = {
        "session": session.id,
        "learner": learner.id,
        "text": body,
        "outcome": result,
        "channel": CHANNELS[kind],
        "at": at.isoformat(timespec="seconds"),
    }
    return journal.append(PREFIX + kind, data)


def _learner(project: Project, learner_id: str) -> Learner:
    learner = project.learner(learner_id)
    if learner is not None:
        return learner
    ids = [x.id for x in project.learners]
    close = difflib.get_close_matches(learner_id, ids, n=1)
    hint = f" (vouliez-vous dire « {close[0]} »\u00a0?)" if close else ""
    raise FollowupError(f"apprenant « {learner_id} » inconnu{hint}\u00a0: indiquez son identifiant, "
                        "tel qu'il figure dans la liste des apprenants")


def _session(project: Project, learner: Learner, session_id: str | None) -> Session:
    mine = [s for s in project.sessions if s.enrolment(learner.id) is not None]
    if session_id is not None:
        session = project.session(session_id)
        if session is None:
            raise FollowupError(f"session « {session_id} » inconnue")
        if session.enrolment(learner.id) is None:
            raise FollowupError(agree(f"{learner.full_name} ({learner.id}) n'est pas inscrit·e à la session "
                                f"« {session.id} »{_choices(mine)}", learner.civility))
        return session
    if len(mine) == 1:
        return mine[0]
    if not mine:
        raise FollowupError(agree(f"{learner.full_name} ({learner.id}) n'est inscrit·e à aucune session\u00a0: "
                            "ajoutez d'abord son inscription", learner.civility))
    raise FollowupError(agree(f"{learner.full_name} ({learner.id}) est inscrit·e à plusieurs sessions\u00a0: "
                        f"précisez laquelle avec --session ({', '.join(s.id for s in mine)})", learner.civility))


def _choices(sessions: list[Session]) -> str:
    if not sessions:
        return " (inscrit·e à aucune session)"
    return f" (inscrit·e à\u00a0: {', '.join(s.id for s in sessions)})"
