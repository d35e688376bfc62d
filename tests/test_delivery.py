"""Delivery on real files and a real SMTP server (aiosmtpd on 127.0.0.1): exactly once, crash-safe."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from smtp_server import PASSWORD, free_port, running_smtp

import qualikit.delivery.send as delivery_module
from qualikit.delivery.send import (
    DeliveryError,
    DeliveryReport,
    OutboxTransport,
    Outgoing,
    SmtpTransport,
    attachments,
    deliver,
    safe_name,
)
from qualikit.delivery.smtp import DROPPED
from qualikit.project import outbound
from qualikit.project.journal import Journal
from qualikit.project.model import SmtpSettings

pytest_plugins = ["smtp_server"]

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 8


def clock() -> datetime:
    return NOW


def message(i: int, to: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Julie Durand <julie@durand-formation.fr>"
    msg["To"] = f"Apprenant {i} <{to or f'a{i}@example.fr'}>"
    msg["Subject"] = f"Votre convocation n° {i} — Excel pour la gestion"
    msg["Date"] = format_datetime(NOW)
    msg["Message-ID"] = f"<onboard.{i}@durand-formation.fr>"
    msg.set_content(f"Bonjour,\n\nVoici votre convocation ({i}).\n\nÀ bientôt,\nJulie\n")
    msg.add_alternative(f"<p>Bonjour, voici votre convocation ({i}).</p>", subtype="html")
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="convocation.pdf")
    msg.add_attachment(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", maintype="text", subtype="calendar",
                       filename="formation.ics")
    return msg


def outgoing(i: int, to: str | None = None) -> Outgoing:
    return Outgoing(f"onboard:email:S1:l{i}", message(i, to), "onboard.email", {"session": "S1", "learner": f"l{i}"})


def batch(n: int) -> list[Outgoing]:
    return [outgoing(i) for i in range(1, n + 1)]


def keys(items) -> list[str]:
    return [(o[0] if isinstance(o, tuple) else o).key for o in items]


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal.jsonl", clock)


@pytest.fixture
def spool(tmp_path: Path) -> Path:
    return tmp_path / ".qualikit" / "spool"


@pytest.fixture
def outbox(tmp_path: Path) -> OutboxTransport:
    return OutboxTransport(tmp_path / "outbox", clock)


def smtp_transport(server, **kw) -> SmtpTransport:
    return SmtpTransport(server.settings(), ssl_context=server.client_context, timeout=5, **kw)


def sent_keys(journal: Journal) -> list[str]:
    return [e.key for e in journal.entries() if e.key]


def states(journal: Journal) -> dict[str, str]:
    return {k: m.state for k, m in outbound.messages(journal.entries()).items()}


# -- outbox ---------------------------------------------------------------------


def test_outbox_writes_eml_files_that_parse_back_equal(journal, outbox, spool):
    items = batch(3)
    report = deliver(journal, outbox, items, spool=spool)
    assert keys(report.sent) == keys(items) and report.ok and not report.already
    files = sorted(outbox.outbox.iterdir())
    expected = [f"20261123-090000-onboard_email_S1_l{n}-{safe_name(o.key)[-10:]}.eml" for n, o in enumerate(items, 1)]
    assert [f.name for f in files] == expected
    for path, item in zip(files, items, strict=True):
        parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        assert parsed.as_bytes() == item.message.as_bytes()
        assert parsed["Subject"] == item.message["Subject"]
        assert parsed.get_body(("plain",)).get_content() == item.message.get_body(("plain",)).get_content()
        pdf = next(p for p in parsed.iter_attachments() if p.get_filename() == "convocation.pdf")
        assert pdf.get_content() == PDF
    entry = journal.done("onboard:email:S1:l1")
    assert entry.kind == "onboard.email"
    assert entry.data == {
        "session": "S1", "learner": "l1", "to": "a1@example.fr",
        "subject": "Votre convocation n° 1 — Excel pour la gestion",
        "message_id": "<onboard.1@durand-formation.fr>", "transport": "outbox",
        "attachments": attachments(items[0].message),
    }
    assert [a["filename"] for a in entry.data["attachments"]] == ["convocation.pdf", "formation.ics"]
    assert journal.verify() == []


def test_outbox_rerun_delivers_nothing_twice(journal, outbox, spool):
    deliver(journal, outbox, batch(3), spool=spool)
    report = deliver(journal, outbox, batch(4), spool=spool)
    assert keys(report.sent) == ["onboard:email:S1:l4"]
    assert keys(report.already) == keys(batch(3))
    assert len(list(outbox.outbox.iterdir())) == 4
    assert len(sent_keys(journal)) == 4


def test_same_key_twice_in_one_batch_is_sent_once(journal, outbox, spool):
    report = deliver(journal, outbox, [outgoing(1), outgoing(1)], spool=spool)
    assert len(report.sent) == 1 and len(report.already) == 1
    assert len(list(outbox.outbox.iterdir())) == 1


def test_outbox_crash_after_write_is_recovered_not_resent(journal, outbox, spool):
    item = outgoing(1)
    journal.append(outbound.PLANNED, {"key": item.key, "message_id": str(item.message["Message-ID"])})
    outbox.send(item.message, key=item.key)  # a run died after writing the .eml, before journaling it
    report = deliver(journal, outbox, [item, outgoing(2)], spool=spool)
    assert keys(report.recovered) == [item.key]
    assert keys(report.already) == [item.key]
    assert keys(report.sent) == ["onboard:email:S1:l2"]
    assert report.ok
    assert len(list(outbox.outbox.iterdir())) == 2  # no second copy of message 1
    assert journal.done(item.key).data["recovered"] is True


def test_outbox_crash_before_write_sends_again_and_cleans_leftovers(journal, outbox, spool):
    item = outgoing(1)
    journal.append(outbound.PLANNED, {"key": item.key, "message_id": "<first@durand-formation.fr>"})
    spool.mkdir(parents=True)
    (spool / "old-marker.pending").write_text(item.key)  # an earlier version's marker
    (spool / ".x.pending.0123abcd.tmp").write_text("")  # a write cut by a kill
    outbox.outbox.mkdir(parents=True)
    (outbox.outbox / ".20261123-090000-k.eml.89abcdef.tmp").write_bytes(b"half a message")
    report = deliver(journal, outbox, [item], spool=spool)
    assert keys(report.sent) == [item.key] and keys(report.retried) == [item.key] and report.ok
    [eml] = list(outbox.outbox.iterdir())  # the leftover is gone, one .eml
    assert b"Message-ID: <first@durand-formation.fr>" in eml.read_bytes()  # the planned identity
    assert "recovered" not in journal.done(item.key).data
    assert list(spool.iterdir()) == []


def test_forced_resend_is_journaled_as_resend(journal, outbox, spool):
    deliver(journal, outbox, batch(2), spool=spool)
    report = deliver(journal, outbox, batch(2), force={"onboard:email:S1:l1"}, spool=spool)
    assert keys(report.sent) == ["onboard:email:S1:l1"]
    assert keys(report.already) == ["onboard:email:S1:l2"]
    names = sorted(p.name for p in outbox.outbox.iterdir())
    assert len(names) == 3 and any(n.endswith("-2.eml") for n in names)  # same second: first copy kept
    entries = [e for e in journal.entries() if e.key == "onboard:email:S1:l1"]
    assert [e.data.get("resend") for e in entries] == [None, True]


def test_dry_run_writes_nothing(tmp_path, journal, outbox, spool):
    deliver(journal, outbox, batch(1), spool=spool)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    report = deliver(journal, outbox, batch(3), dry_run=True, spool=spool)
    assert report.dry_run and report.ok
    assert keys(report.sent) == ["onboard:email:S1:l2", "onboard:email:S1:l3"]
    assert keys(report.already) == ["onboard:email:S1:l1"]
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert len(sent_keys(journal)) == 1


def test_dry_run_against_smtp_connects_to_nothing(journal, spool, tmp_path):
    transport = SmtpTransport(running_settings_nowhere(), timeout=1)
    report = deliver(journal, transport, batch(2), dry_run=True, spool=spool)
    assert keys(report.sent) == keys(batch(2)) and not report.failed
    assert not tmp_path.joinpath("journal.jsonl").exists() and not spool.exists()


def running_settings_nowhere() -> SmtpSettings:
    """Settings for a port where no server listens."""
    return SmtpSettings(host="127.0.0.1", port=free_port(), security="aucune")


def test_safe_names_are_bounded_distinct_and_stay_in_their_folder(tmp_path, spool):
    names = {safe_name(k) for k in ("a:b", "a_b", "a/b", "a\\b", "../../etc/passwd", "x" * 500, "x" * 501, "é")}
    assert len(names) == 8
    for name in names:
        assert re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9._-]*", name) and len(name) <= 91
    outbox = OutboxTransport(tmp_path / "outbox", clock)
    outbox.send(message(1), key="../../evil/key")
    assert [p.parent for p in tmp_path.rglob("*.eml")] == [tmp_path / "outbox"]


def test_report_ok():
    item = outgoing(1)
    assert DeliveryReport().ok
    assert not DeliveryReport(failed=[(item, "x")]).ok
    assert not DeliveryReport(waiting=[(item, "x")]).ok


def test_non_json_data_is_refused_before_anything_is_sent(journal, spool, smtp):
    bad = Outgoing("k:bad", message(2), "onboard.email", {"when": NOW})
    with pytest.raises(TypeError):
        deliver(journal, smtp_transport(smtp), [outgoing(1), bad], spool=spool)
    assert smtp.messages == [] and journal.entries() == []


def test_incomplete_message_fails_without_sending(journal, spool, smtp):
    item = outgoing(1)
    del item.message["To"]
    report = deliver(journal, smtp_transport(smtp), [item, outgoing(2)], spool=spool)
    assert report.failed == [(item, "message incomplet\u00a0: pas de destinataire")]
    assert keys(report.sent) == ["onboard:email:S1:l2"]
    assert states(journal)[item.key] == outbound.REFUSED


class Recording:
    """A transport that records, and can die like a killed process after the n-th message left."""

    name = "test"

    def __init__(self, crash_on: int | None = None) -> None:
        self.sent: list[EmailMessage] = []
        self.crash_on = crash_on

    def send(self, message: EmailMessage, *, key: str) -> None:
        self.sent.append(message)
        if len(self.sent) == self.crash_on:
            raise KeyboardInterrupt  # the process dies after the message left, before the journal

    def close(self) -> None:
        pass


def test_a_crash_during_send_is_sent_again_under_the_same_message_id(journal, spool):
    first = Recording(crash_on=2)
    with pytest.raises(KeyboardInterrupt):
        deliver(journal, first, batch(3), spool=spool)
    assert sent_keys(journal) == ["onboard:email:S1:l1"]
    assert states(journal)["onboard:email:S1:l2"] == outbound.INTERRUPTED

    transport = Recording()
    fresh = [Outgoing(o.key, message(i, None), o.kind, o.data) for i, o in enumerate(batch(3), 1)]
    for o in fresh:  # the next run builds its messages anew, with new Message-IDs
        del o.message["Message-ID"]
        o.message["Message-ID"] = f"<rebuilt.{o.data['learner']}@durand-formation.fr>"
    report = deliver(journal, transport, fresh, spool=spool)
    assert keys(report.sent) == ["onboard:email:S1:l2", "onboard:email:S1:l3"] and report.ok
    assert keys(report.retried) == ["onboard:email:S1:l2"]
    assert transport.sent[0]["Message-ID"] == first.sent[1]["Message-ID"]  # the same message, twice at most
    assert transport.sent[1]["Message-ID"] == "<rebuilt.l3@durand-formation.fr>"
    retry = journal.entries_of(outbound.RETRY)[0].data
    assert retry["attempt"] == 2 and retry["message_id"] == str(first.sent[1]["Message-ID"])


# -- SMTP -----------------------------------------------------------------------


def test_smtp_delivers_once_with_the_right_headers(journal, spool, smtp):
    items = batch(3)
    report = deliver(journal, smtp_transport(smtp), items, spool=spool)
    assert keys(report.sent) == keys(items) and report.ok
    assert [(m["From"], m["To"], m["Subject"]) for m in smtp.messages] == [
        (str(o.message["From"]), str(o.message["To"]), str(o.message["Subject"])) for o in items
    ]
    assert [r.rcpt_tos for r in smtp.received] == [["a1@example.fr"], ["a2@example.fr"], ["a3@example.fr"]]
    sent_pdf = next(p for p in smtp.messages[0].iter_attachments() if p.get_filename() == "convocation.pdf")
    assert sent_pdf.get_content() == PDF
    done = journal.done(items[0].key).data
    assert done["transport"] == "smtp" and done["reply"].startswith("250")
    assert done["message_id"] == str(smtp.messages[0]["Message-ID"])

    again = deliver(journal, smtp_transport(smtp), batch(3), spool=spool)
    assert again.sent == [] and keys(again.already) == keys(items)
    assert len(smtp.messages) == 3


@pytest.mark.parametrize(
    ("behaviour", "third", "rest"),
    [
        ({"refuse": {3: "451 4.3.0 Trop de messages, réessayez plus tard"}},
         "refusé temporairement par le serveur SMTP (451 4.3.0 Trop de messages, réessayez plus tard)",
         "non tenté\u00a0: le serveur SMTP refuse temporairement les envois (451)"),
        ({"drop_on_data": {3}}, DROPPED, f"non tenté\u00a0: {DROPPED}"),
    ],
    ids=["451", "drop"],
)
def test_smtp_trouble_mid_batch_then_next_run_sends_exactly_the_rest(journal, spool, behaviour, third, rest):
    items = batch(5)
    with running_smtp(**behaviour) as server:
        report = deliver(journal, smtp_transport(server), items, spool=spool)
        assert keys(report.sent) == keys(items[:2])
        assert report.waiting == [(items[2], third), (items[3], rest), (items[4], rest)]
        assert not report.ok and report.failed == []
        assert sent_keys(journal) == keys(items[:2])
        assert states(journal)[items[2].key] == outbound.WAITING and items[3].key not in states(journal)
        assert [m["To"] for m in server.messages] == ["Apprenant 1 <a1@example.fr>", "Apprenant 2 <a2@example.fr>"]

        again = deliver(journal, smtp_transport(server), batch(5), spool=spool)  # the server is fine now
        assert keys(again.sent) == keys(items[2:]) and again.ok
        assert sorted(r.rcpt_tos[0] for r in server.received) == [f"a{i}@example.fr" for i in range(1, 6)]
    assert sorted(sent_keys(journal)) == sorted(keys(items))
    assert journal.verify() == []


def test_permanent_refusal_of_one_recipient_fails_only_that_message(journal, spool):
    items = [outgoing(1), outgoing(2, to="inconnu@example.fr"), outgoing(3)]
    with running_smtp(refuse_rcpt={"inconnu@example.fr": "550 5.1.1 Adresse inconnue"}) as server:
        report = deliver(journal, smtp_transport(server), items, spool=spool)
        assert keys(report.sent) == [items[0].key, items[2].key]
        assert report.failed == [(items[1], "destinataire refusé par le serveur SMTP "
                                            "(inconnu@example.fr\u00a0: 550 5.1.1 Adresse inconnue)")]
        assert len(server.messages) == 2
        assert sent_keys(journal) == [items[0].key, items[2].key]
        [failed] = journal.entries_of(outbound.FAILED)
        assert failed.data["reply"] == "inconnu@example.fr\u00a0: 550 5.1.1 Adresse inconnue"

        again = deliver(journal, smtp_transport(server), items, spool=spool)  # not hammered daily
        assert keys(again.failed) == [items[1].key] and len(journal.entries_of(outbound.FAILED)) == 1

        fixed = [items[0], outgoing(2, to="a2@example.fr"), items[2]]  # the trainer fixed the address
        last = deliver(journal, smtp_transport(server), fixed, spool=spool)
        assert keys(last.sent) == [items[1].key] and last.ok
        assert server.messages[-1]["Message-ID"] == failed.data["message_id"]


def test_partly_refused_recipients_are_sent_and_noted(journal, spool):
    item = outgoing(1)
    item.message["Cc"] = "inconnu@example.fr"
    with running_smtp(refuse_rcpt={"inconnu@example.fr": "550 5.1.1 Adresse inconnue"}) as server:
        report = deliver(journal, smtp_transport(server), [item], spool=spool)
        assert keys(report.sent) == [item.key] and len(server.messages) == 1
    assert report.warnings == [(item, "envoyé, mais refusé pour\u00a0: inconnu@example.fr")]
    assert journal.done(item.key).data["refused"] == ["inconnu@example.fr"]


def test_connection_lost_after_the_body_is_sent_again_under_the_same_message_id(journal, spool):
    items = batch(3)
    with running_smtp(drop_after_data={2}) as server:
        report = deliver(journal, smtp_transport(server), items, spool=spool)
        assert keys(report.sent) == [items[0].key]
        assert keys(report.waiting) == keys(items[1:]) and report.waiting[0][1].endswith("confirmer la réception")
        assert journal.entries_of(outbound.DEFERRED)[0].data["uncertain"] is True

        again = deliver(journal, smtp_transport(server), batch(3), spool=spool)
        assert keys(again.sent) == keys(items[1:]) and again.ok
    received = [(r.rcpt_tos[0], r.message["Message-ID"]) for r in server.received]
    # the server kept message 2 before cutting, then got it again: twice, the same message
    expected = [(f"a{i}@example.fr", str(o.message["Message-ID"])) for i, o in enumerate(items, 1)]
    assert sorted(received) == sorted([*expected, expected[1]])
    assert server.handler.data_commands == 4


def test_connection_refused_makes_the_batch_wait_and_journals_nothing(journal, spool, tmp_path):
    report = deliver(journal, SmtpTransport(running_settings_nowhere(), timeout=2), batch(3), spool=spool)
    reasons = {r for _, r in report.waiting}
    assert len(report.waiting) == 3 and len(reasons) == 1 and not report.failed
    assert reasons.pop().startswith("connexion refusée par le serveur SMTP 127.0.0.1:")
    assert journal.entries() == []


def test_one_connection_for_the_whole_batch(journal, spool, smtp_auth):
    report = deliver(journal, smtp_transport(smtp_auth), batch(5), spool=spool)
    assert len(report.sent) == 5
    assert smtp_auth.handler.logins == [smtp_auth.user]  # one login: one connection


# -- TLS and password -----------------------------------------------------------


def test_starttls_and_login_with_the_password_from_the_environment(journal, spool, smtp_auth):
    report = deliver(journal, smtp_transport(smtp_auth), batch(2), spool=spool)
    assert report.ok and len(smtp_auth.messages) == 2
    assert PASSWORD not in journal.path.read_text(encoding="utf-8")


def test_wrong_password_fails_in_french_without_showing_it(journal, spool, smtp_auth, monkeypatch):
    wrong = "mauvais-Mot2Passe"
    monkeypatch.setenv(smtp_auth.password_env, wrong)
    report = deliver(journal, smtp_transport(smtp_auth), batch(2), spool=spool)
    assert len(report.waiting) == 2 and smtp_auth.messages == []
    reason = report.waiting[0][1]
    assert "a refusé l'identifiant ou le mot de passe" in reason and smtp_auth.password_env in reason
    assert all(wrong not in r and PASSWORD not in r for _, r in report.waiting)
    assert wrong not in repr(report)
    assert journal.entries() == []


def test_missing_password_variable_is_named(journal, spool, smtp_auth, monkeypatch):
    monkeypatch.delenv(smtp_auth.password_env)
    transport = smtp_transport(smtp_auth)
    with pytest.raises(DeliveryError, match=f"définissez la variable d'environnement {smtp_auth.password_env}"):
        transport.send(message(1), key="k")
    report = deliver(journal, transport, batch(1), spool=spool)
    assert smtp_auth.password_env in report.waiting[0][1]


def test_untrusted_certificate_is_refused(journal, spool, smtp_auth):
    transport = SmtpTransport(smtp_auth.settings(), timeout=5)  # system trust store: self-signed refused
    report = deliver(journal, transport, batch(1), spool=spool)
    assert report.waiting[0][1].startswith(f"certificat du serveur SMTP 127.0.0.1:{smtp_auth.port} refusé")
    assert smtp_auth.messages == []


def test_implicit_tls(journal, spool, smtp_tls):
    with running_smtp(tls=smtp_tls, implicit_tls=True) as server:
        assert server.settings().security == "ssl"
        report = deliver(journal, smtp_transport(server), batch(2), spool=spool)
        assert report.ok and len(server.messages) == 2


# -- two processes --------------------------------------------------------------

WORKER = """
import json, sys, time
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path
from qualikit.delivery.send import Outgoing, SmtpTransport, deliver
from qualikit.project.journal import Journal
from qualikit.project.model import SmtpSettings

