"""`qualikit onboard` end to end: real PDFs, a real SMTP server on 127.0.0.1, the journal."""

from __future__ import annotations

import io
import shutil
from datetime import datetime, time

import pytest
from icalendar import Calendar
from pypdf import PdfReader
from smtp_server import running_smtp
from typer.testing import CliRunner

from conftest import DEMO
from qualikit.base.clock import PARIS, Clock
from qualikit.cli import app
from qualikit.commands.onboard import onboard
from qualikit.delivery.send import SmtpTransport
from qualikit.project.journal_check import open_journal
from qualikit.project.load import load_project

pytest_plugins = ["smtp_server"]

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)
SESSION = "projet-2026-11-30"  # starts within 7 days of NOW


@pytest.fixture
def demo(tmp_path):
    return shutil.copytree(DEMO, tmp_path / "demo")


def run_onboard(root, server, **kwargs):
    project = load_project(root).project
    journal = open_journal(root, Clock(NOW))
    return onboard(project, root, journal, SmtpTransport(server.settings(), timeout=5), NOW, **kwargs)


def enrolled(root):
    project = load_project(root).project
    session = project.session(SESSION)
    return project, [project.learner(e.learner_id) for e in session.enrolments]


def test_welcome_email_kit_and_invite_reach_each_learner_once(demo, smtp):
    result = run_onboard(demo, smtp)
    assert result.delivery.ok
    project, learners = enrolled(demo)
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp.messages) == sorted(x.email for x in learners)

    message = next(m for m in smtp.messages if learners[0].email in str(m["To"]))
    assert str(message["Subject"]).startswith("Votre convocation\u00a0: Piloter un projet")
    assert message["From"].addresses[0].addr_spec == project.organisation.sender.email
    assert message["Message-ID"] and message["Date"].datetime == NOW
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"Bonjour {learners[0].first_name}" in text and f"Bonjour {learners[0].first_name}" in html
    assert "lundi 30\u00a0novembre\u00a02026" in text
    attachments = {a.get_content_type(): a.get_content() for a in message.iter_attachments()}
    assert set(attachments) == {"application/pdf", "text/calendar"}

    kit = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(attachments["application/pdf"])).pages)
    for needle in (learners[0].first_name, "lundi 30 novembre 2026", "69001 Lyon", project.organisation.nda,
                   *project.programme("projet-collaboratif").objectives[:2]):
        assert needle.split("\n")[0][:40] in kit.replace("\n", " "), needle

    ics = attachments["text/calendar"]
    events = Calendar.from_ical(ics if isinstance(ics, bytes) else ics.encode()).walk("VEVENT")
    starts = [e["dtstart"].dt for e in events]
    assert [s.date().isoformat() for s in starts] == ["2026-11-30", "2026-12-01", "2026-12-08"]
    assert all(s.time() == time(9, 0) and s.utcoffset().total_seconds() == 3600 for s in starts)
    assert str(events[0]["attendee"]).lower() == f"mailto:{learners[0].email}".lower()

    # the same learner's PDF is on disk, and journaled with its fingerprint
    journal = open_journal(demo, Clock(NOW))
    kit_entry = journal.done(f"onboard:kit:{SESSION}:{learners[0].id}")
    assert (demo / kit_entry.data["file"]).is_file() and len(kit_entry.data["sha256"]) == 64
    assert journal.done(f"onboard:emargement:{SESSION}") is not None

    again = run_onboard(demo, smtp)  # re-running sends nothing twice
    assert len(smtp.messages) == len(learners) and not again.delivery.sent
    assert journal.verify() == []


def test_a_dropped_connection_leaves_the_rest_for_the_next_run(demo):
    _, learners = enrolled(demo)
    with running_smtp(drop_on_data={3}) as flaky:
        result = run_onboard(demo, flaky)
    assert len(result.delivery.sent) == 2 and len(result.delivery.waiting) == len(learners) - 2
    journal = open_journal(demo, Clock(NOW))
    assert len([e for e in journal.entries() if e.kind == "onboard.email"]) == 2
    with running_smtp() as healthy:
        result = run_onboard(demo, healthy)
    assert len(healthy.messages) == len(learners) - 2 and result.delivery.ok
    assert len([e for e in journal.entries() if e.kind == "onboard.email"]) == len(learners)


def test_cli_exit_status_and_message_when_smtp_refuses(demo):
    with running_smtp(refuse={1: "451 4.3.0 Réessayez plus tard"}) as server:
        org = demo / "organisation.yaml"
        org.write_text(org.read_text(encoding="utf-8").replace(
            "parametres:", f"parametres:\n  smtp:\n    hote: 127.0.0.1\n    port: {server.port}\n"
                           "    securite: aucune", 1), encoding="utf-8")
        result = CliRunner().invoke(app, ["onboard", "-p", str(demo), "--today", "2026-11-23"],
                                    env={"COLUMNS": "150"})
    assert result.exit_code == 1, result.output
    assert "en attente" in result.output and "prochaine exécution" in result.output
    assert "Traceback" not in result.output


