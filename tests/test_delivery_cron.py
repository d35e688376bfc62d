"""The daily run (`remind`) over a real SMTP server that misbehaves: every message ends up
received at least once, a message received twice is the same message (one Message-ID), and
what waits or failed is said, journaled and shown by `status`.

The demo project on Sunday 29 November 2026: convocations and reminders for the session of
30 November, and the alert digest to the trainer (11 messages).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections import defaultdict

import pytest
from smtp_server import USER, running_smtp
from typer.testing import CliRunner

from conftest import DEMO
from qualikit.base.clock import Clock
from qualikit.cli import app
from qualikit.documents.journal_export import LEARNER, RESULT, reminder_log
from qualikit.project import outbound
from qualikit.project.journal_check import open_journal
from qualikit.project.load import load_project

pytest_plugins = ["smtp_server"]

TODAY = "2026-11-29"
REFUSED = "nicolas.faure@faure-electricite.example.fr"
UNICODE_PASSWORD = "Mot-de-passe-été-Ωμέγα-密码-🔐"
ENV = "QUALIKIT_TEST_SMTP_PASSWORD"


@pytest.fixture
def demo(tmp_path):
    return shutil.copytree(DEMO, tmp_path / "demo")


def use(root, server, *, user: str | None = None, port: int | None = None) -> None:
    """Point the project at `server` (or at `port`), replacing any earlier smtp section."""
    path = root / "organisation.yaml"
    text = path.read_text(encoding="utf-8").split("\n  smtp:\n")[0].rstrip("\n")
    lines = [text.replace("parametres:", "parametres:", 1), "  smtp:", "    hote: 127.0.0.1",
             f"    port: {port or server.port}", "    securite: aucune"]
    if user:
        lines += [f"    utilisateur: {user}", f"    variable_mot_de_passe: {ENV}"]
    assert text.rstrip().endswith(("parametres:",)) or "parametres:" in text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def remind(root, **env):
    return CliRunner().invoke(app, ["remind", "-p", str(root), "--today", TODAY], env=env or None)


def status(root) -> str:
    result = CliRunner().invoke(app, ["status", "-p", str(root), "--today", TODAY])
    assert result.exit_code == 0, result.output
    return result.output


def journal(root):
    return open_journal(root, Clock()).entries()


def sent(root) -> dict[str, str]:
    """Key → Message-ID of every message journaled as sent."""
    return {e.key: e.data["message_id"] for e in journal(root) if e.key and e.data.get("message_id")}


def assert_all_received_once_per_message(root, *servers) -> None:
    received = defaultdict(list)
    for server in servers:
        for r in server.received:
            received[str(r.message["Message-ID"]).strip()].append(r.rcpt_tos)
    ids = sent(root)
    assert len(ids) == 11 and len(set(ids.values())) == 11
    assert set(received) == set(ids.values())  # no message lost, no second Message-ID for a message
    for rcpts in received.values():  # a duplicate went to the same recipient
        assert all(r == rcpts[0] for r in rcpts)
    assert outbound.unsent(journal(root)) == []


def test_a_server_that_drops_the_connection_after_the_third_message(demo):
    with running_smtp(drop_after_data={3}) as server:
        use(demo, server)
        first = remind(demo)
        assert first.exit_code == 1
        assert "en attente" in first.output and "coupé la connexion" in first.output
        assert "--force" not in first.output and "Traceback" not in first.output
        assert "pas encore parti" in status(demo)
        server.handler.drop_after_data.clear()  # the server behaves again
        second = remind(demo)
        assert second.exit_code == 0, second.output
        assert_all_received_once_per_message(demo, server)
        twice = [r for r in server.received if sum(x.message["Message-ID"] == r.message["Message-ID"]
                                                   for x in server.received) > 1]
        assert len(twice) == 2  # the third message: kept by the server when it cut, then sent again
        assert remind(demo).exit_code == 0 and len(server.received) == 12
    assert "pas encore parti" not in status(demo)
    retries = [e for e in journal(demo) if e.kind == outbound.RETRY]
    assert len(retries) == 1 and retries[0].data["previous"]


def test_a_recipient_refused_for_good_is_journaled_and_goes_once_fixed(demo):
    refusal = "550 5.1.1 Boîte inconnue"
    with running_smtp(refuse_rcpt={REFUSED: refusal}) as server:
        use(demo, server)
        first = remind(demo)
        assert first.exit_code == 1 and "refusé" in first.output and "550 5.1.1" in first.output
        failed = [e for e in journal(demo) if e.kind == outbound.FAILED]
        assert len(failed) == 1 and refusal in failed[0].data["reply"]  # his convocation (no reminder before it)
        assert len(server.received) == 9  # the others went on (his reminder waits for his convocation)
        assert "550 5.1.1" in status(demo)
        rows = reminder_log(load_project(demo).project, journal(demo))
        [row] = [r for r in rows if r[RESULT].startswith("refusé par le serveur")]
        assert row[LEARNER] == "Nicolas Faure" and "550 5.1.1" in row[RESULT]

        again = remind(demo)  # nothing changed: not sent again, still said
        assert again.exit_code == 1 and len(server.received) == 9
        assert len([e for e in journal(demo) if e.kind == outbound.FAILED]) == 1

        assert convoked(demo, "nicolas-faure") is None  # refused is not sent, for the whole journey

        people = demo / "apprenants.yaml"
        people.write_text(people.read_text(encoding="utf-8").replace(REFUSED, "nicolas.faure@example.fr"),
                          encoding="utf-8")
        fixed = remind(demo)
        assert fixed.exit_code == 0, fixed.output
        assert_all_received_once_per_message(demo, server)
        assert convoked(demo, "nicolas-faure") is not None


def convoked(root, learner: str):
    from datetime import date

    from qualikit.journey import as_of

    journey = as_of(load_project(root).project, journal(root), date(2026, 11, 29))
    return next(lj.convoked for sj in journey for lj in sj.learners if lj.learner.id == learner)


def test_a_run_killed_during_a_send_is_caught_up_by_the_next_one(demo):
    env = {**os.environ, "QUALIKIT_TODAY": TODAY}
    with running_smtp(hold_on_data={3}) as server:
        use(demo, server)
        victim = subprocess.Popen([sys.executable, "-m", "qualikit", "remind", "-p", str(demo)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert server.handler.held.wait(60), "the third message never arrived"
        finally:
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            server.handler.release.set()
        assert len(server.received) == 3
        states = {m.state for m in outbound.messages(journal(demo)).values()}
        assert outbound.INTERRUPTED in states
        result = remind(demo)
        assert result.exit_code == 0, result.output
        assert_all_received_once_per_message(demo, server)
        assert len(server.received) == 12  # the third once more, under its Message-ID


def test_unicode_password_wrong_password_and_closed_port(demo, monkeypatch):
    with running_smtp(auth=(USER, UNICODE_PASSWORD), auth_require_tls=False) as server:
        use(demo, server, user=USER)
        for env, expected in (({ENV: "mauvais"}, "a refusé l'identifiant ou le mot de passe"),
                              ({ENV: UNICODE_PASSWORD}, None)):
            if expected is None:
                closed = server.port
                use(demo, server, user=USER, port=_closed_port())
                result = remind(demo, **env)
                assert result.exit_code == 1
                assert "connexion refusée par le serveur SMTP" in _lines(result.output)[0]
                use(demo, server, user=USER, port=closed)
            else:
                result = remind(demo, **env)
                assert result.exit_code == 1
                assert expected in _lines(result.output)[0] and "mauvais" not in result.output
            assert server.received == [] and sent(demo) == {}
        result = remind(demo, **{ENV: UNICODE_PASSWORD})
        assert result.exit_code == 0, result.output
        assert server.handler.logins and UNICODE_PASSWORD not in (demo / "journal.jsonl").read_text("utf-8")
        assert_all_received_once_per_message(demo, server)


def _lines(output: str) -> list[str]:
    """The "en attente" lines: one per cause, however many messages wait."""
    found = [line for line in output.splitlines() if line.startswith("en attente")]
    assert len(set(found)) == len(found) and found
    return found


def _closed_port() -> int:
    from smtp_server import free_port

    return free_port()


def test_exit_codes_say_whether_to_wait_or_to_fix(demo):
    people = demo / "apprenants.yaml"
    good = people.read_text(encoding="utf-8")
    people.write_text(good.replace(REFUSED, "nicolas.faure@"), encoding="utf-8")
    broken = remind(demo)
    assert broken.exit_code == 2 and "apprenants.yaml" in broken.output  # fix the project: waiting won't help
    people.write_text(good, encoding="utf-8")
    with running_smtp() as server:
        use(demo, server)
        assert remind(demo).exit_code == 0
        assert remind(demo).exit_code == 0 and len(server.received) == 11  # nothing twice


def test_the_alert_digest_has_the_same_guarantees(demo):
    trainer = "contact@atelier-clement-formation.fr"
    with running_smtp(refuse_rcpt={trainer: "452 4.2.2 Boîte pleine, réessayez"}) as server:
        use(demo, server)
        first = remind(demo)
        assert first.exit_code == 1
        assert "Résumé des alertes" in first.output and "452 4.2.2" in first.output
        [deferred] = [e for e in journal(demo) if e.kind == outbound.DEFERRED]
        assert deferred.data["key"].startswith("remind:digest:")
        server.handler.refuse_rcpt.clear()
        second = remind(demo)
        assert second.exit_code == 0, second.output
        assert "Résumé des alertes envoyé" in second.output
        [digest] = [r for r in server.received if r.rcpt_tos == [trainer]]
        assert str(digest.message["Message-ID"]).strip() == deferred.data["message_id"]
        assert_all_received_once_per_message(demo, server)