root, name, port = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
journal = Journal(root / "journal.jsonl", lambda: datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc))
items = []
for i in range(1, 21):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "julie@durand-formation.fr", f"a{i}@example.fr", f"Convocation {i}"
    msg["Message-ID"] = f"<{i}@durand-formation.fr>"
    msg.set_content("Bonjour")
    items.append(Outgoing(f"onboard:email:S1:l{i}", msg, "onboard.email", {"process": name}))
transport = SmtpTransport(SmtpSettings(host="127.0.0.1", port=port, security="aucune"), timeout=5)
(root / f"ready-{name}").touch()
while not (root / "go").exists():
    time.sleep(0.001)
report = deliver(journal, transport, items, spool=root / "spool")
print(json.dumps({"sent": len(report.sent), "already": len(report.already),
                  "failed": len(report.failed) + len(report.waiting)}))
"""


def test_two_processes_deliver_each_message_once(tmp_path, smtp):
    root = Path(delivery_module.__file__).resolve().parents[1]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path), name, str(smtp.port)],
                         env=env, stdout=subprocess.PIPE, text=True)
        for name in ("a", "b")
    ]
    deadline = time.monotonic() + 10
    while not all((tmp_path / f"ready-{n}").exists() for n in ("a", "b")):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.005)
    (tmp_path / "go").touch()
    results = [json.loads(p.communicate(timeout=20)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert all(r["sent"] + r["already"] == 20 and r["failed"] == 0 for r in results)
    assert sum(r["sent"] for r in results) == 20
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == sorted(f"a{i}@example.fr" for i in range(1, 21))
    journal = Journal(tmp_path / "journal.jsonl", clock)
    assert sorted(sent_keys(journal)) == sorted(keys(batch(20))) and journal.verify() == []


def test_module_never_logs_or_stores_the_password():
    folder = Path(delivery_module.__file__).parent
    source = "".join(p.read_text(encoding="utf-8") for p in folder.glob("*.py"))
    assert "print(" not in source and "logging" not in source and "set_debuglevel" not in source