def test_late_learner_and_forced_resend(demo, smtp):
    run_onboard(demo, smtp)
    first = len(smtp.messages)
    sessions = demo / "sessions.yaml"
    text = sessions.read_text(encoding="utf-8")
    marker = f"- id: {SESSION}"
    head, tail = text.split(marker)
    late = "inscriptions:\n    - apprenant: camille-roux\n      date_inscription: 2026-11-23\n"
    tail = tail.replace("inscriptions:\n", late, 1)
    sessions.write_text(head + marker + tail, encoding="utf-8")
    assert load_project(demo).report.ok, [d.format() for d in load_project(demo).report.errors]
    run_onboard(demo, smtp)
    assert len(smtp.messages) == first + 1 and "camille" in str(smtp.messages[-1]["To"]).lower()
    _, learners = enrolled(demo)
    run_onboard(demo, smtp, force={learners[1].id})
    assert len(smtp.messages) == first + 2
    entry = open_journal(demo, Clock(NOW)).done(f"onboard:email:{SESSION}:{learners[1].id}")
    assert entry.data.get("resend") is True


def test_hostile_names_cannot_inject_headers_or_escape(demo, smtp):
    learners = demo / "apprenants.yaml"
    text = learners.read_text(encoding="utf-8")
    _, people = enrolled(demo)
    victim = people[0]
    text = text.replace(f"nom: {victim.last_name}\n", 'nom: "../../x\\r\\nBcc: evil@example.com"\n', 1)
    learners.write_text(text, encoding="utf-8")
    run_onboard(demo, smtp)
    for m in smtp.messages:
        assert m["Bcc"] is None and len(m["To"].addresses) == 1
    assert all("evil@example.com" not in r.rcpt_tos for r in smtp.received)
    outputs = {p.resolve() for p in (demo / "sortie").rglob("*.pdf")}
    assert all(p.is_relative_to(demo.resolve()) for p in outputs)
    assert not (demo.parent / "x").exists()


def test_a_template_reaching_python_internals_is_refused(demo, smtp):
    (demo / "templates" / "emails").mkdir(parents=True)
    (demo / "templates" / "emails" / "convocation.txt.j2").write_text(
        "{{ learner.__class__.__mro__[1].__subclasses__() }}", encoding="utf-8")
    result = CliRunner().invoke(app, ["onboard", "-p", str(demo), "--today", "2026-11-23"])
    assert result.exit_code == 1
    assert "convocation.txt.j2" in result.output and "interdit" in result.output
    assert not (demo / "outbox").exists() or not any((demo / "outbox").iterdir())


def test_without_survey_links_or_smtp_the_outbox_gets_the_messages(demo):
    org = demo / "organisation.yaml"
    text = org.read_text(encoding="utf-8")
    org.write_text("\n".join(line for line in text.splitlines() if "{token}" not in line) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["onboard", "-p", str(demo), "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    _, learners = enrolled(demo)
    emls = sorted((demo / "outbox").glob("*.eml"))
    assert len(emls) == len(learners)
    assert "questionnaires" not in emls[0].read_text(encoding="utf-8")


def test_an_individual_is_convened_only_after_the_withdrawal_period(demo):
    """isabelle-giraud signed on 30/11: she may withdraw until 10/12; her kit leaves on 11/12."""
    from qualikit.delivery.send import OutboxTransport

    def run(day):
        now = datetime(2026, 12, day, 9, 0, tzinfo=PARIS)
        return onboard(load_project(demo).project, demo, open_journal(demo, Clock(now)),
                       OutboxTransport(demo / "outbox"), now, session_id="excel-2026-12-14")

    first = run(7)
    assert "isabelle-giraud (délai de rétractation jusqu'au 10/12/2026)" in first.sessions[0].waiting
    assert not any("isabelle" in str(o.message["To"]).lower() for o in first.delivery.sent)
    assert run(10).delivery.sent == []
    later = run(11)
    assert len(later.delivery.sent) == 1 and "isabelle" in str(later.delivery.sent[0].message["To"]).lower()


def test_a_particulier_in_the_withdrawal_period_is_not_convoked_and_the_trainer_is_told_why(demo):
    """Isabelle Giraud signed on 30/11: withdrawal until 10/12, convoked on 11/12 for the 14/12."""
    result = CliRunner().invoke(app, ["remind", "-p", str(demo), "--today", "2026-12-07"])
    assert result.exit_code == 0, result.output
    assert "Isabelle Giraud n'est pas convoquée" in result.output
    assert "délai de rétractation jusqu'au 10/12/2026" in result.output
    assert not list((demo / "outbox").glob("*isabelle-giraud*"))
    result = CliRunner().invoke(app, ["remind", "-p", str(demo), "--today", "2026-12-11"])
    assert result.exit_code == 0 and "Isabelle Giraud n'est pas" not in result.output
    assert list((demo / "outbox").glob("*onboard_email_excel-2026-12-14_isabelle-giraud*"))
