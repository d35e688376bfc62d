"""E-mail templates compiled once per process, yet a project's templates added or edited are used."""

from __future__ import annotations

import os

from qualikit.documents.email import render_email, template_env


def test_the_templates_are_compiled_once_and_a_project_s_own_are_seen_when_added_or_edited(tmp_path):
    context = {"learner": None}
    env = template_env(tmp_path)
    assert template_env(tmp_path) is env  # the same environment: templates compiled once
    builtin = env.get_template("emails/alertes.subject.j2")
    assert builtin is env.get_template("emails/alertes.subject.j2")

    emails = tmp_path / "templates" / "emails"
    emails.mkdir(parents=True)
    (emails / "alertes.subject.j2").write_text("Nos alertes du jour", encoding="utf-8")
    (emails / "alertes.txt.j2").write_text("Rien à signaler.", encoding="utf-8")
    added = template_env(tmp_path)
    assert added is not env
    assert render_email(added, "alertes", context).subject == "Nos alertes du jour"
    assert "Nos alertes" not in render_email(env, "alertes", {"new": [1], "still": [], "today": "lundi"}).subject

    subject = emails / "alertes.subject.j2"
    subject.write_text("Alertes : à lire", encoding="utf-8")
    later = os.stat(subject).st_mtime_ns + 2_000_000_000
    os.utime(subject, ns=(later, later))  # an edit a moment later (Jinja compares dates)
    assert template_env(tmp_path) is added
    assert render_email(added, "alertes", context).subject == "Alertes : à lire"
