"""Every token the project has handed out, mapped back to (survey, session, learner)."""

from __future__ import annotations

from pathlib import Path

from qualikit.base.tokens import project_secret, survey_token
from qualikit.journey.facts import payer_key
from qualikit.project.model import Project

SURVEYS = ("besoins", "positionnement", "chaud", "froid", "entreprise", "financeur")
COMPANY = "entreprise"  # the learner part of the client company's token


def token_map(project: Project, root: Path) -> dict[str, tuple[str, str, str]]:
    secret = project_secret(root)
    out = {}
    for session in project.sessions:
        for survey in SURVEYS:
            who = [e.learner_id for e in session.enrolments]
            if survey == "entreprise":
                who.append(COMPANY)
            if survey == "financeur":
                who += [payer_key(c.id) for c in project.funders_of(session)]
            for lid in who:
                out[survey_token(secret, survey, session.id, lid)] = (survey, session.id, lid)
    return out
