"""`qualikit remind` over a whole journey, day by day, through a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import defaultdict
from datetime import date, datetime, time, timedelta

import pytest
from smtp_server import running_smtp
from typer.testing import CliRunner

from conftest import DEMO
from qualikit.base.clock import PARIS, Clock
from qualikit.cli import app
from qualikit.commands.close import close_session
from qualikit.commands.remind import remind
from qualikit.delivery.cron import merged_crontab
from qualikit.delivery.send import OutboxTransport, SmtpTransport
from qualikit.journey.facts import ANSWER
from qualikit.project.journal_check import open_journal
from qualikit.project.load import load_project

pytest_plugins = ["smtp_server"]

SESSION = "projet-2026-11-30"  # D = 30/11, E = 08/12/2026
ANSWERS_HOT = "aurelie-gauthier"  # answers the hot survey on E+2: no hot-survey reminder
DROPS_OUT = "emma-dupuis"  # drops out on the second day
ABSENT = "nicolas-faure"  # misses the first afternoon
LATE = "camille-roux"  # enrolled on 27/11


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), PARIS)


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_late_learner(root):
    text = (root / "sessions.yaml").read_text(encoding="utf-8")
    head, tail = text.split(f"- id: {SESSION}")
    tail = tail.replace("inscriptions:\n", f"inscriptions:\n    - apprenant: {LATE}\n      date_inscription: "
                                          "2026-11-27\n", 1)
    (root / "sessions.yaml").write_text(head + f"- id: {SESSION}" + tail, encoding="utf-8")


def drop_out(root):
    edit(root / "sessions.yaml", f"apprenant: {DROPS_OUT}\n      statut: inscrit",
         f"apprenant: {DROPS_OUT}\n      statut: abandon\n      date_abandon: 2026-12-01\n"
         "      motif_abandon: changement de poste")


def roll_call(root, day: date, half: str, absents: list[str]):
    with (root / "presences.yaml").open("a", encoding="utf-8") as f:
        f.write(f"- {{session: {SESSION}, date: {day.isoformat()}, demi_journee: {half}, "
                f"absents: [{', '.join(absents)}]}}\n")


@pytest.fixture
def demo(tmp_path):
    return shutil.copytree(DEMO, tmp_path / "demo")


def test_a_whole_journey_day_by_day(demo):
    received: dict[str, list[tuple[str, date]]] = defaultdict(list)
    day = date(2026, 11, 20)
    with running_smtp() as server:
        seen = 0
        while day <= date(2027, 3, 16):
            if day == date(2026, 11, 27):
                add_late_learner(demo)
            if day == date(2026, 12, 1):  # the trainer records day 1 and the drop-out on day 2
                roll_call(demo, date(2026, 11, 30), "matin", [])
                roll_call(demo, date(2026, 11, 30), "après-midi", [ABSENT])
                drop_out(demo)
            if day == date(2026, 12, 10):
                journal = open_journal(demo, Clock(at(day)))
                journal.append(ANSWER, {"survey": "chaud", "session": SESSION, "learner": ANSWERS_HOT})
            loaded = load_project(demo)
            assert loaded.report.ok, [d.format() for d in loaded.report.errors]
            journal = open_journal(demo, Clock(at(day)))
            if day == date(2026, 12, 9):  # the morning after the last day, the trainer closes the session
                close_session(loaded.project, demo, journal, SmtpTransport(server.settings(), timeout=5), at(day),
                              SESSION, force=True)
            result = remind(loaded.project, demo, journal, SmtpTransport(server.settings(), timeout=5), at(day))
            assert result.ok
            for message in server.messages[seen:]:
                if message["X-Qualikit-Session"] == SESSION:
                    who = message["To"].addresses[0].addr_spec
                    received[who].append((str(message["X-Qualikit-Step"]), day))
            seen = len(server.messages)
            day += timedelta(days=1)

    project = load_project(demo).project
    email = {x.id: x.email for x in project.learners}
    E = date(2026, 12, 8)
    # the hot-survey link goes with the end-of-training e-mail; every later step waits for the closing;
    # J-1 falls on Sunday 29/11: it goes on the Friday before
    common = [("rappel-veille", date(2026, 11, 27)), ("fin-de-formation", E + timedelta(days=1)),
              ("relance-chaud", E + timedelta(days=3)), ("recapitulatif", E + timedelta(days=7)),
              ("alumni", E + timedelta(days=14)), ("suivi-j30", E + timedelta(days=30)),
              ("enquete-froid", E + timedelta(days=90)), ("relance-froid", E + timedelta(days=97))]
    expected = {}
    for enrolment in project.session(SESSION).enrolments:
        lid = enrolment.learner_id
        convocation = [("convocation", date(2026, 11, 27) if lid == LATE else date(2026, 11, 23))]
        if lid == DROPS_OUT:
            # attended the first day: the days left taken out of the calendar, a certificat for those
            # hours, then nothing more
            expected[lid] = [*convocation, ("rappel-veille", date(2026, 11, 27)),
                             ("convocation-annulee", date(2026, 12, 1)), ("fin-de-formation", E + timedelta(days=1))]
            continue
        steps = [s for s in common if not (lid == ANSWERS_HOT and s[0] == "relance-chaud")]
        if lid == ABSENT:
            steps.insert(1, ("relance-absence", date(2026, 12, 1)))
        expected[lid] = [*convocation, *steps]
    for lid, steps in expected.items():
        assert sorted(received[email[lid]], key=lambda s: s[1]) == sorted(steps, key=lambda s: s[1]), lid
    assert set(received) == {email[lid] for lid in expected}
    assert open_journal(demo, Clock(at(day))).verify() == []


def test_nothing_due_twice_and_dry_run_sends_nothing(demo, smtp):
    project = load_project(demo).project
    convened = at(date(2026, 11, 23))
    remind(project, demo, open_journal(demo, Clock(convened)), SmtpTransport(smtp.settings()), convened)
    convocations, rows = len(smtp.messages), (demo / "journal.jsonl").read_bytes()
    now = at(date(2026, 11, 29))
    dry = remind(project, demo, open_journal(demo, Clock(now)), SmtpTransport(smtp.settings()), now, dry_run=True)
    assert dry.due and len(smtp.messages) == convocations and (demo / "journal.jsonl").read_bytes() == rows
    first = remind(project, demo, open_journal(demo, Clock(now)), SmtpTransport(smtp.settings()), now)
    sent = len(smtp.messages) - convocations
    assert sent == len(first.due) + len(first.onboarding.delivery.sent) > 0
    again = remind(project, demo, open_journal(demo, Clock(now)), SmtpTransport(smtp.settings()), now)
    assert not again.due and len(smtp.messages) == convocations + sent


def sent_keys(root) -> list[str]:
    return [e.key for e in open_journal(root, Clock()).entries()
            if e.kind.startswith("remind.") or e.kind.endswith(".email")]


def test_smtp_failure_leaves_steps_due_and_exits_1(demo):
    with running_smtp(refuse={2: "451 4.3.0 Réessayez plus tard"}) as server:
        edit(demo / "organisation.yaml", "parametres:", f"parametres:\n  smtp:\n    hote: 127.0.0.1\n"
                                                       f"    port: {server.port}\n    securite: aucune")
        result = CliRunner().invoke(app, ["remind", "-p", str(demo), "--today", "2026-11-29"])
        assert result.exit_code == 1, result.output
        assert "en attente" in result.output and "prochaine exécution" in result.output
        assert "--force" not in result.output
        first = len(sent_keys(demo))
        assert first == len(server.messages) > 1  # the others were still served
    with running_smtp() as healthy:
        edit(demo / "organisation.yaml", f"port: {server.port}", f"port: {healthy.port}")
        result = CliRunner().invoke(app, ["remind", "-p", str(demo), "--today", "2026-11-29"])
        assert result.exit_code == 0, result.output
        keys = sent_keys(demo)
        assert len(keys) == len(set(keys)) == first + len(healthy.messages)
        assert len(healthy.messages) >= 1  # what was refused, and only that
        again = CliRunner().invoke(app, ["remind", "-p", str(demo), "--today", "2026-11-29"])
        assert again.exit_code == 0 and len(sent_keys(demo)) == len(keys)


def test_killed_run_then_two_runs_at_once_send_each_message_once(demo):
    env = {**os.environ, "QUALIKIT_TODAY": "2026-11-29"}
    cmd = [sys.executable, "-m", "qualikit", "remind", "-p", str(demo)]
    victim = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        victim.wait(timeout=0.8)
    except subprocess.TimeoutExpired:
        victim.kill()
        victim.wait()
    runs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(2)]
    for run in runs:
        run.communicate(timeout=120)
    emls = list((demo / "outbox").glob("*.eml"))
    keys = [e.key for e in open_journal(demo, Clock()).entries() if e.kind.endswith("email") or
            e.kind.startswith("remind.")]
    assert len(keys) == len(set(keys)) == len(emls) > 0
    # what was due was all sent: nothing is left
    project = load_project(demo).project
    now = at(date(2026, 11, 29))
    assert not remind(project, demo, open_journal(demo, Clock(now)), OutboxTransport(demo / "outbox"), now).due


def test_crontab_line_is_added_once_and_leaves_other_lines(tmp_path):
    current = "MAILTO=moi@example.fr\n30 2 * * * sauvegarde.sh\n"
    line = "0 8 * * * qualikit remind -p /p # qualikit remind " + str(tmp_path.resolve())
    once = merged_crontab(current, line, tmp_path)
    twice = merged_crontab(once, line, tmp_path)
    assert once == twice == current + line + "\n"


def test_the_digest_says_what_is_new_and_repeats_the_rest_once_a_week(demo):
    from email import policy
    from email.parser import BytesParser

    def digests():
        out = {}
        for path in sorted((demo / "outbox").glob("*remind_digest_*.eml")):
            message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            out[path.name[:8]] = (str(message["Subject"]), message.get_body(("plain",)).get_content())
            assert "Tête du journal" in message.get_body(("html",)).get_content()
        return out

    for day in ("2026-11-16", "2026-11-17", "2026-11-20", "2026-11-23", "2026-11-26"):
        result = CliRunner().invoke(app, ["remind", "-p", str(demo), "--today", day])
        assert result.exit_code == 0, result.output
        assert "alerte" in result.output  # the screen always shows them
    sent = digests()
    # 16/11 first digest; 17 and 20/11 nothing new; 23/11 a week later; 26/11 a session over and not closed
    assert sorted(sent) == ["20261116", "20261123", "20261126"]
    assert "nouvelles alertes" in sent["20261116"][0] and "Toujours en attente" not in sent["20261116"][1]
    subject, body = sent["20261123"]
    assert "toujours en attente" in subject and "rappel hebdomadaire" in body and "Nouveau" not in body
    subject, body = sent["20261126"]
    assert subject.startswith("qualikit : 1 nouvelle alerte")
    new, still = body.split("Toujours en attente")
    assert "parole-2026-11-23 terminée" in new and "parole-2026-11-04 terminée" in still
    # the journal's head travels with each digest: a copy outside the folder to check the journal against
    head = body.split("--tete ")[1].split(")")[0]
    assert "Tête du journal" in body and ":" in head
    checked = CliRunner().invoke(app, ["journal", "verify", "-p", str(demo), "--tete", head])
    assert checked.exit_code == 0, checked.output
